// The TUI's one door into the engine: every call the screens make to core/, the store and the
// sandbox goes through here, so the screens hold no domain logic and tests can see the surface.
// Reads open the store without the lock; an operation opens a locked store for its run only.
import {readdirSync} from 'node:fs';
import {
	DEFAULT_CONCURRENCY,
	planBatch,
	readBatchFile as readImportCsv,
	runBatch,
	type BatchFileRead,
	type BatchResult,
	type BatchRow,
	type BatchSink,
	type DetectedRow,
	type RowProblem,
} from '../core/batch-import/index.js';
import {CrmError} from '../core/errors.js';
import type {EventSink} from '../core/events.js';
import type {Operator} from '../core/host-access.js';
import {checkImport, runImport} from '../core/import/run-import.js';
import {
	DEFAULT_TIMING,
	type ImportPlanInput,
	type ImportRequest,
	type ImportResult,
	type Timing,
} from '../core/import/types.js';
import type {SmokeOutcome} from '../core/import/smoke.js';
import {liveBatchesOn, removeHost as removeHostInCore} from '../core/host-removal.js';
import {runSmokeAgain} from '../core/resmoke.js';
import {loadPacks, type PackSet} from '../core/packs.js';
import {runReconcile, type ReconcileResult} from '../core/reconcile.js';
import {registerHost, reprobeHost, type AdminCredential} from '../core/register-host.js';
import {runRepair, type RepairResult} from '../core/repair.js';
import {planRollback, runRollback, type RollbackPlan, type RollbackResult} from '../core/rollback.js';
import type {Capabilities} from '../host/probe.js';
import {startSandbox, type SandboxHandle} from '../sandbox/index.js';
import type {BatchFile, HostRecord} from '../store/schema.js';
import {dataPaths} from '../store/paths.js';
import {StateStore} from '../store/state-store.js';

export type {BatchEvent} from '../core/batch-import/index.js';
export type {BatchFileRead, BatchResult, BatchRow, DetectedRow, RowProblem};
export type {
	ImportPlanInput,
	ImportRequest,
	ImportResult,
	ReconcileResult,
	RepairResult,
	RollbackPlan,
	RollbackResult,
	Timing,
};

/** Waits and retries, from the same env variables the CLI reads (CLI.md: every wait has one). */
export function timingFromEnv(env: NodeJS.ProcessEnv = process.env): Timing {
	const num = (name: string, fallback: number) => {
		const v = Number(env[name]);
		return env[name] !== undefined && env[name] !== '' && Number.isFinite(v) ? v : fallback;
	};
	return {
		requestTimeoutMs: num('CRM_TIMEOUT_S', DEFAULT_TIMING.requestTimeoutMs / 1000) * 1000,
		smokeRetryMs: num('CRM_SMOKE_RETRY_S', DEFAULT_TIMING.smokeRetryMs / 1000) * 1000,
		smokeRetryIntervalMs: num('CRM_SMOKE_RETRY_INTERVAL_MS', DEFAULT_TIMING.smokeRetryIntervalMs),
	};
}

export interface EngineConfig {
	dataDir: string;
	timing: Timing;
	packs: PackSet;
}

export function makeConfig(dataDir: string, timing?: Partial<Timing>): EngineConfig {
	return {dataDir, timing: {...timingFromEnv(), ...timing}, packs: loadPacks()};
}

/** A read-only view of the data folder (never locks). */
export function openRead(config: EngineConfig): Promise<StateStore> {
	return StateStore.open(config.dataDir);
}

/** Runs `fn` with the data folder's lock held, released whatever happens. */
export async function withLock<T>(
	config: EngineConfig,
	command: string,
	fn: (store: StateStore) => Promise<T>,
): Promise<T> {
	const store = await StateStore.open(config.dataDir, {lock: {command}});
	try {
		return await fn(store);
	} finally {
		store.release();
	}
}

export function errorText(error: unknown): string {
	if (error instanceof CrmError) return error.message;
	if (error instanceof Error) return error.message;
	return String(error);
}

export function errorKind(error: unknown): string | null {
	return error instanceof CrmError ? error.kind : null;
}

export function errorField(error: unknown): string | null {
	return error instanceof CrmError ? error.field : null;
}

// ---- hosts ----

export interface AddHostInput {
	name: string;
	url: string;
	credential: AdminCredential;
}

export function addHost(
	config: EngineConfig,
	input: AddHostInput,
	operator: Operator,
	onProgress: (message: string) => void,
	signal?: AbortSignal,
): Promise<HostRecord> {
	return withLock(config, 'crm tui host add', (store) =>
		registerHost(store, input, {
			operator,
			timeoutMs: config.timing.requestTimeoutMs,
			onProgress,
			signal,
		}),
	);
}

export function reprobe(
	config: EngineConfig,
	hostId: string,
	operator: Operator,
	onProgress: (message: string) => void,
): Promise<Capabilities> {
	return withLock(config, 'crm tui host reprobe', async (store) => {
		const host = store.data.hosts.find((h) => h.host_id === hostId);
		if (!host) throw new CrmError('not_found', `host ${hostId} is no longer registered`);
		return reprobeHost(store, host, {operator, timeoutMs: config.timing.requestTimeoutMs, onProgress});
	});
}

export {liveBatchesOn};

/** Forgets a host (as `crm host remove [--force]`); its resources stay on the host. */
export function removeHost(config: EngineConfig, hostId: string, force: boolean): Promise<void> {
	return withLock(config, 'crm tui host remove', async (store) => {
		await removeHostInCore(store, hostId, force);
	});
}

// ---- import ----

