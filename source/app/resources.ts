// `crm resources --host HOST`: the host-wide list of what the tool recorded there (docs/cli.md).
// Reads only: never locks, never asks the host.
import {resolveHost} from '../core/hosts/lookup.js';
import {hostResources, type HostResource} from '../core/reads/resources.js';
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
	const store = await session.read();
	const host = resolveHost(store.data, input.host);
	return {host_id: host.host_id, resources: await hostResources(store, host.host_id)};
}
