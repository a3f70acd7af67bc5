// The TUI's one door into the engine: every call the screens make to core/, the store and the
// sandbox goes through here, so the screens hold no domain logic and tests can see the surface.
// Reads open the store without the lock; an operation opens a locked store for its run only.
//
// Start-up matters (issue 9: the first frame within 400 ms of bare Node), so this module statically
// imports only what Home needs (the store, the packs, errors); every engine module (import,
// reconcile, rollback, repair, batch import, acceptance, host registration, the sandbox) is loaded
// with `await import()` inside the function that uses it, the first time it is used.
import {readdirSync} from 'node:fs';
import type {
	BatchFileRead,
	BatchResult,
	BatchRow,
	BatchSink,
	DetectedRow,
	RowProblem,
} from '../core/batch-import/index.js';
import type {
	AcceptAccess,
	AcceptancePhase,
	AcceptanceOptions,
	AcceptanceResult,
	ArchiveResult,
	MatrixRow,
	RunView,
} from '../core/acceptance/index.js';
import {CrmError} from '../lib/errors.js';
import {safeText} from '../lib/safe-text.js';
import {redactText} from '../lib/secrets.js';
import type {EventSink} from '../core/pipeline/events.js';
import type {Operator} from '../core/hosts/access.js';
import {
	DEFAULT_TIMING,
	type ImportPlanInput,
	type ImportRequest,
	type ImportResult,
	type Timing,
} from '../core/import/types.js';
import type {SmokeOutcome} from '../core/import/smoke.js';
import {liveBatchesOn, removeHost as removeHostInCore} from '../core/hosts/removal.js';
import {loadPacks, type PackSet} from '../core/packs/packs.js';
import type {ReconcileResult} from '../core/drift/reconcile.js';
import type {AdminCredential} from '../core/hosts/register.js';
import type {RepairResult} from '../core/drift/repair.js';
import type {RollbackPlan, RollbackResult} from '../core/drift/rollback.js';
import type {Capabilities} from '../host/probe.js';
import type {SandboxHandle} from '../sandbox/index.js';
import type {BatchFile, HostRecord} from '../store/schema.js';
import {dataPaths} from '../store/paths.js';
import {StateStore} from '../store/state-store.js';

export type {BatchEvent} from '../core/batch-import/index.js';
export type {BatchFileRead, BatchResult, BatchRow, DetectedRow, RowProblem};
export type {AcceptAccess, AcceptancePhase, AcceptanceResult, ArchiveResult, MatrixRow, RunView};
export type {SmokeOutcome};
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

