// Batch auto-import runner, UI-free (docs/cli.md `crm import-batch`). Two phases, so the TUI can show the detection table
// for confirmation between them and the CLI simply runs both:
//   planBatch: detect every row's pack (bounded concurrency; only GET /models touches the network);
//   runBatch:  import each row through runImport (bounded concurrency), each a normal batch with its
//              own evidence. One failure never stops the others. A row whose import identity (host,
//              pack, base URL, key fingerprint, access mode) already has a succeeded batch is skipped;
//              a later line of the file with the same identity as an earlier one is skipped too
//              (it waits for that line and points at it). Aborting the signal (Ctrl-C) starts no new
//              row; running ones get the signal and stop cleanly (their batch records where).
// All rows share one locked StateStore: its state.json writes go through one steno writer per file
// (a queue that always writes the newest snapshot of the one shared object), each batch has its own
// file and recorder chain, so concurrent runImports cannot lose each other's writes.
import type {Operator} from '../hosts/access.js';
import {hostClientFor} from '../hosts/access.js';
import {resolveHost} from '../hosts/lookup.js';
import {writeEvidenceSync} from '../records/evidence.js';
import {CrmError} from '../../lib/errors.js';
import {findSucceededImport, preflight} from '../import/preflight.js';
import {runImport} from '../import/run-import.js';
import {classOfError} from '../pipeline/failure.js';
import type {ImportRequest} from '../import/types.js';
import {withDefaults, type Timing} from '../pipeline/timing.js';
import type {PackSet} from '../packs/packs.js';
import {recoverDeadBatches, resolvePending} from '../records/recovery.js';
import {keyFingerprint} from '../../lib/secrets.js';
import {allowParallel, withLinkedSignal} from '../../lib/abort.js';
import type {HostRecord, State} from '../../store/schema.js';
import type {StateStore} from '../../store/state-store.js';
import {detectRow} from './detect.js';
import {finishRun, startRun} from './runs.js';
import type {
	BatchResult,
	BatchRow,
	BatchRowResult,
	BatchSink,
	BatchTotals,
	DetectedRow,
	RowPreview,
	RowProblem,
} from './types.js';

export const DEFAULT_CONCURRENCY = 4;
export const MAX_CONCURRENCY = 32;

/** `--concurrency`: an integer 1..32, default 4 (exit 2 otherwise). */
export function checkConcurrency(raw: unknown, field = '--concurrency'): number {
	if (raw === undefined || raw === null) return DEFAULT_CONCURRENCY;
	const n = typeof raw === 'number' ? raw : Number(raw);
	if (!Number.isInteger(n) || n < 1 || n > MAX_CONCURRENCY) {
		throw new CrmError('invalid_input', `${field} must be a whole number from 1 to ${MAX_CONCURRENCY}`, {
			field,
		});
	}
	return n;
}

/** Runs `fn` over items with at most `limit` at once, in order of the list; stops taking new ones once aborted. */
export async function boundedPool<T>(
	items: T[],
	limit: number,
	signal: AbortSignal,
	fn: (item: T) => Promise<void>,
): Promise<void> {
	let next = 0;
	const worker = async () => {
		while (!signal.aborted && next < items.length) {
			const item = items[next++]!;
			await fn(item);
		}
	};
	await Promise.all(Array.from({length: Math.min(limit, items.length)}, worker));
}

export interface PlanOptions {
	packs: PackSet;
	rows: BatchRow[];
	concurrency: number;
	signal: AbortSignal;
	timing?: Partial<Timing>;
	sink?: BatchSink;
}

/**
 * Phase 1: detects every row's pack. Rows not reached before an abort are left out (the caller
 * reports them as not run). Result in file order.
 */
export async function planBatch(o: PlanOptions): Promise<DetectedRow[]> {
	const {requestTimeoutMs: timeoutMs, upstreamRetryMs} = withDefaults(o.timing);
	const out = new Map<number, DetectedRow>();
	allowParallel(o.signal, o.concurrency);
	await boundedPool(o.rows, o.concurrency, o.signal, async (row) => {
		o.sink?.({type: 'detect_start', line: row.line, url: row.url});
		const detection = await withLinkedSignal(o.signal, (signal) =>
			detectRow(row, {packs: o.packs, timeoutMs, signal, rateLimitWindowMs: upstreamRetryMs}),
		);
		if (o.signal.aborted) return;
		out.set(row.line, {...row, detection});
		o.sink?.({type: 'detected', line: row.line, detection});
	});
	return o.rows.filter((r) => out.has(r.line)).map((r) => out.get(r.line)!);
}

