// A session is resolved once per process (CLI run, TUI, service): the data folder, the packs, the
// timing, how long to wait for the lock, and the operator who answers prompts. Every operation in
// source/app takes a session; the session owns the lock: an operation that changes state runs inside
// `withLock`, which takes the lock when the work starts (after the input checks that need no state)
// and releases it when it ends, the same way for every view (docs/architecture.md "The session").
import type {Operator} from '../core/hosts/access.js';
import type {StepEvent} from '../core/pipeline/events.js';
import type {PackSet} from '../core/packs/packs.js';
import {resolveDataDir} from '../store/paths.js';
import {StateStore} from '../store/state-store.js';
import {resolveLockWaitMs, resolveTiming, type Timing} from './timing.js';

export type {Operator, Timing};

export interface SessionOptions {
	/** The data folder as given (flag, TUI argument); null: CRM_DATA_DIR or the default. */
	dataDir?: string | null;
	timing?: Partial<Timing>;
	lockWaitMs?: number;
	operator?: Operator;
	/** Where warnings about the packs folder go (a bad pack file is skipped, not fatal). */
	warn?: (message: string) => void;
	env?: NodeJS.ProcessEnv;
	/** The name the lock holder is shown under (`crm import`, `crm tui`, `crm serve`). */
	actor?: string;
}

/**
 * What every long operation receives besides its input: where its events go and how to stop it.
 * Operations emit step events (docs/architecture.md "The event stream"); batch import emits row events.
 */
export interface Run<E = StepEvent> {
	sink: (event: E) => void;
	signal: AbortSignal;
}

/**
 * The packs module, with zod for its schema, is loaded when an operation first needs the packs, not
 * with the session: reads (`crm status`, the service's reads, the TUI's first screens) never load
 * it (docs/architecture.md "Start-up").
 */
let packsModule: typeof import('../core/packs/packs.js') | null = null;

/** Loads the packs module (once); after it, `session.packs` can be read synchronously. */
export async function preloadPacks(): Promise<void> {
	packsModule ??= await import('../core/packs/packs.js');
}

export class Session {
	readonly dataDir: string;
	readonly timing: Timing;
	readonly lockWaitMs: number;
	readonly operator: Operator;
	readonly actor: string;
	private readonly options: SessionOptions;
	private packSet: PackSet | null = null;

	constructor(options: SessionOptions = {}) {
		const env = options.env ?? process.env;
		this.options = options;
		this.dataDir = resolveDataDir(options.dataDir ?? null);
		this.timing = resolveTiming(options.timing, env);
		this.lockWaitMs = resolveLockWaitMs(options.lockWaitMs, env);
		this.operator = options.operator ?? {};
		this.actor = options.actor ?? 'crm';
	}

	/** The same session answered by another operator (the TUI's prompts); the packs are shared. */
	withOperator(operator: Operator): Session {
		const next = new Session({
			...this.options,
			dataDir: this.dataDir,
			timing: this.timing,
			lockWaitMs: this.lockWaitMs,
			operator,
		});
		next.packSet = this.packSet;
		return next;
	}

	/**
	 * The provider packs, loaded on first use; a bad pack file is reported once and skipped. Read
	 * synchronously (the TUI's forms) only after loadPacks() or preloadPacks().
	 */
	get packs(): PackSet {
		if (!this.packSet) {
			if (!packsModule) throw new Error('Session.packs read before loadPacks()');
			this.packSet = packsModule.loadPacks();
			for (const p of this.packSet.problems)
				this.options.warn?.(`pack file ${p.file} skipped: ${p.field}: ${p.message}`);
		}
		return this.packSet;
	}

	/** The provider packs, loading their module first when no operation has yet. */
	async loadPacks(): Promise<PackSet> {
		await preloadPacks();
		return this.packs;
	}

	/**
	 * A read-only view of the data folder: never locks, never writes. Every secret state.json holds
	 * is registered as it is read (lib/secrets), before anything is shown.
	 */
	async read(): Promise<StateStore> {
		return StateStore.open(this.dataDir);
	}

	/**
	 * Runs `fn` holding the data folder's lock, released whatever happens. `existing`: the operation
	 * acts only on what is recorded, so an absent data folder is not created (and is not locked).
	 * `waitMs`: this call's wait for a busy folder (the watch waits a while to record a pause).
	 */
	async withLock<T>(
		operation: string,
		fn: (store: StateStore) => Promise<T>,
		options: {existing?: boolean; waitMs?: number} = {},
	): Promise<T> {
		const store = await StateStore.open(this.dataDir, {
			lock: {
				command: `${this.actor} ${operation}`,
				waitMs: options.waitMs ?? this.lockWaitMs,
				existing: options.existing,
			},
		});
		try {
			return await fn(store);
		} finally {
			store.release();
		}
	}

	/** `withLock` for an operation that acts only on what is recorded: an absent data folder stays absent. */
	withRecords<T>(operation: string, fn: (store: StateStore) => Promise<T>): Promise<T> {
		return this.withLock(operation, fn, {existing: true});
	}
}
