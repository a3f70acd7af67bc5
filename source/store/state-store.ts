// The state store: lowdb over state.json (atomic temp-file + rename writes through steno), plus the
// per-batch and per-reconcile detail files and the resource index beside it. A file that is not
// valid JSON, fails the schema or has a newer schema_version is refused (exit 4) and never rewritten.
// state.json is the one home of secrets (docs/domain.md): what it holds is registered when it is
// read, and every other file written here is redacted with every secret the process knows
// (lib/secrets) before it is serialised.
import {
	chmodSync,
	copyFileSync,
	existsSync,
	mkdirSync,
	readFileSync,
	readdirSync,
	rmSync,
	statSync,
} from 'node:fs';
import path from 'node:path';
import {DataFile} from 'lowdb/node';
import {CrmError} from '../lib/errors.js';
import {
	isSecretKey,
	redactValue,
	registerSecret,
	registerSecretFields,
	registerSecretsIn,
} from '../lib/secrets.js';
import {acquireLock, pidAlive, type HeldLock} from './lock.js';
import type {migrateV1} from './migrations.js';
import {checkDataDir, dataPaths, type DataPaths} from './paths.js';
import {ResourceIndex} from './resource-index.js';
import {
	BATCH_ID,
	RECONCILE_RUN_ID,
	RESOURCE_TYPES,
	SCHEMA_VERSION,
	emptyState,
	resourceKey,
} from './constants.js';
import type {BatchFile, BatchSecrets, ReconcileRun, State} from './schema.js';
import {decodeStateQuick, SECRET_COLUMNS, StateEncoder, StateShapeError} from './state-codec.js';
import {
	readStateFile,
	tempFileOf,
	writeFileAtomic,
	writeFileAtomicSync,
	writesSettled,
} from './state-file.js';

/** Every file but state.json: every string and field name redacted before it is serialised. */
const redactedPretty = (data: unknown) => JSON.stringify(redactValue(data), null, 2) + '\n';

// One adapter per file: steno queues writes per Writer, so concurrent writes to one file must share it.
const adapters = new Map<string, DataFile<unknown>>();
function jsonFile<T>(file: string, stringify: (data: unknown) => string = redactedPretty): DataFile<T> {
	let adapter = adapters.get(file);
	if (!adapter) {
		adapter = new DataFile<unknown>(file, {parse: (text) => JSON.parse(text) as unknown, stringify});
		adapters.set(file, adapter);
	}
	return adapter as DataFile<T>;
}

// One encoder per state file: it keeps the serialised rows between writes (state-codec.ts).
const encoders = new Map<string, StateEncoder>();
function encoderOf(file: string): StateEncoder {
	let encoder = encoders.get(file);
	if (!encoder) {
		encoder = new StateEncoder();
		encoders.set(file, encoder);
	}
	return encoder;
}

/**
 * A writer killed between its temp write and its rename leaves `.state.json.tmp` (which holds
 * secrets) behind; with the lock held no write is under way, so any such file is stale.
 */
function removeStaleTemp(paths: DataPaths): void {
	const tmp = tempFileOf(paths.state);
	rmSync(tmp, {force: true});
}

/**
 * Creates the data folder and its subfolders when writing: each folder crm creates is 0700; one
 * that already exists (a folder shared with other tools, say) keeps its mode.
 */
export function ensureDataDir(paths: DataPaths): void {
	checkDataDir(paths.dir, {write: true});
	for (const dir of [paths.dir, paths.batches, paths.reconciles]) {
		if (existsSync(dir)) continue;
		try {
			const first = mkdirSync(dir, {recursive: true, mode: 0o700});
			// Every folder this call made, from the first one down to dir.
			for (let made = dir; first && made.startsWith(first); made = path.dirname(made)) {
				chmodSync(made, 0o700);
				if (made === first) break;
			}
		} catch (error) {
			throw new CrmError(
				'invalid_input',
				`--data ${paths.dir}: cannot create ${dir} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); give a folder crm can write`,
				{field: '--data'},
			);
		}
	}
}

function stateError(kind: 'state_corrupt' | 'state_newer', file: string, why: string): CrmError {
	const advice =
		kind === 'state_newer'
			? 'use the newer crm that wrote it'
			: 'restore it from a backup or move it aside to start with an empty state';
	return new CrmError(kind, `state file ${file} ${why}; it was left exactly as it is (${advice})`);
}

function schemaProblem(error: {issues: Array<{path: PropertyKey[]; message: string}>}): string {
	const issue = error.issues[0];
	return `${issue?.path.map(String).join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`;
}

