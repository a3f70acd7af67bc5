// Batch import (docs/cli.md `crm import-batch`): a file of `url,key[,pack[,access[,smoke_model]]]` lines, every line
// checked first; then each row's pack detected, then the rows imported with bounded concurrency.
// The CLI runs both phases at once; the TUI shows the detected packs between them.
// The engine is loaded when an operation runs (the TUI opens its screen without it); the checks a
// command runs on its flags first are in import-batch-checks.ts.
import type {
	BatchEvent,
	BatchFileRead,
	BatchResult,
	BatchRow,
	BatchRowResult,
	DetectedRow,
	RowPreview,
	RowProblem,
} from '../core/batch-import/index.js';
import {resolveHost} from '../core/hosts/lookup.js';
import {registerSecret} from '../lib/secrets.js';
import type {Run, Session} from './session.js';

export type {
	BatchEvent,
	BatchFileRead,
	BatchResult,
	BatchRow,
	BatchRowResult,
	DetectedRow,
	RowPreview,
	RowProblem,
};
// The words of rows and totals: small and UI-free, so views load them with their screen.
export {previewWord, rowCounts, rowStatus, rowWord, totalsText} from '../core/batch-import/words.js';

const engine = () => import('../core/batch-import/index.js');

export type BatchRun = Run<BatchEvent>;

/** Reads and checks every line (`-` with `stdinText`: standard input). Reads no state. */
export async function readImportFile(
	session: Session,
	input: {file: string; stdinText?: string},
): Promise<BatchFileRead> {
	return (await engine()).readBatchFile(input.file, await session.loadPacks(), input.stdinText);
}

/** A row given as fields rather than a file line (the service's JSON body). */
export interface ListedRow {
	url: string;
	key: string;
	pack?: string;
	access?: string;
	smoke_model?: string;
}

/**
 * Rows given as a list, checked exactly as the file's lines are (each key enters the secret registry
 * first). Row N of the list is line N+1; a problem names its column.
 */
export async function checkListedRows(
	session: Session,
	listed: ListedRow[],
): Promise<{rows: BatchRow[]; problems: RowProblem[]}> {
	const {checkRow} = await engine();
	for (const r of listed) registerSecret(r.key);
	const packs = await session.loadPacks();
	const problems: RowProblem[] = [];
	const rows: BatchRow[] = [];
	listed.forEach((r, index) => {
		const fields = [r.url, r.key, r.pack ?? '', r.access ?? ''];
		if (r.smoke_model !== undefined) fields.push(r.smoke_model);
		const row = checkRow(
			index + 1,
			fields.map((f) => f.trim()),
			packs,
			problems,
		);
		if (row) rows.push(row);
	});
	return {rows, problems};
}

/** Phase 1: each row's pack (column, URL, the upstream's models, else relay). Only GET /models is sent. */
export async function detectPacks(
	session: Session,
	input: {rows: BatchRow[]; concurrency?: number},
	run: BatchRun,
): Promise<DetectedRow[]> {
	const {planBatch, checkConcurrency} = await engine();
	return planBatch({
		packs: await session.loadPacks(),
		rows: input.rows,
		concurrency: checkConcurrency(input.concurrency),
		signal: run.signal,
		sink: run.sink,
		timing: session.timing,
	});
}

/**
 * What phase 2 will skip, before it starts (reads state only): rows already imported into the host
 * and later lines repeating an earlier one, each with the reason and the batch or line it points at.
 */
export async function previewImport(
	session: Session,
	input: {host: string; rows: DetectedRow[]},
): Promise<RowPreview[]> {
	const {previewRows} = await engine();
	return previewRows((await session.read()).data, await session.loadPacks(), input.host, input.rows);
}

export interface ImportRowsInput {
	/** A host id or name. */
	host: string;
	rows: DetectedRow[];
	/** Valid lines never detected (stopped while detecting): reported as not run. */
	notDetected?: BatchRow[];
	/** Invalid lines skipped on purpose: reported as skipped. */
	invalid?: RowProblem[];
	concurrency?: number;
	/** sha256 of the file, kept with the run's record (crm batch-runs). */
	fileSha256?: string | null;
}

/** Phase 2: imports the detected rows; one failure never stops the others. */
export async function importRows(
	session: Session,
	input: ImportRowsInput,
	run: BatchRun,
): Promise<BatchResult> {
	const {runBatch, checkConcurrency} = await engine();
	const concurrency = checkConcurrency(input.concurrency);
	const packs = await session.loadPacks();
	return session.withLock('import-batch', (store) =>
		runBatch({
			store,
			packs,
			host: input.host,
			rows: input.rows,
			notDetected: input.notDetected,
			invalid: input.invalid,
			concurrency,
			signal: run.signal,
			operator: session.operator,
			timing: session.timing,
			sink: run.sink,
			fileSha256: input.fileSha256 ?? null,
		}),
	);
}

/** Both phases back to back (the CLI): a wrong host fails before any upstream is asked. */
export async function importBatch(
	session: Session,
	input: {
		host: string;
		rows: BatchRow[];
		invalid?: RowProblem[];
		concurrency?: number;
		fileSha256?: string | null;
		/** The run's id when the caller named it already (the service): its record keeps that id. */
		runId?: string;
	},
	run: BatchRun & {onStart?: () => void},
): Promise<BatchResult> {
	const {importBatch: importBoth, checkConcurrency} = await engine();
	const concurrency = checkConcurrency(input.concurrency);
	const packs = await session.loadPacks();
	return session.withLock('import-batch', (store) => {
		resolveHost(store.data, input.host);
		run.onStart?.();
		return importBoth({
			store,
			packs,
			host: input.host,
			rows: input.rows,
			invalid: input.invalid,
			concurrency,
			signal: run.signal,
			operator: session.operator,
			timing: session.timing,
			sink: run.sink,
			fileSha256: input.fileSha256 ?? null,
			runId: input.runId,
		});
	});
}
