// Batch auto-import: the engine's public surface for source/app (docs/cli.md `crm import-batch`).
//
// TUI flow: readBatchFile(path, packs) -> show `problems` (and `permissionWarning`);
// planBatch({packs, rows, concurrency, signal, sink}) -> the detection table to confirm;
// runBatch({store (locked), packs, host, rows: detected, notDetected, invalid, concurrency, signal,
// operator, timing, sink}) -> the live table from BatchEvents, then the BatchResult.
export * from './types.js';
export {
	MAX_FILE_BYTES,
	MAX_FILE_LINES,
	MAX_ROWS,
	checkRow,
	parseBatchText,
	problemsError,
	readBatchFile,
	type BatchFileRead,
} from './parse.js';
export {
	FALLBACK_PACK,
	detectRow,
	familiesOf,
	packForModel,
	packFromModels,
	packsForUrl,
	type DetectOptions,
} from './detect.js';
export {
	DEFAULT_CONCURRENCY,
	MAX_CONCURRENCY,
	batchSucceeded,
	boundedPool,
	checkConcurrency,
	importBatch,
	planBatch,
	previewRows,
	rowIdentity,
	runBatch,
	totalsOf,
	type ImportBatchOptions,
	type PlanOptions,
	type RunOptions,
} from './run.js';
