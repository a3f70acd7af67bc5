// Watch the health of every imported provider (docs/cli.md `crm watch`): one pass with `once`, else
// until the run's signal aborts. One watch at a time per data folder (DATA/health/watch.lock); the
// state lock is taken only for a moment, to record a pause, a resume or a changed provider status.
import {mkdirSync} from 'node:fs';
import {CrmError, invalidInput} from '../lib/errors.js';
import {resolveHost} from '../core/hosts/lookup.js';
import {Watcher, type PassResult, type RaisedAlert} from '../core/health/watcher.js';
import type {HealthCheck, WatchOptions} from '../core/health/types.js';
import {acquireLock} from '../store/lock.js';
import {dataPaths} from '../store/paths.js';
import {ensureDataDir} from '../store/state-store.js';
import type {Run, Session} from './session.js';

export type {HealthCheck, PassResult, RaisedAlert};

export interface WatchInput extends Omit<WatchOptions, 'hostId' | 'intervalMs'> {
	/** A host id or name; absent: every host. */
	host?: string;
	once?: boolean;
	intervalS?: number;
}

export interface WatchRun extends Run {
	onCheck?(check: HealthCheck): void;
	onAlert?(alert: RaisedAlert): void;
	onNote?(message: string): void;
}

export interface WatchResult extends PassResult {
	/** Every check of the pass was ok (what `--once` exits 0 on). */
	all_ok: boolean;
	peak_per_host: number;
}

/** The state lock waits this long at most when the watch has something to record. */
const STATE_WAIT_MS = 30_000;

function checkNumber(value: number | undefined, field: string, min: number, max: number): void {
	if (value === undefined) return;
	if (!Number.isInteger(value) || value < min || value > max)
		throw invalidInput(field, (f) => `${f} must be a whole number from ${min} to ${max}`);
}

/** Checks the input without the network or a lock (bad input: exit 2). */
export async function planWatch(session: Session, input: WatchInput): Promise<WatchOptions> {
	checkNumber(input.intervalS, 'interval_s', 10, 86_400);
	checkNumber(input.brokenAfter, 'broken_after', 1, 100);
	checkNumber(input.perHostConcurrency, 'concurrency', 1, 64);
	const store = await session.read();
	const hostId = input.host === undefined ? null : resolveHost(store.data, input.host).host_id;
	return {
		...input,
		hostId,
		intervalMs: input.intervalS ? input.intervalS * 1000 : null,
	};
}

export async function watch(session: Session, input: WatchInput, run: WatchRun): Promise<WatchResult> {
	const options = await planWatch(session, input);
	const paths = dataPaths(session.dataDir);
	ensureDataDir(paths);
	mkdirSync(paths.health, {recursive: true, mode: 0o700});
	let held;
	try {
		held = await acquireLock(paths.watchLock, `${session.actor} watch`, 0);
	} catch (error) {
		if (error instanceof CrmError && error.kind === 'state_locked')
			throw new CrmError(
				'state_locked',
				`another watch runs on this data folder: ${error.message.replace(/^the data folder is locked by /, '')}`,
			);
		throw error;
	}
	try {
		const watcher = new Watcher(
			{
				dataDir: session.dataDir,
				read: () => session.read(),
				withLock: (fn) =>
					session.withLock('watch', fn, {waitMs: Math.max(session.lockWaitMs, STATE_WAIT_MS)}),
				packs: await session.loadPacks(),
				timing: session.timing,
				operator: session.operator,
				alertBackoffMs: alertBackoffMs(),
				onCheck: run.onCheck,
				onAlert: run.onAlert,
				onNote: run.onNote,
			},
			options,
		);
		const result = input.once ? await watcher.once(run.signal) : await watcher.loop(run.signal);
		return {
			...result,
			all_ok: result.checks.every((c) => c.health === 'ok'),
			peak_per_host: watcher.peakPerHost,
		};
	} finally {
		held.release();
	}
}

/** The first retry wait of a failed alert delivery (env CRM_ALERT_BACKOFF_MS; docs/cli.md waits). */
function alertBackoffMs(): number | undefined {
	const raw = process.env.CRM_ALERT_BACKOFF_MS;
	const n = raw === undefined || raw === '' ? Number.NaN : Number(raw);
	return Number.isFinite(n) && n >= 0 ? n : undefined;
}