export interface RunOptions {
	/** Must hold the data folder's lock (the runner writes batches). */
	store: StateStore;
	packs: PackSet;
	/** Host id or name. */
	host: string;
	/** Detected rows (from planBatch; the TUI may change a row's detection.pack before running). */
	rows: DetectedRow[];
	/** Lines that were valid but never detected (aborted during planning): reported as not run. */
	notDetected?: BatchRow[];
	/** Invalid lines skipped with --skip-invalid: reported as skipped, in file order. */
	invalid?: RowProblem[];
	concurrency: number;
	signal: AbortSignal;
	operator: Operator;
	timing?: Partial<Timing>;
	sink?: BatchSink;
	/** sha256 of the file the rows came from, kept with the run's record. */
	fileSha256?: string | null;
	/** The run's id when the caller already named it (the service answers with it); else a new one. */
	runId?: string;
}

/** What makes two rows the same import (docs/domain.md "Identity"; the host is the same for all). */
export function rowIdentity(row: DetectedRow): string {
	return [row.detection.pack, row.url, keyFingerprint(row.key), row.detection.access_mode].join('\u0000');
}

function baseResult(row: BatchRow, detected: DetectedRow | null): BatchRowResult {
	return {
		line: row.line,
		url: row.url,
		pack: detected?.detection.pack ?? row.pack,
		detected_by: detected?.detection.detected_by ?? null,
		batch_id: null,
		batch_status: null,
		access_status: null,
		failure_class: null,
		skipped: false,
		duration_ms: detected?.detection.duration_ms ?? 0,
		key_hint: row.key_hint,
		access_mode: detected?.detection.access_mode ?? row.access,
		skip_reason: null,
		duplicate_of: null,
		stopped_at_step: null,
		not_run: false,
		stopped: false,
		message: '',
		detection: detected?.detection.evidence ?? null,
	};
}

/** Recovery and the admin session, once, before rows run side by side. */
async function prepareHost(
	store: StateStore,
	host: HostRecord,
	o: RunOptions,
	timing: Timing,
): Promise<void> {
	await recoverDeadBatches(store);
	const client = hostClientFor(host, {
		operator: o.operator,
		signal: o.signal,
		timeoutMs: timing.requestTimeoutMs,
		store,
	});
	// Resolving a crashed run's pending records here, not in every row at once, keeps concurrent
	// rows from resolving the same records twice.
	await resolvePending(store, host, client).catch(() => 0);
	// Login hosts: one login (one TOTP) now, so the rows start from the same stored session instead
	// of each logging in (refresh tokens are single-use; TOTP codes may not be accepted twice).
	if (host.auth_type !== 'admin_api_key' && o.concurrency > 1) {
		await client.listGroups({page_size: 1}).catch(() => undefined);
	}
}

/** Later lines with an earlier line's identity wait for it and are skipped. */
function splitDuplicates(rows: DetectedRow[]) {
	const primaries: DetectedRow[] = [];
	const firstOf = new Map<string, DetectedRow>();
	const duplicates: Array<{row: DetectedRow; of: DetectedRow}> = [];
	for (const row of rows) {
		const id = rowIdentity(row);
		const first = firstOf.get(id);
		if (first) duplicates.push({row, of: first});
		else {
			firstOf.set(id, row);
			primaries.push(row);
		}
	}
	return {primaries, duplicates};
}

function notRun(row: BatchRow, detected: DetectedRow | null): BatchRowResult {
	return {
		...baseResult(row, detected),
		not_run: true,
		message: 'not started: the run was stopped by the operator',
	};
}

