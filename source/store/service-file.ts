// `DATA/serve.json`: written by `crm serve` once it listens, removed when it stops, so other views of
// the same data folder (the TUI's Home) can say a service is running there and where. A record whose
// process is gone (on this machine) counts as absent.
import {readFileSync, rmSync, writeFileSync} from 'node:fs';
import {hostname} from 'node:os';
import {pidAlive} from './lock.js';
import {dataPaths} from './paths.js';

export interface ServiceRecord {
	pid: number;
	hostname: string;
	url: string;
	openapi_url: string;
	token_file: string;
	started_at: string;
}

export function readServiceRecord(dataDir: string): ServiceRecord | null {
	let record: ServiceRecord;
	try {
		record = JSON.parse(readFileSync(dataPaths(dataDir).serveRecord, 'utf8')) as ServiceRecord;
	} catch {
		return null;
	}
	if (typeof record?.pid !== 'number' || typeof record.url !== 'string') return null;
	if (record.hostname === hostname() && !pidAlive(record.pid)) return null;
	return record;
}

export function writeServiceRecord(dataDir: string, record: ServiceRecord): void {
	writeFileSync(dataPaths(dataDir).serveRecord, JSON.stringify(record, null, 2) + '\n', {mode: 0o600});
}

/** Removes the record if it is this process's (a newer service's record is left alone). */
export function removeServiceRecord(dataDir: string, pid: number): void {
	const file = dataPaths(dataDir).serveRecord;
	try {
		const current = JSON.parse(readFileSync(file, 'utf8')) as Partial<ServiceRecord>;
		if (current.pid !== pid) return;
	} catch {
		return;
	}
	rmSync(file, {force: true});
}
