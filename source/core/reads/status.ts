// What `crm status` and the TUI's Status screen show: per host and provider (host, pack, normalised
// base URL), the latest batch, the access status (fully_ready once both modes are ready there) and
// the last reconcile. Reads the index in state.json only, so it stays fast at 10,000 batches.
import type {AccessStatus, BatchIndex, HostRecord, State} from '../../store/schema.js';
import {liveBatchesOn} from '../hosts/removal.js';
import {accessWord} from './words.js';

export interface ProviderRow {
	host_id: string;
	host: string;
	pack: string;
	base_url: string;
	latest_batch: string;
	batch_status: string;
	provider_status: string | null;
	/** Warning codes of the batch the provider status comes from (listed, not a status). */
	warnings: string[];
	access_status: AccessStatus;
	/**
	 * Its access was ready, but the latest reconcile of that batch found part of it missing: the
	 * ready word is withdrawn (docs/domain.md "Statuses"); views show `drifted`.
	 */
	access_drifted: boolean;
	modes_ready: string[];
	failure_class: string | null;
	last_reconcile: {run_id: string; reconcile_status: string; at: string} | null;
	batches: number;
	updated_at: string;
}

const isReady = (s: AccessStatus) => s === 'self_service_ready' || s === 'subscription_ready';

/** The latest reconcile that judged a batch: one of that batch alone, or a host-wide one. */
export interface BatchDrift {
	run_id: string;
	reconcile_status: 'in_sync' | 'drifted';
	at: string;
	/** It found a resource of this batch missing on the host. */
	missing: boolean;
}

/**
 * Each batch's latest reconcile verdict (docs/domain.md "Drift"): a batch run judges its batch; a
 * host-wide run judges every batch of the host that existed then, each by its own items (a host run
 * recorded before it kept the per-batch verdict judges none).
 */
export function batchDrifts(state: State): Map<string, BatchDrift> {
	const out = new Map<string, BatchDrift>();
	const byHost = new Map<string, BatchIndex[]>();
	for (const b of state.batches) {
		const list = byHost.get(b.host_id);
		if (list) list.push(b);
		else byHost.set(b.host_id, [b]);
	}
	const put = (batchId: string, drift: BatchDrift) => {
		const prev = out.get(batchId);
		if (!prev || prev.at <= drift.at) out.set(batchId, drift);
	};
	for (const r of state.reconcile_runs) {
		if (r.batch_id) {
			put(r.batch_id, {
				run_id: r.run_id,
				reconcile_status: r.reconcile_status,
				at: r.at,
				missing: (r.counts.missing ?? 0) > 0,
			});
			continue;
		}
		if (!r.drifted_batches) continue;
		const drifted = new Set(r.drifted_batches);
		const missing = new Set(r.missing_batches ?? []);
		for (const b of byHost.get(r.host_id) ?? []) {
			if (b.created_at > r.at) continue;
			put(b.batch_id, {
				run_id: r.run_id,
				reconcile_status: drifted.has(b.batch_id) ? 'drifted' : 'in_sync',
				at: r.at,
				missing: missing.has(b.batch_id),
			});
		}
	}
	return out;
}

