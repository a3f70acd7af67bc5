// What a batch import's caller checks before the operation runs (docs/cli.md `crm import-batch`):
// the concurrency, the file's size and lines as one error, and what exit a result means.
export {batchSucceeded, checkConcurrency, MAX_FILE_BYTES, problemsError} from '../core/batch-import/index.js';