function isIndexable(r: unknown): boolean {
	const x = r as {resource_type?: unknown; host_resource_id?: unknown} | null;
	return (
		typeof x === 'object' &&
		x !== null &&
		(RESOURCE_TYPES as readonly unknown[]).includes(x.resource_type) &&
		(x.host_resource_id === null || typeof x.host_resource_id === 'string')
	);
}

/** Parts of state.json that hold no secret by design. */
const SECRET_FREE = new Set(['batches', 'reconcile_runs', 'acceptance_runs']);

/** The columns of a batch-secrets row that hold secrets: the managed user's password and key, a kept provider key. */
const BATCH_SECRET_FIELDS = SECRET_COLUMNS.filter(isSecretKey) as Array<keyof BatchSecrets & string>;

export interface OpenOptions {
	/**
	 * Take the data folder's lock (commands that change state). `existing`: the command only acts on
	 * what is already recorded, so an absent data folder is not created (it is read as empty, and
	 * the command then finds nothing to act on).
	 */
	lock?: {command: string; waitMs?: number; existing?: boolean};
}

/**
 * A `running` batch whose process is gone reads `failed` to a reader without the lock, as crash
 * recovery (which needs the lock) will record it; nothing is written.
 */
function showDeadAsFailed(state: State): void {
	for (const b of state.batches) {
		if (b.batch_status !== 'running') continue;
		if (b.pid !== null && (b.pid === process.pid || pidAlive(b.pid))) continue;
		b.batch_status = 'failed';
		b.failure_class = b.failure_class ?? 'unknown';
		b.stopped_at_step = b.stopped_at_step ?? 'preflight';
		b.provider_status = b.resource_count > 0 ? 'broken' : null;
		b.access_status = b.resource_count > 0 ? 'broken' : 'pending';
		b.pid = null;
	}
}

export class StateStore {
	readonly paths: DataPaths;
	/** Which batch recorded each host resource (batches/resource-index.jsonl). */
	readonly resources: ResourceIndex;
	private state: State = emptyState();
	private held: HeldLock | null;

	private constructor(paths: DataPaths, held: HeldLock | null) {
		this.paths = paths;
		this.held = held;
		this.resources = new ResourceIndex(
			ResourceIndex.fileIn(paths.batches),
			() => this.rebuildResourceIndex(),
			() => this.held !== null,
		);
	}

	static async open(dataDir: string, options: OpenOptions = {}): Promise<StateStore> {
		process.umask(0o077);
		const paths = dataPaths(dataDir);
		let held: HeldLock | null = null;
		if (options.lock && !(options.lock.existing && !existsSync(paths.dir))) {
			ensureDataDir(paths);
			held = await acquireLock(paths.lock, options.lock.command, options.lock.waitMs ?? 0);
			removeStaleTemp(paths);
		}
		try {
			const store = new StateStore(paths, held);
			await store.load();
			store.registerSecrets();
			if (!held) showDeadAsFailed(store.data);
			return store;
		} catch (error) {
			held?.release();
			throw error;
		}
	}

	get data(): State {
		return this.state;
	}

	get locked(): boolean {
		return this.held !== null;
	}

	private async load(): Promise<void> {
		const file = this.paths.state;
		let raw: unknown;
		try {
			raw = await readStateFile(file);
		} catch (error) {
			throw stateError('state_corrupt', file, `is not valid JSON (${(error as Error).message})`);
		}
		if (raw === null) {
			// An absent file reads as null, and a file holding `null` the same way.
			if (existsSync(file)) throw stateError('state_corrupt', file, 'holds null instead of the state');
			this.state = emptyState();
			return;
		}
		const version = (raw as {schema_version?: unknown})?.schema_version;
		if (typeof version === 'number' && version > SCHEMA_VERSION) {
			throw stateError(
				'state_newer',
				file,
				`has schema_version ${version}, newer than this crm (${SCHEMA_VERSION})`,
			);
		}
		if (version === 1) {
			const {migrateV1, stateV1Schema} = await import('./migrations.js');
			const old = stateV1Schema.safeParse(raw);
			if (!old.success)
				throw stateError('state_corrupt', file, `fails the version 1 schema at ${schemaProblem(old.error)}`);
			const migrated = migrateV1(old.data);
			this.state = migrated.state;
			if (this.held) {
				// Keep the old file, then write the detail files before the index that points at them.
				copyFileSync(file, `${file}.v1.bak`);
				for (const batch of migrated.batchFiles) await this.writeBatch(batch);
				for (const run of migrated.hostRuns) await this.writeHostRun(run);
				this.resources.rewrite(migrated.resourceIndex);
				await this.write();
			} else {
				this.pendingMigration = migrated;
				this.resources.preload(migrated.resourceIndex);
			}
			return;
		}
		if (version === 2) {
			const {migrateV2, stateV2Schema} = await import('./migrations.js');
			const old = stateV2Schema.safeParse(raw);
			if (!old.success)
				throw stateError('state_corrupt', file, `fails the schema at ${schemaProblem(old.error)}`);
			const migrated = migrateV2(old.data);
			this.state = migrated.state;
			if (this.held) {
				// Keep the old file; the resource index is written before the state that no longer holds it.
				copyFileSync(file, `${file}.v2.bak`);
				this.resources.rewrite(migrated.resourceIndex);
				await this.write();
			} else {
				this.resources.preload(migrated.resourceIndex);
			}
			return;
		}
		// A valid file is read without loading zod; the schemas decide anything else (state-codec.ts).
		const quick = decodeStateQuick(raw);
		if (quick) {
			this.state = quick;
			this.rowsHoldOnlyColumns = true;
			return;
		}
		try {
			this.state = (await import('./state-decode.js')).decodeState(raw);
		} catch (error) {
			if (!(error instanceof StateShapeError)) throw error;
			throw stateError('state_corrupt', file, `fails the schema at ${error.where}: ${error.message}`);
		}
	}