/** A later line with an earlier line's identity: skipped, pointing at that line's outcome. */
function duplicateResult(row: DetectedRow, of: DetectedRow, first: BatchRowResult): BatchRowResult {
	if (first.not_run) return notRun(row, row);
	return {
		...baseResult(row, row),
		batch_id: first.batch_id,
		batch_status: first.batch_status,
		access_status: first.access_status,
		skipped: true,
		skip_reason: 'duplicate_row',
		duplicate_of: of.line,
		message: `same provider, key and access mode as line ${of.line}${first.batch_id ? ` (batch ${first.batch_id}, ${first.batch_status})` : ''}: not imported twice`,
	};
}

/**
 * What phase 2 would skip, said before it starts (reads state only): a row already imported into the
 * host (same pack, URL, key and access mode, succeeded) and a later line repeating an earlier one.
 * A row whose input would not pass the import's checks is not judged here (the run says why).
 */
export function previewRows(state: State, packs: PackSet, host: string, rows: DetectedRow[]): RowPreview[] {
	const hostId = resolveHost(state, host).host_id;
	const {duplicates} = splitDuplicates(rows);
	const of = new Map(duplicates.map((d) => [d.row.line, d.of.line]));
	return rows.map((row) => {
		const earlier = of.get(row.line);
		if (earlier !== undefined)
			return {
				line: row.line,
				skip: 'duplicate_row',
				batch_id: null,
				duplicate_of: earlier,
				message: `same provider, key and access mode as line ${earlier}: not imported twice`,
			};
		try {
			const input = preflight(state, packs, {
				host: hostId,
				pack: row.detection.pack,
				url: row.url,
				key: row.key,
				access: row.detection.access_mode,
			});
			const done = findSucceededImport(state, input);
			if (done)
				return {
					line: row.line,
					skip: 'already_imported',
					batch_id: done.batch_id,
					duplicate_of: null,
					message: `already imported by batch ${done.batch_id} (${done.access_status}): will be skipped`,
				};
		} catch {
			// the run reports it
		}
		return {line: row.line, skip: null, batch_id: null, duplicate_of: null, message: 'will be imported'};
	});
}

