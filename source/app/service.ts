// What a running `crm serve` keeps in its data folder (docs/cli.md `crm serve`): its record
// (serve.json, written at start and removed at stop, so other views of the folder can say a service
// runs there and where), and what the service reports and validates against (the tool's version,
// the status words). Views reach core and store only through source/app (docs/architecture.md "Views").
import {readServiceRecord, type ServiceRecord} from '../store/service-file.js';

export type {ServiceRecord};
export {readServiceRecord, removeServiceRecord, writeServiceRecord} from '../store/service-file.js';
export {dataPaths} from '../store/paths.js';
export {
	ACCESS_STATUSES,
	BATCH_STATUSES,
	FAILURE_CLASSES,
	HEALTH_STATES,
	PROVIDER_STATUSES,
} from '../store/schema.js';
export {toolVersion} from '../core/acceptance/files.js';

/** The `crm serve` running on a data folder, if any (a record whose process is gone counts as none). */
export function runningService(dataDir: string): ServiceRecord | null {
	return readServiceRecord(dataDir);
}
