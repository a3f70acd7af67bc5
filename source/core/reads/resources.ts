// Every resource the tool recorded on one host, across all its batches (docs/cli.md
// `crm resources`): what is live (`active`), what was deleted or found gone (`deleted`), and what
// state cannot vouch for (`unknown`: a create whose answer was never recorded). Reads the data
// folder only; nothing is asked of the host.
import type {BatchIndex, ResourceRecord, ResourceType} from '../../store/schema.js';
import type {StateStore} from '../../store/state-store.js';

export type ResourceState = 'active' | 'deleted' | 'unknown';

export interface HostResource {
	batch_id: string;
	resource_type: ResourceType;
	host_resource_id: string | null;
	name: string;
	state: ResourceState;
	created_at: string;
	// Beyond docs/cli.md's shape:
	pack: string;
	/** The record's own status (created, pending, deleted, gone, or what a later build adds). */
	status: string;
	/** false for an existing user a batch only used (--user): never deleted by rollback. */
	owned: boolean;
	deleted_at: string | null;
}

/** How a record's status reads on the host-wide list; null: never on the host (a failed create). */
export function resourceState(status: string): ResourceState | null {
	switch (status) {
		case 'created':
			return 'active';
		case 'deleted':
		case 'gone':
			return 'deleted';
		case 'failed':
			return null;
		default:
			return 'unknown';
	}
}

function view(batch: BatchIndex, r: ResourceRecord): HostResource | null {
	const state = resourceState(r.status);
	if (!state) return null;
	return {
		batch_id: batch.batch_id,
		resource_type: r.resource_type,
		host_resource_id: r.host_resource_id,
		name: r.name,
		state,
		created_at: r.created_at,
		pack: batch.pack,
		status: r.status,
		owned: r.owned,
		deleted_at: r.deleted_at,
	};
}

/** Every recorded resource of the host's batches, newest first. */
export async function hostResources(store: StateStore, hostId: string): Promise<HostResource[]> {
	const batches = store.data.batches.filter((b) => b.host_id === hostId && b.resource_count > 0);
	const files = await Promise.all(batches.map((b) => store.readBatch(b.batch_id)));
	const out: HostResource[] = [];
	batches.forEach((b, i) => {
		for (const r of files[i]?.resources ?? []) {
			const v = view(b, r);
			if (v) out.push(v);
		}
	});
	return out.sort((a, b) => (a.created_at < b.created_at ? 1 : a.created_at > b.created_at ? -1 : 0));
}

export function resourceCounts(list: HostResource[]): Record<ResourceState, number> {
	const counts: Record<ResourceState, number> = {active: 0, deleted: 0, unknown: 0};
	for (const r of list) counts[r.state] += 1;
	return counts;
}