export function providerRows(
	state: State,
	hostId?: string,
	/** Every batch's drift verdict: computed once by a caller that asks for several hosts. */
	drifts: Map<string, BatchDrift> = batchDrifts(state),
	/** The batches to read (the host's, grouped once by a caller that asks for several hosts). */
	batches: readonly BatchIndex[] = state.batches,
): ProviderRow[] {
	const groups = new Map<string, BatchIndex[]>();
	for (const b of batches) {
		if (hostId && b.host_id !== hostId) continue;
		const key = `${b.host_id}|${b.pack}|${b.base_url}`;
		const list = groups.get(key);
		if (list) list.push(b);
		else groups.set(key, [b]);
	}
	const rows: ProviderRow[] = [];
	for (const list of groups.values()) {
		list.sort((a, b) => (a.created_at < b.created_at ? 1 : -1));
		const latest = list[0]!;
		const modes = new Set<string>();
		let withdrawn = false;
		for (const mode of ['self_service', 'subscription'] as const) {
			const newest = list.find((b) => b.access_mode === mode && b.batch_status !== 'rolled_back');
			if (!newest || !isReady(newest.access_status) || newest.batch_status !== 'succeeded') continue;
			// A reconcile after it found part of its access missing: no longer counted as ready.
			if (drifts.get(newest.batch_id)?.missing) withdrawn = true;
			else modes.add(mode);
		}
		let access: AccessStatus = latest.access_status;
		if (modes.size === 2) access = 'fully_ready';
		else if (modes.size === 1)
			access = modes.has('subscription') ? 'subscription_ready' : 'self_service_ready';
		// The provider's reconcile: drifted when one of its batches still on the host drifted.
		const judged = list
			.filter((b) => b.batch_status !== 'rolled_back')
			.map((b) => drifts.get(b.batch_id))
			.filter((d): d is BatchDrift => Boolean(d));
		judged.sort((a, b) => (a.at < b.at ? 1 : -1));
		const newestRun = judged[0];
		const lastReconcile = newestRun
			? {
					run_id: newestRun.run_id,
					reconcile_status: judged.some((d) => d.reconcile_status === 'drifted')
						? ('drifted' as const)
						: ('in_sync' as const),
					at: newestRun.at,
				}
			: null;
		// docs/domain.md "Statuses": the provider's status is its latest batch's, among those that created resources
		// and still hold them (a batch that stopped before creating anything changes nothing there).
		const holding = list.find((b) => b.resource_count > 0 && b.batch_status !== 'rolled_back');
		rows.push({
			host_id: latest.host_id,
			host: state.hosts.find((h) => h.host_id === latest.host_id)?.name ?? latest.host_id,
			pack: latest.pack,
			base_url: latest.base_url,
			latest_batch: latest.batch_id,
			batch_status: latest.batch_status,
			provider_status: holding?.provider_status ?? null,
			warnings: holding?.warnings ?? [],
			access_status: access,
			access_drifted: withdrawn && modes.size === 0 && isReady(access),
			modes_ready: [...modes],
			failure_class: latest.failure_class,
			last_reconcile: lastReconcile,
			batches: list.length,
			updated_at: latest.updated_at,
		});
	}
	return rows.sort((a, b) => a.host.localeCompare(b.host) || a.pack.localeCompare(b.pack));
}

/** The access word a provider row is shown with: `drifted` when its ready access was withdrawn. */
export function providerAccessWord(row: ProviderRow): string {
	if (row.access_drifted) return 'drifted';
	return accessWord(row.batch_status, row.access_status);
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
	/** The address users call (docs/domain.md "The host"): the admin address unless one was set. */
	gateway_url: string;
	version: string | null;
	providers: ProviderRow[];
	/** Providers with a ready access status. */
	ready: number;
	batches: number;
	health: HostHealth;
}

/** Per registered host (or the one asked): its providers, how many are ready, its batches, its health. */
export function hostStatuses(state: State, hostId?: string): HostStatus[] {
	const byHost = new Map<string, BatchIndex[]>();
	for (const b of state.batches) {
		const list = byHost.get(b.host_id);
		if (list) list.push(b);
		else byHost.set(b.host_id, [b]);
	}
	const drifts = batchDrifts(state);
	return state.hosts
		.filter((h: HostRecord) => !hostId || h.host_id === hostId)
		.map((h) => {
			const providers = providerRows(state, h.host_id, drifts, byHost.get(h.host_id) ?? []);
			return {
				host_id: h.host_id,
				name: h.name,
				url: h.url,
				gateway_url: h.gateway_url ?? h.url,
				version: h.version,
				providers,
				ready: providers.filter((p) => p.access_status.endsWith('_ready')).length,
				batches: byHost.get(h.host_id)?.length ?? 0,
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
	/** The status of this batch's latest reconcile (of it alone, or host-wide), if any. */
	last_reconcile: string | null;
}

/** The batches that still hold resources on a host (what reconcile and rollback act on), newest first. */
export function liveBatches(state: State, hostId: string): LiveBatch[] {
	const drifts = batchDrifts(state);
	return liveBatchesOn(state, hostId)
		.sort(newestFirst)
		.map((b) => ({
			...batchListView(b),
			resource_count: b.resource_count,
			last_reconcile: drifts.get(b.batch_id)?.reconcile_status ?? null,
		}));
}
