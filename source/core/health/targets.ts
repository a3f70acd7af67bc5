// Which batches the watch checks (docs/domain.md "Health": every succeeded, not rolled-back batch),
// and what each check needs from the batch file: the smoke model and its upstream name. The batch
// file is read once per batch and kept while the batch's index entry does not change.
import {findPack, type PackSet} from '../packs/packs.js';
import type {BatchIndex, HostRecord, State} from '../../store/schema.js';
import type {StateStore} from '../../store/state-store.js';
import type {CheckTarget} from './check.js';
import {DEFAULT_INTERVAL_MS, type HealthMode, type WatchOptions} from './types.js';

export interface WatchTarget {
	batch: BatchIndex;
	host: HostRecord;
}

export function watchTargets(state: State, o: Pick<WatchOptions, 'hostId' | 'batchIds'>): WatchTarget[] {
	const hosts = new Map(state.hosts.map((h) => [h.host_id, h]));
	const wanted = o.batchIds ? new Set(o.batchIds) : null;
	const out: WatchTarget[] = [];
	for (const batch of state.batches) {
		if (batch.batch_status !== 'succeeded') continue;
		if (o.hostId && batch.host_id !== o.hostId) continue;
		if (wanted && !wanted.has(batch.batch_id)) continue;
		const host = hosts.get(batch.host_id);
		if (host) out.push({batch, host});
	}
	return out.sort(
		(a, b) => a.host.name.localeCompare(b.host.name) || (a.batch.created_at < b.batch.created_at ? -1 : 1),
	);
}

/** The operator's --interval-s, else the provider's own (its pack may set one), else 15 minutes. */
export function intervalFor(packs: PackSet, pack: string, flagMs: number | null | undefined): number {
	const own = findPack(packs, pack)?.health?.interval_s;
	if (flagMs) return flagMs;
	return own ? own * 1000 : DEFAULT_INTERVAL_MS;
}

export function modeFor(packs: PackSet, pack: string): HealthMode {
	return findPack(packs, pack)?.health?.mode ?? 'completion';
}

interface BatchInfo {
	stamp: string;
	smokeModel: string | null;
	upstreamModel: string | null;
}

/** Reads what a check needs from batch files, each once while its index entry is unchanged. */
export class BatchInfoCache {
	private readonly cache = new Map<string, BatchInfo>();

	async target(
		store: Pick<StateStore, 'readBatch'>,
		t: WatchTarget,
		state: State,
		packs: PackSet,
	): Promise<CheckTarget> {
		const id = t.batch.batch_id;
		let info = this.cache.get(id);
		if (!info || info.stamp !== t.batch.updated_at) {
			const file = await store.readBatch(id);
			const smoke =
				(file?.summary?.smoke_model as string | undefined) ??
				file?.access_results.at(-1)?.smoke_model ??
				null;
			const account = file?.resources.find((r) => r.resource_type === 'account');
			const mapping = (account?.snapshot.model_mapping ?? {}) as Record<string, unknown>;
			const upstream = smoke && typeof mapping[smoke] === 'string' ? (mapping[smoke] as string) : smoke;
			info = {stamp: t.batch.updated_at, smokeModel: smoke, upstreamModel: upstream};
			this.cache.set(id, info);
		}
		const secrets = state.batch_secrets[id];
		return {
			batch: t.batch,
			host: t.host,
			userKey: secrets?.user_key ?? null,
			providerKey: secrets?.provider_key ?? null,
			smokeModel: info.smokeModel,
			upstreamModel: info.upstreamModel,
			mode: modeFor(packs, t.batch.pack),
		};
	}
}
