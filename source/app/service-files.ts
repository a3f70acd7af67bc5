// What a running `crm serve` keeps in its data folder (docs/cli.md `crm serve`): its record
// (serve.json, so other views can say a service runs there), its token file, and the tool version it
// reports; and the statuses its API schema names.
export {readServiceRecord, removeServiceRecord, writeServiceRecord} from '../store/service-file.js';
export type {ServiceRecord} from '../store/service-file.js';
export {dataPaths} from '../store/paths.js';
export {ACCESS_STATUSES, BATCH_STATUSES, FAILURE_CLASSES, PROVIDER_STATUSES} from '../store/schema.js';
export {toolVersion} from '../core/acceptance/files.js';
