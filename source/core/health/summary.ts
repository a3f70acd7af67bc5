// The watch's memory between checks (docs/domain.md "Health"): per batch, the last health, the
// consecutive failures, the alert already sent, the pause the tool holds; and the alerts not yet
// delivered. DATA/health/summary.json, written atomically through lowdb's steno writer (the same
// writer state.json uses), never holding a secret. Written by the one running watch; read by all.
import {mkdirSync} from 'node:fs';
import path from 'node:path';
import {DataFile} from 'lowdb/node';
import type {ProviderStatus} from '../../store/schema.js';
import type {BatchHealth} from './types.js';

/** An alert whose delivery has not succeeded yet (kept so a later watch retries it). */
export interface PendingAlert {
	batch_id: string;
	host_id: string;
	pack: string;
	kind: string;
	message: string;
	at: string;
	attempts: number;
}

export interface HealthSummaryFile {
	schema_version: 1;
	updated_at: string | null;
	batches: Record<string, BatchHealth>;
	outbox: PendingAlert[];
}

export const OUTBOX_LIMIT = 100;

export function emptySummary(): HealthSummaryFile {
	return {schema_version: 1, updated_at: null, batches: {}, outbox: []};
}

const files = new Map<string, DataFile<HealthSummaryFile>>();
function adapter(file: string): DataFile<HealthSummaryFile> {
	let a = files.get(file);
	if (!a) {
		a = new DataFile<HealthSummaryFile>(file, {
			parse: (text) => JSON.parse(text) as HealthSummaryFile,
			stringify: (data) => JSON.stringify(data) + '\n',
		});
		files.set(file, a);
	}
	return a;
}

/** The summary, or an empty one when there is none yet (or it cannot be read: it is a cache). */
export async function readSummary(file: string): Promise<HealthSummaryFile> {
	try {
		const data = await adapter(file).read();
		if (data && data.schema_version === 1 && data.batches && typeof data.batches === 'object')
			return {...emptySummary(), ...data};
	} catch {
		// A summary that does not parse is rebuilt by the next checks; history files stay the truth.
	}
	return emptySummary();
}

export async function writeSummary(file: string, summary: HealthSummaryFile): Promise<void> {
	mkdirSync(path.dirname(file), {recursive: true, mode: 0o700});
	summary.updated_at = new Date().toISOString();
	summary.outbox = summary.outbox.slice(-OUTBOX_LIMIT);
	await adapter(file).write(summary);
}

/** A batch that has never been checked: ready at import, so its health is taken to be ok. */
export function freshHealth(at: string, providerStatus: ProviderStatus | null): BatchHealth {
	return {
		health: 'ok',
		failure_class: null,
		last_check_at: at,
		latency_ms: null,
		consecutive_failures: 0,
		consecutive_pausable: 0,
		provider_status: providerStatus === 'paused' ? 'paused' : 'active',
		balance: null,
		alert: {health: 'ok', since: null, sent_at: null},
		low_balance: {active: false, sent_at: null},
		paused: null,
		note: null,
	};
}