	/**
	 * Host credentials and sessions, managed users' passwords and keys, kept provider keys: every
	 * string under a secret-named field is known before anything is printed, whatever reads it (a
	 * batch file an older build wrote may quote one). The large indexes hold none and are skipped (at
	 * 10,000 batches walking them would cost every command).
	 */
	private registerSecrets(): void {
		const state = this.state as State & Record<string, unknown>;
		const parts: Record<string, unknown> = {};
		for (const name of Object.keys(state)) {
			if (!SECRET_FREE.has(name) && !(name === 'batch_secrets' && this.rowsHoldOnlyColumns))
				parts[name] = state[name];
		}
		registerSecretsIn(parts);
		// The quick decode built each row with exactly the table's columns: no walk of 10,000 objects.
		if (this.rowsHoldOnlyColumns)
			registerSecretFields(Object.values(this.state.batch_secrets), BATCH_SECRET_FIELDS);
		// The alerts webhook URL carries its token (Feishu, DingTalk) under a name that is not secret-like.
		registerSecret(this.state.alerts?.webhook_url);
	}

	/** The batch secrets came from the quick decode, each row with the table's columns and no others. */
	private rowsHoldOnlyColumns = false;

	/** A version-1 file read without the lock is migrated in memory only; its batch files live here. */
	private pendingMigration: ReturnType<typeof migrateV1> | null = null;

	async write(): Promise<void> {
		if (!this.held) throw new Error('state write without the lock');
		await writeFileAtomic(this.paths.state, async () => {
			await this.resources.flushAsync();
			return encoderOf(this.paths.state).encode(this.state);
		});
	}

	/**
	 * A batch's file. One missing for a batch in the index is a state problem (exit 4 naming the
	 * file), never an empty batch: an empty batch would read as "in sync" and "nothing to roll back".
	 */
	async readBatch(batchId: string): Promise<BatchFile> {
		const file = await this.readBatchIfPresent(batchId);
		if (!file)
			throw stateError(
				'state_corrupt',
				this.paths.batchFile(batchId),
				`is missing, though batch ${batchId} is in the index of ${this.paths.state}`,
			);
		return file;
	}

	/** A batch's file, or null when there is none (crash recovery marks such a batch failed). */
	async readBatchIfPresent(batchId: string): Promise<BatchFile | null> {
		const pending = this.pendingMigration?.batchFiles.find((b) => b.batch_id === batchId);
		if (pending) return pending;
		if (!BATCH_ID.test(batchId))
			throw stateError('state_corrupt', this.paths.state, `names a batch id crm never makes`);
		const file = this.paths.batchFile(batchId);
		let raw: unknown;
		try {
			raw = await jsonFile<BatchFile>(file).read();
		} catch (error) {
			throw stateError('state_corrupt', file, `is not valid JSON (${(error as Error).message})`);
		}
		if (raw === null) {
			if (existsSync(file)) throw stateError('state_corrupt', file, 'holds null instead of the batch');
			return null;
		}
		const {batchFileSchema} = await import('./schema.js');
		const parsed = batchFileSchema.safeParse(raw);
		if (!parsed.success)
			throw stateError('state_corrupt', file, `fails the schema at ${schemaProblem(parsed.error)}`);
		if (parsed.data.batch_id !== batchId)
			throw stateError('state_corrupt', file, `holds batch ${parsed.data.batch_id}, not ${batchId}`);
		return parsed.data;
	}