/** Phase 2: imports the detected rows. Never throws for a row; returns one result per line in file order. */
export async function runBatch(o: RunOptions): Promise<BatchResult> {
	const {store, packs} = o;
	const timing: Timing = withDefaults(o.timing);
	const host = resolveHost(store.data, o.host);
	const record = await startRun(store, {
		run_id: o.runId,
		host_id: host.host_id,
		file_sha256: o.fileSha256 ?? null,
		rows: o.rows.length + (o.notDetected?.length ?? 0) + (o.invalid?.length ?? 0),
	});
	const results = new Map<number, BatchRowResult>();
	const finish = (result: BatchRowResult) => {
		results.set(result.line, result);
		o.sink?.({type: 'row_end', line: result.line, result});
	};

	for (const p of o.invalid ?? []) {
		results.set(p.line, {
			...baseResult({line: p.line, url: '', key: '', key_hint: '', pack: null, access: null}, null),
			url: null,
			key_hint: null,
			skipped: true,
			skip_reason: 'invalid_line',
			failure_class: 'invalid_input',
			message: `${p.field}: ${p.message}`,
		});
	}

	const {primaries, duplicates} = splitDuplicates(o.rows);

	if (!o.signal.aborted && primaries.length > 0) await prepareHost(store, host, o, timing);

	const runRow = async (row: DetectedRow, signal: AbortSignal): Promise<void> => {
		const started = Date.now();
		const result = baseResult(row, row);
		const request: ImportRequest = {
			host: host.host_id,
			pack: row.detection.pack,
			url: row.url,
			key: row.key,
			access: row.detection.access_mode,
			smokeModel: row.smoke_model ?? undefined,
		};
		try {
			const input = preflight(store.data, packs, request);
			const earlier = findSucceededImport(store.data, input);
			if (earlier) {
				finish({
					...result,
					batch_id: earlier.batch_id,
					batch_status: earlier.batch_status,
					access_status: earlier.access_status,
					skipped: true,
					skip_reason: 'already_imported',
					message: `already imported into ${host.name} by batch ${earlier.batch_id} (${earlier.access_status}); roll it back to import it again`,
				});
				return;
			}
			o.sink?.({
				type: 'row_start',
				line: row.line,
				pack: row.detection.pack,
				access_mode: row.detection.access_mode,
			});
			const imported = await runImport({
				store,
				packs,
				request,
				sink: (event) => o.sink?.({type: 'row_step', line: row.line, event}),
				signal,
				operator: o.operator,
				timing,
				onBatch: (batchId) => {
					writeEvidenceSync(store.paths.artifacts(batchId), '00-detection.json', {
						line: row.line,
						url: row.url,
						key: row.key_hint,
						pack: row.detection.pack,
						detected_by: row.detection.detected_by,
						access_mode: row.detection.access_mode,
						evidence: row.detection.evidence,
					});
					o.sink?.({type: 'row_batch', line: row.line, batch_id: batchId});
				},
			});
			const stopped = o.signal.aborted && imported.batch_status !== 'succeeded';
			finish({
				...result,
				batch_id: imported.batch_id,
				batch_status: imported.batch_status,
				access_status: imported.access_status,
				failure_class: imported.failure_class,
				stopped_at_step: imported.stopped_at_step,
				stopped,
				duration_ms: result.duration_ms + (Date.now() - started),
				message:
					imported.batch_status === 'succeeded'
						? `ready: ${imported.access_status} with ${imported.smoke_model}`
						: stopped
							? `stopped by the operator during ${imported.stopped_at_step ?? 'the import'}`
							: `failed at ${imported.stopped_at_step ?? '?'}: ${imported.steps.find((s) => s.status === 'fail')?.message ?? imported.failure_class ?? 'unknown'}`,
			});
		} catch (error) {
			// Input the row could not be imported with (preflight) or an unexpected engine error.
			const crm = error instanceof CrmError ? error : null;
			finish({
				...result,
				batch_status: null,
				failure_class: crm?.kind === 'invalid_input' ? 'invalid_input' : classOfError(error),
				duration_ms: result.duration_ms + (Date.now() - started),
				message:
					crm?.field === 'key'
						? crm.messageAs(`the key column (line ${row.line})`)
						: error instanceof Error
							? error.message
							: String(error),
			});
		}
	};

	// Each row's requests listen to the row's own signal: one listener per running row on the run's.
	allowParallel(o.signal, o.concurrency);
	await boundedPool(primaries, o.concurrency, o.signal, (row) =>
		withLinkedSignal(o.signal, (signal) => runRow(row, signal)),
	);

	for (const row of primaries) if (!results.has(row.line)) finish(notRun(row, row));
	for (const row of o.notDetected ?? []) if (!results.has(row.line)) finish(notRun(row, null));
	for (const {row, of} of duplicates) finish(duplicateResult(row, of, results.get(of.line)!));

	const ordered = [...results.values()].sort((a, b) => a.line - b.line);
	const doc: BatchResult = {run_id: record.run_id, results: ordered, totals: totalsOf(ordered)};
	await finishRun(store, record, doc);
	return doc;
}

export function totalsOf(results: BatchRowResult[]): BatchTotals {
	const totals: BatchTotals = {succeeded: 0, failed: 0, skipped: 0, invalid: 0, not_run: 0};
	for (const r of results) {
		if (r.skipped) {
			totals.skipped += 1;
			if (r.skip_reason === 'invalid_line') totals.invalid += 1;
		} else if (r.not_run) totals.not_run += 1;
		else if (r.batch_status === 'succeeded') totals.succeeded += 1;
		else totals.failed += 1;
	}
	return totals;
}

/** Exit 0 when every row succeeded or was skipped (docs/cli.md `crm import-batch`), else 1. */
export function batchSucceeded(result: BatchResult): boolean {
	return result.results.every((r) => r.skipped || r.batch_status === 'succeeded');
}

export interface ImportBatchOptions extends Omit<RunOptions, 'rows' | 'notDetected'> {
	rows: BatchRow[];
}

/** Both phases back to back (the CLI). */
export async function importBatch(o: ImportBatchOptions): Promise<BatchResult> {
	resolveHost(o.store.data, o.host); // a wrong --host fails before any upstream is asked
	const detected = await planBatch({...o, rows: o.rows});
	const seen = new Set(detected.map((r) => r.line));
	return runBatch({...o, rows: detected, notDetected: o.rows.filter((r) => !seen.has(r.line))});
}