/** An error as a screen shows it: without control characters, every known secret redacted. */
export function errorText(error: unknown): string {
	const message = error instanceof Error ? error.message : String(error);
	return redactText(safeText(message));
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
	return withLock(config, 'crm tui host add', async (store) =>
		(await import('../core/hosts/register.js')).registerHost(store, input, {
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
		const {reprobeHost} = await import('../core/hosts/register.js');
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
	const [store, {checkImport}] = await Promise.all([
		openRead(config),
		import('../core/import/run-import.js'),
	]);
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
	return withLock(config, 'crm tui import', async (store) =>
		(await import('../core/import/run-import.js')).runImport({
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
	const {startSandbox} = await import('../sandbox/index.js');
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
	return withLock(config, 'crm tui smoke', async (store) =>
		(await import('../core/drift/smoke-again.js')).runSmokeAgain({
			store,
			batchId: batch.batch_id,
			sink,
			signal,
			timing: config.timing,
		}),
	);
}

// ---- drift & rollback ----

export function reconcile(
	config: EngineConfig,
	run: {hostId: string; batchId?: string; sink: EventSink; signal: AbortSignal; operator: Operator},
): Promise<ReconcileResult> {
	return withLock(config, 'crm tui reconcile', async (store) =>
		(await import('../core/drift/reconcile.js')).runReconcile({
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
	const [store, {planRollback}] = await Promise.all([openRead(config), import('../core/drift/rollback.js')]);
	return planRollback(store, batchId);
}

export function rollback(
	config: EngineConfig,
	run: {batchId: string; sink: EventSink; signal: AbortSignal; operator: Operator},
): Promise<RollbackResult> {
	return withLock(config, 'crm tui rollback', async (store) =>
		(await import('../core/drift/rollback.js')).runRollback({
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
	return withLock(config, 'crm tui repair', async (store) =>
		(await import('../core/drift/repair.js')).runRepair({
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

const batchImport = () => import('../core/batch-import/index.js');

export async function readImportFile(config: EngineConfig, file: string): Promise<BatchFileRead> {
	return (await batchImport()).readBatchFile(file, config.packs);
}

export async function detectPacks(
	config: EngineConfig,
	rows: BatchRow[],
	sink: BatchSink,
	signal: AbortSignal,
): Promise<DetectedRow[]> {
	const {planBatch, DEFAULT_CONCURRENCY} = await batchImport();
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
	return withLock(config, 'crm tui import-batch', async (store) => {
		const {runBatch, DEFAULT_CONCURRENCY} = await batchImport();
		return runBatch({
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
		});
	});
}

// ---- acceptance, evidence retention, validation matrix ----

const acceptance = () => import('../core/acceptance/index.js');

export interface AcceptanceRunInput {
	hostId: string;
	pack: string;
	url: string;
	key: string;
	/** The field the key came from, for input errors. */
	keySource: string;
	access: AcceptAccess;
	smokeModel?: string;
	sink: EventSink;
	signal: AbortSignal;
	operator: Operator;
	onPhase: NonNullable<AcceptanceOptions['onPhase']>;
	onRun: NonNullable<AcceptanceOptions['onRun']>;
}

/** The access modes an acceptance run imports, in order (subscription first when both). */
export function acceptanceModes(access: AcceptAccess): Array<'subscription' | 'self_service'> {
	return access === 'both' ? ['subscription', 'self_service'] : [access];
}

/** A fresh-host acceptance run (as `crm accept`): probe, import per mode (forced), smoke, reconcile, evidence. */
export function startAcceptance(config: EngineConfig, run: AcceptanceRunInput): Promise<AcceptanceResult> {
	return withLock(config, 'crm tui accept', async (store) =>
		(await acceptance()).runAcceptance({
			store,
			packs: config.packs,
			hostRef: run.hostId,
			pack: run.pack,
			url: run.url,
			key: run.key,
			keySource: run.keySource,
			access: run.access,
			smokeModel: run.smokeModel,
			sink: run.sink,
			signal: run.signal,
			operator: run.operator,
			timing: config.timing,
			onPhase: run.onPhase,
			onRun: run.onRun,
		}),
	);
}

/** What each file of a run's evidence folder holds (the run README's guide). */
export async function evidenceGuide(): Promise<Array<[string, string]>> {
	return (await acceptance()).FILE_GUIDE;
}

/** Every acceptance run, newest first (reads only). */
export async function evidenceRuns(config: EngineConfig): Promise<RunView[]> {
	const [store, {listRuns}] = await Promise.all([openRead(config), acceptance()]);
	return listRuns(store);
}

/** Marks a run final (`crm evidence keep RUN`); an archived one moves back to the main folder. */
export function keepEvidence(config: EngineConfig, runId: string): Promise<RunView> {
	return withLock(config, 'crm tui evidence keep', async (store) =>
		(await acceptance()).keepRun(store, runId),
	);
}

/** Moves every run not kept to acceptance/archive/ (`crm evidence archive`). */
export function archiveEvidence(config: EngineConfig): Promise<ArchiveResult & {archiveDir: string}> {
	return withLock(config, 'crm tui evidence archive', async (store) => ({
		...(await (await acceptance()).archiveRuns(store)),
		archiveDir: store.paths.acceptanceArchive,
	}));
}

export interface Matrix {
	rows: MatrixRow[];
	/** Per host, the packs with no acceptance verdict there yet. */
	unvalidated: Array<{host_id: string; host: string; packs: string[]}>;
}

/** The provider validation matrix (`crm matrix`): the latest verdict per host and pack. Reads only. */
export async function validationMatrix(config: EngineConfig): Promise<Matrix> {
	const [store, {matrixRows, unvalidatedPacks}] = await Promise.all([openRead(config), acceptance()]);
	const rows = matrixRows(store.data, store.paths);
	const hosts = store.data.hosts;
	const unvalidated = unvalidatedPacks(
		rows,
		hosts.map((h) => h.host_id),
		config.packs.packs.map((p) => p.id),
	).map((u) => ({...u, host: hosts.find((h) => h.host_id === u.host_id)?.name ?? u.host_id}));
	return {rows, unvalidated};
}