	/**
	 * The resource index rebuilt from the batch files (when its journal is missing), in batch order so
	 * that a later batch's record of a resource wins, as it does when records are appended.
	 */
	private rebuildResourceIndex(): Map<string, string> {
		const map = new Map<string, string>();
		for (const b of this.data.batches) {
			let resources: unknown = this.pendingMigration?.batchFiles.find(
				(f) => f.batch_id === b.batch_id,
			)?.resources;
			if (!resources) {
				const target = this.paths.batchFile(b.batch_id);
				if (!existsSync(target)) continue;
				try {
					resources = (JSON.parse(readFileSync(target, 'utf8')) as {resources?: unknown}).resources;
				} catch (error) {
					throw stateError('state_corrupt', target, `is not valid JSON (${(error as Error).message})`);
				}
				// Only what the index needs is checked here; commands that read the batch check all of it.
				if (!Array.isArray(resources) || !resources.every(isIndexable))
					throw stateError('state_corrupt', target, 'fails the schema at resources');
			}
			for (const r of resources as Array<{
				resource_type: (typeof RESOURCE_TYPES)[number];
				host_resource_id: string | null;
			}>) {
				if (r.host_resource_id)
					map.set(resourceKey(b.host_id, r.resource_type, r.host_resource_id), b.batch_id);
			}
		}
		return map;
	}

	/** The batch file (atomic: temp file, then rename); a write queued behind another takes the newest. */
	async writeBatch(batch: BatchFile): Promise<void> {
		if (!this.held) throw new Error('batch write without the lock');
		await writeFileAtomic(this.paths.batchFile(batch.batch_id), async () => {
			// The resource index's lines first: it never lags behind a batch file that says `created`.
			await this.resources.flushAsync();
			return redactedPretty(batch);
		});
	}

	/** The batch file, written before this returns, on the main thread (a store letting its lock go). */
	writeBatchNow(batch: BatchFile): void {
		if (!this.held) throw new Error('batch write without the lock');
		this.resources.flush();
		writeFileAtomicSync(this.paths.batchFile(batch.batch_id), redactedPretty(batch));
	}

	async readHostRun(runId: string): Promise<ReconcileRun | null> {
		const pending = this.pendingMigration?.hostRuns.find((r) => r.run_id === runId);
		if (pending) return pending;
		if (!RECONCILE_RUN_ID.test(runId))
			throw stateError('state_corrupt', this.paths.state, `names a reconcile run id crm never makes`);
		const raw = await jsonFile<ReconcileRun>(this.paths.reconcileFile(runId)).read();
		if (raw === null) {
			if (existsSync(this.paths.reconcileFile(runId)))
				throw stateError('state_corrupt', this.paths.reconcileFile(runId), 'holds null');
			return null;
		}
		const {reconcileRunSchema} = await import('./schema.js');
		const parsed = reconcileRunSchema.safeParse(raw);
		if (!parsed.success)
			throw stateError('state_corrupt', this.paths.reconcileFile(runId), 'fails the schema');
		return parsed.data;
	}

	async writeHostRun(run: ReconcileRun): Promise<void> {
		if (!this.held) throw new Error('reconcile write without the lock');
		await jsonFile<ReconcileRun>(this.paths.reconcileFile(run.run_id)).write(run);
	}

	/**
	 * A write someone holds back to coalesce it (the batch recorder's step ends and confirmations):
	 * done at the latest when this store lets the lock go.
	 */
	whenReleasing(write: () => void): void {
		this.dueWrites.add(write);
	}

	/** The held-back write was done (or is no longer due). */
	doneWith(write: () => void): void {
		this.dueWrites.delete(write);
	}

	private readonly dueWrites = new Set<() => void>();

	release(): void {
		const held = this.held;
		if (!held) return;
		for (const write of [...this.dueWrites]) write();
		this.dueWrites.clear();
		this.resources.flush();
		this.held = null;
		// Every write is awaited by the operation that makes it; one still landing (a session saved in
		// passing) is waited for before the next holder may read the folder.
		const landing = writesSettled(this.paths.dir);
		if (landing) void landing.then(() => held.release());
		else held.release();
	}
}

/** Modes of everything in the data folder (tests and `crm doctor`-style checks). */
export function listModes(dir: string): Array<{path: string; mode: number; dir: boolean}> {
	const out: Array<{path: string; mode: number; dir: boolean}> = [];
	const walk = (p: string) => {
		const st = statSync(p);
		out.push({path: p, mode: st.mode & 0o777, dir: st.isDirectory()});
		if (st.isDirectory()) for (const child of readdirSync(p)) walk(`${p}/${child}`);
	};
	if (existsSync(dir)) walk(dir);
	return out;
}
