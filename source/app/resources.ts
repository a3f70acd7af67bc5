// `crm resources --host HOST`: the host-wide list of what the tool recorded there (docs/cli.md).
// Reads only: never locks, never asks the host.
import {resolveHost} from '../core/hosts/lookup.js';
import {hostResources, type HostResource} from '../core/reads/resources.js';
import type {StateStore} from '../store/state-store.js';
import type {Session} from './session.js';

export type {HostResource};

export interface ResourcesResult {
	host_id: string;
	resources: HostResource[];
}

export async function listResources(
	session: Session,
	input: {host: string | undefined},
): Promise<ResourcesResult> {
	return resourcesOf(await session.read(), input);
}

/** The same list over a state already read (the service's read cache). */
export async function resourcesOf(
	store: StateStore,
	input: {host: string | undefined},
): Promise<ResourcesResult> {
	const host = resolveHost(store.data, input.host);
	return {host_id: host.host_id, resources: await hostResources(store, host.host_id)};
}