export async function planImport(config: EngineConfig, request: ImportRequest): Promise<ImportPlanInput> {
	const store = await openRead(config);
	return checkImport(store, config.packs, request);
}

export interface ImportRun {
	request: ImportRequest;
	sink: EventSink;
	signal: AbortSignal;
	operator: Operator;
	onBatch: (batchId: string) => void;
}

export function startImport(config: EngineConfig, run: ImportRun): Promise<ImportResult> {
	return withLock(config, 'crm tui import', (store) =>
		runImport({
			store,
			packs: config.packs,
			request: run.request,
			sink: run.sink,
			signal: run.signal,
			operator: run.operator,
			timing: config.timing,
			onBatch: run.onBatch,
		}),
	);
}

// ---- status ----

export async function readBatchFile(config: EngineConfig, batchId: string): Promise<BatchFile | null> {
	const store = await openRead(config);
	return store.readBatch(batchId);
}

export function artifactsDir(config: EngineConfig, batchId: string): string {
	return dataPaths(config.dataDir).artifacts(batchId);
}

/** The evidence files of one batch (one folder listing, never the others). */
export function evidenceFiles(config: EngineConfig, batchId: string): string[] {
	try {
		return readdirSync(artifactsDir(config, batchId)).sort();
	} catch {
		return [];
	}
}

// ---- sandbox ----

export interface SandboxSession {
	handle: SandboxHandle;
	hostId: string;
	hostName: string;
}

/** Starts the built-in sandbox in this process and registers it (name `sandbox`, or the next free). */
export async function trySandbox(
	config: EngineConfig,
	operator: Operator,
	onProgress: (message: string) => void,
): Promise<SandboxSession> {
	onProgress('starting the built-in sandbox host on 127.0.0.1');
	const handle = await startSandbox({profile: 'recent'});
	try {
		const state = (await openRead(config)).data;
		let name = 'sandbox';
		for (let n = 2; state.hosts.some((h) => h.name === name); n++) name = `sandbox-${n}`;
		onProgress(`registering it as ${name}`);
		const host = await addHost(
			config,
			{name, url: handle.info.host_url, credential: {type: 'admin_api_key', key: handle.info.admin_api_key}},
			operator,
			onProgress,
		);
		return {handle, hostId: host.host_id, hostName: host.name};
	} catch (error) {
		await handle.close();
		throw error;
	}
}

/**
 * Runs the access smoke of a finished batch again (the managed user's key, /v1/models + one chat
 * completion through the host), as one `access_smoke` step, and records the result (crm smoke).
 */
export function smokeAgain(
	config: EngineConfig,
	batch: {batch_id: string},
	sink: EventSink,
	signal: AbortSignal,
): Promise<SmokeOutcome> {
	return withLock(config, 'crm tui smoke', (store) =>
		runSmokeAgain({store, batchId: batch.batch_id, sink, signal, timing: config.timing}),
	);
}

// ---- drift & rollback ----

export function reconcile(
	config: EngineConfig,
	run: {hostId: string; batchId?: string; sink: EventSink; signal: AbortSignal; operator: Operator},
): Promise<ReconcileResult> {
	return withLock(config, 'crm tui reconcile', (store) =>
		runReconcile({
			store,
			hostRef: run.hostId,
			batchId: run.batchId,
			sink: run.sink,
			signal: run.signal,
			operator: run.operator,
			timing: config.timing,
		}),
	);
}

/** What a rollback would do (reads only, no lock). */
export async function rollbackPlan(config: EngineConfig, batchId: string): Promise<RollbackPlan> {
	return planRollback(await openRead(config), batchId);
}

export function rollback(
	config: EngineConfig,
	run: {batchId: string; sink: EventSink; signal: AbortSignal; operator: Operator},
): Promise<RollbackResult> {
	return withLock(config, 'crm tui rollback', (store) =>
		runRollback({
			store,
			batchId: run.batchId,
			sink: run.sink,
			signal: run.signal,
			operator: run.operator,
			timing: config.timing,
		}),
	);
}

export function repair(
	config: EngineConfig,
	run: {batchId: string; sink: EventSink; signal: AbortSignal; operator: Operator},
): Promise<RepairResult> {
	return withLock(config, 'crm tui repair', (store) =>
		runRepair({
			store,
			batchId: run.batchId,
			sink: run.sink,
			signal: run.signal,
			operator: run.operator,
			timing: config.timing,
		}),
	);
}

// ---- batch import ----

export function readImportFile(config: EngineConfig, file: string): BatchFileRead {
	return readImportCsv(file, config.packs);
}

export function detectPacks(
	config: EngineConfig,
	rows: BatchRow[],
	sink: BatchSink,
	signal: AbortSignal,
): Promise<DetectedRow[]> {
	return planBatch({
		packs: config.packs,
		rows,
		concurrency: DEFAULT_CONCURRENCY,
		signal,
		sink,
		timing: config.timing,
	});
}

export function importRows(
	config: EngineConfig,
	run: {
		hostId: string;
		rows: DetectedRow[];
		notDetected: BatchRow[];
		invalid: RowProblem[];
		sink: BatchSink;
		signal: AbortSignal;
		operator: Operator;
	},
): Promise<BatchResult> {
	return withLock(config, 'crm tui import-batch', (store) =>
		runBatch({
			store,
			packs: config.packs,
			host: run.hostId,
			rows: run.rows,
			notDetected: run.notDetected,
			invalid: run.invalid,
			concurrency: DEFAULT_CONCURRENCY,
			signal: run.signal,
			operator: run.operator,
			timing: config.timing,
			sink: run.sink,
		}),
	);
}
