// What the HTTP service reads besides the operations: the same views the CLI prints (hosts, packs,
// providers, batches), the vocabulary its schemas validate against, and the service's own record in
// the data folder. Views reach core and store only through source/app (docs/architecture.md "Views").
export {resolveHost, hostView} from '../core/hosts/lookup.js';
export {loadPacks, packView} from '../core/packs/packs.js';
export {batchListView, providerRows} from '../core/reads/status.js';
export {toolVersion} from '../core/acceptance/files.js';
export {ACCESS_STATUSES, BATCH_STATUSES, FAILURE_CLASSES, PROVIDER_STATUSES} from '../store/schema.js';
export {dataPaths, resolveDataDir} from '../store/paths.js';
export {readServiceRecord, removeServiceRecord, writeServiceRecord} from '../store/service-file.js';
