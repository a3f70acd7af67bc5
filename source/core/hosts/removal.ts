// Forgetting a registered host (`crm host remove`, the TUI's Hosts screen). Its resources stay on the
// host; removing one that still holds recorded resources needs force, since nothing could roll them back.
import type {State} from '../../store/schema.js';
import type {StateStore} from '../../store/state-store.js';
import {CrmError} from '../../lib/errors.js';
import {resolveHost} from './lookup.js';
import {sandboxMarkOf} from './sandbox-mark.js';

/** Batches that still hold resources on the host (removing it would orphan them). */
export function liveBatchesOn(state: State, hostId: string) {
	return state.batches.filter(
		(b) => b.host_id === hostId && b.batch_status !== 'rolled_back' && b.resource_count > 0,
	);
}

export async function removeHost(store: StateStore, ref: string | undefined, force: boolean) {
	const host = resolveHost(store.data, ref);
	const live = liveBatchesOn(store.data, host.host_id);
	if (live.length > 0 && !force && sandboxMarkOf(host)?.state === 'stopped') {
		throw new CrmError(
			'invalid_input',
			`host ${host.name} is the sandbox that stopped with the previous run: its ${live.length} batch(es) (e.g. ${live[0]?.batch_id}) are still recorded, but their resources are gone with it; force it to forget the host (the batch records stay), or start it again from the TUI`,
			{field: 'host'},
		);
	}
	if (live.length > 0 && !force) {
		throw new CrmError(
			'invalid_input',
			`host ${host.name} still has ${live.length} batch(es) with resources on it (e.g. ${live[0]?.batch_id}); roll them back first, or force it to forget the host (its resources stay on the host)`,
			{field: 'host'},
		);
	}
	store.data.hosts = store.data.hosts.filter((h) => h.host_id !== host.host_id);
	await store.write();
	return host;
}
