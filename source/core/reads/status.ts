// What `crm status` and the TUI's Status screen show: per host and provider (host, pack, normalised
// base URL), the latest batch, the access status (fully_ready once both modes are ready there) and
// the last reconcile. Reads the index in state.json only, so it stays fast at 10,000 batches.
import type {AccessStatus, BatchIndex, HostRecord, State} from '../../store/schema.js';
import {liveBatchesOn} from '../hosts/removal.js';

export interface ProviderRow {
	host_id: string;
	host: string;
	pack: string;
	base_url: string;
	latest_batch: string;
	batch_status: string;
	provider_status: string | null;
	access_status: AccessStatus;
	modes_ready: string[];
	failure_class: string | null;
	last_reconcile: {run_id: string; reconcile_status: string; at: string} | null;
	batches: number;
	updated_at: string;
}

const isReady = (s: AccessStatus) => s === 'self_service_ready' || s === 'subscription_ready';

export function providerRows(state: State, hostId?: string): ProviderRow[] {
	const groups = new Map<string, BatchIndex[]>();
	for (const b of state.batches) {
		if (hostId && b.host_id !== hostId) continue;
		const key = `${b.host_id}|${b.pack}|${b.base_url}`;
		const list = groups.get(key);
		if (list) list.push(b);
		else groups.set(key, [b]);
	}
	const lastRun = new Map<string, ProviderRow['last_reconcile']>();
	for (const r of state.reconcile_runs) {
		const key = r.batch_id ?? `host:${r.host_id}`;
		const prev = lastRun.get(key);
		if (!prev || prev.at < r.at)
			lastRun.set(key, {run_id: r.run_id, reconcile_status: r.reconcile_status, at: r.at});
	}
	const rows: ProviderRow[] = [];
	for (const list of groups.values()) {
		list.sort((a, b) => (a.created_at < b.created_at ? 1 : -1));
		const latest = list[0]!;
		const modes = new Set<string>();
		for (const mode of ['self_service', 'subscription'] as const) {
			const newest = list.find((b) => b.access_mode === mode && b.batch_status !== 'rolled_back');
			if (newest && isReady(newest.access_status) && newest.batch_status === 'succeeded') modes.add(mode);
		}
		let access: AccessStatus = latest.access_status;
		if (modes.size === 2) access = 'fully_ready';
		else if (modes.size === 1 && !isReady(access))
			access = modes.has('subscription') ? 'subscription_ready' : 'self_service_ready';
		const runs = list
			.map((b) => lastRun.get(b.batch_id))
			.filter((r): r is NonNullable<typeof r> => Boolean(r));
		const hostRun = lastRun.get(`host:${latest.host_id}`);
		if (hostRun) runs.push(hostRun);
		runs.sort((a, b) => (a.at < b.at ? 1 : -1));
		rows.push({
			host_id: latest.host_id,
			host: state.hosts.find((h) => h.host_id === latest.host_id)?.name ?? latest.host_id,
			pack: latest.pack,
			base_url: latest.base_url,
			latest_batch: latest.batch_id,
			batch_status: latest.batch_status,
			// docs/domain.md "Statuses": the provider's status is its latest batch's, among those that
			// created resources and still hold them (a batch that stopped before creating anything
			// changes nothing there).
			provider_status:
				list.find((b) => b.resource_count > 0 && b.batch_status !== 'rolled_back')?.provider_status ?? null,
			access_status: access,
			modes_ready: [...modes],
			failure_class: latest.failure_class,
			last_reconcile: runs[0] ?? null,
			batches: list.length,
			updated_at: latest.updated_at,
		});
	}
	return rows.sort((a, b) => a.host.localeCompare(b.host) || a.pack.localeCompare(b.pack));
}

export function batchListView(b: BatchIndex) {
	return {
		batch_id: b.batch_id,
		host_id: b.host_id,
		pack: b.pack,
		access_mode: b.access_mode,
		batch_status: b.batch_status,
		access_status: b.access_status,
		created_at: b.created_at,
	};
}

/**
 * A host's health in one word: `broken` when a provider there is broken or its latest batch failed,
 * `ready` when one is ready and none broken, `none` before any import (docs/domain.md "Statuses").
 */
export type HostHealth = 'broken' | 'ready' | 'none';

export function healthOf(rows: ProviderRow[]): HostHealth {
	if (rows.some((r) => r.access_status === 'broken' || r.batch_status === 'failed')) return 'broken';
	if (rows.some((r) => isReady(r.access_status) || r.access_status === 'fully_ready')) return 'ready';
	return 'none';
}

export interface HostStatus {
	host_id: string;
	name: string;
	url: string;
	version: string | null;
	providers: ProviderRow[];
	/** Providers with a ready access status. */
	ready: number;
	batches: number;
	health: HostHealth;
}

/** Per registered host (or the one asked): its providers, how many are ready, its batches, its health. */
export function hostStatuses(state: State, hostId?: string): HostStatus[] {
	const counts = new Map<string, number>();
	for (const b of state.batches) counts.set(b.host_id, (counts.get(b.host_id) ?? 0) + 1);
	return state.hosts
		.filter((h: HostRecord) => !hostId || h.host_id === hostId)
		.map((h) => {
			const providers = providerRows(state, h.host_id);
			return {
				host_id: h.host_id,
				name: h.name,
				url: h.url,
				version: h.version,
				providers,
				ready: providers.filter((p) => p.access_status.endsWith('_ready')).length,
				batches: counts.get(h.host_id) ?? 0,
				health: healthOf(providers),
			};
		});
}

const newestFirst = (a: BatchIndex, b: BatchIndex) =>
	a.created_at < b.created_at ? 1 : a.created_at > b.created_at ? -1 : 0;

/** Batches, newest first: of a host, of one provider (pack and base URL) on it, or all. */
export function batchList(
	state: State,
	filter: {hostId?: string; pack?: string; baseUrl?: string} = {},
): ReturnType<typeof batchListView>[] {
	return state.batches
		.filter(
			(b) =>
				(!filter.hostId || b.host_id === filter.hostId) &&
				(!filter.pack || b.pack === filter.pack) &&
				(filter.baseUrl === undefined || b.base_url === filter.baseUrl),
		)
		.sort(newestFirst)
		.map(batchListView);
}

export interface LiveBatch extends ReturnType<typeof batchListView> {
	resource_count: number;
	/** The status of this batch's latest reconcile, if any. */
	last_reconcile: string | null;
}

/** The batches that still hold resources on a host (what reconcile and rollback act on), newest first. */
export function liveBatches(state: State, hostId: string): LiveBatch[] {
	const lastRun = new Map<string, string>();
	for (const r of state.reconcile_runs) if (r.batch_id) lastRun.set(r.batch_id, r.reconcile_status);
	return liveBatchesOn(state, hostId)
		.sort(newestFirst)
		.map((b) => ({
			...batchListView(b),
			resource_count: b.resource_count,
			last_reconcile: lastRun.get(b.batch_id) ?? null,
		}));
}
