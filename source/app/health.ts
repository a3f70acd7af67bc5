// A batch's health history (docs/cli.md `crm health --batch`), the per-batch health summary the
// Status views show, and per provider the watch's last word on it (the service's health document and
// its status page). Reads only: no lock, no network.
import {CrmError} from '../lib/errors.js';
import {shown} from '../core/input/validate.js';
import {readHistory} from '../core/health/history.js';
import {readSummary} from '../core/health/summary.js';
import type {BatchHealth, HealthCheck} from '../core/health/types.js';
import {dataPaths} from '../store/paths.js';
import type {State} from '../store/schema.js';
import {resolveHost} from '../core/hosts/lookup.js';
import {providerRows} from '../core/reads/status.js';
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

/** One provider (host, pack, base URL): the batch the watch checks and what its last check found. */
export interface ProviderHealth {
	host_id: string;
	host: string;
	pack: string;
	base_url: string;
	/** The newest succeeded batch (the one the watch checks); null when none succeeded. */
	batch_id: string | null;
	/** ok, failing or skipped; null before the watch has checked the batch. */
	health: BatchHealth['health'] | null;
	failure_class: string | null;
	last_check_at: string | null;
	latency_ms: number | null;
	consecutive_failures: number;
	provider_status: string | null;
	balance: BatchHealth['balance'];
	paused: BatchHealth['paused'];
	note: string | null;
}

/**
 * Every provider's health over a state already read and the watch's summary (`host`: one host's,
 * a wrong one is an input error naming `host`). The provider status is the watch's when it has
 * checked the batch (it may have paused the account), else the state's.
 */
export function providerHealthOf(
	state: State,
	summary: Record<string, BatchHealth>,
	input: {host?: string} = {},
): ProviderHealth[] {
	const hostId = input.host !== undefined ? resolveHost(state, input.host).host_id : undefined;
	return providerRows(state, hostId).map((p) => {
		const batchId = watchedBatch(state, p);
		const h = batchId ? summary[batchId] : undefined;
		return {
			host_id: p.host_id,
			host: p.host,
			pack: p.pack,
			base_url: p.base_url,
			batch_id: batchId,
			health: h?.health ?? null,
			failure_class: h?.failure_class ?? null,
			last_check_at: h?.last_check_at ?? null,
			latency_ms: h?.latency_ms ?? null,
			consecutive_failures: h?.consecutive_failures ?? 0,
			provider_status: h?.provider_status ?? p.provider_status,
			balance: h?.balance ?? null,
			paused: h?.paused ?? null,
			note: h?.note ?? null,
		};
	});
}
