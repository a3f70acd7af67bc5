// Acceptance runs, evidence retention and the provider validation matrix (UI-free): what `crm accept`,
// `crm evidence`, `crm matrix` and the TUI's screens use.
export {runAcceptance, checkAcceptance, validateAcceptAccess, modesFor, newRunId} from './run-acceptance.js';
export {
	listRuns,
	keepRun,
	archiveRuns,
	exportRun,
	listBundle,
	bundleNames,
	assertNoSecrets,
} from './retention.js';
export type {ArchiveResult, ExportResult} from './retention.js';
export {matrixRows, unvalidatedPacks} from './matrix.js';
export {acceptanceRuns, findRun, runDir, runView, markInterrupted} from './runs.js';
export {FILES, FILE_GUIDE, importFile, importStepsDir, reconcileFile, toolVersion} from './files.js';
export {renderReadme} from './readme.js';
export * from './types.js';
