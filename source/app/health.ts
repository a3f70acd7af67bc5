// A batch's health history (docs/cli.md `crm health --batch`) and the per-batch health summary the
// Status views show. Reads only: no lock, no network.
import {CrmError} from '../lib/errors.js';
import {shown} from '../core/input/validate.js';
import {readHistory} from '../core/health/history.js';
import {readSummary} from '../core/health/summary.js';
import type {BatchHealth, HealthCheck} from '../core/health/types.js';
import {dataPaths} from '../store/paths.js';
import type {State} from '../store/schema.js';
import type {Session} from './session.js';

export type {BatchHealth, HealthCheck};

export interface HealthInput {
	batchId: string | undefined;
	/** Only checks at or after this time (ms since the epoch). */
	sinceMs?: number;
	limit?: number;
}

export async function batchHealth(
	session: Session,
	input: HealthInput,
): Promise<{batch_id: string; checks: HealthCheck[]}> {
	const store = await session.read();
	const batch = store.data.batches.find((b) => b.batch_id === input.batchId);
	if (!input.batchId || !batch)
		throw new CrmError('invalid_input', `no batch ${shown(input.batchId ?? '')}; see crm batches`, {
			field: 'batch',
		});
	const checks = readHistory(dataPaths(session.dataDir).healthFile(batch.batch_id), {
		sinceMs: input.sinceMs,
		limit: input.limit,
	});
	return {batch_id: batch.batch_id, checks};
}

/** The watch's last word on every batch it has checked (empty before the first watch). */
export async function healthSummary(session: Session): Promise<Record<string, BatchHealth>> {
	return (await readSummary(dataPaths(session.dataDir).healthSummary)).batches;
}

/** The newest succeeded batch of a provider (host, pack, base URL): the one the watch checks. */
export function watchedBatch(
	state: State,
	provider: {host_id: string; pack: string; base_url: string},
): string | null {
	let best: {id: string; at: string} | null = null;
	for (const b of state.batches) {
		if (b.host_id !== provider.host_id || b.pack !== provider.pack || b.base_url !== provider.base_url)
			continue;
		if (b.batch_status !== 'succeeded' || (best && best.at > b.created_at)) continue;
		best = {id: b.batch_id, at: b.created_at};
	}
	return best?.id ?? null;
}
