// Whether a `crm serve` is running on a data folder (its record, written at start and removed at stop).
import {readServiceRecord, type ServiceRecord} from '../store/service-file.js';

export type {ServiceRecord};

export function runningService(dataDir: string): ServiceRecord | null {
	return readServiceRecord(dataDir);
}
