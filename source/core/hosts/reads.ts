// Reading a recorded resource back from the host: null when it is gone (404, soft-deleted). Shared
// by reconcile (compare fields) and rollback (check it is still the one recorded before deleting).
import type {HostClient} from '../../host/client.js';
import {HostError} from '../../host/errors.js';
import {UserClient} from '../../host/user-client.js';
import type {BatchSecrets, ResourceRecord} from '../../store/schema.js';
import {USER_AGENT} from './access.js';
import {reportRateWait} from '../pipeline/steps.js';

export type LiveResource = Record<string, unknown> & {id: string | number};

async function orNull<T>(read: () => Promise<T>): Promise<T | null> {
	try {
		return await read();
	} catch (error) {
		if (error instanceof HostError && error.kind === 'not_found') return null;
		throw error;
	}
}

export async function readLive(
	client: HostClient,
	r: ResourceRecord,
	resources: ResourceRecord[],
): Promise<LiveResource | null> {
	const id = r.host_resource_id;
	if (!id) return null;
	switch (r.resource_type) {
		case 'group':
			return orNull(() => client.getGroup(id)) as Promise<LiveResource | null>;
		case 'account':
			return orNull(() => client.getAccount(id)) as Promise<LiveResource | null>;
		case 'user':
			return orNull(() => client.getUser(id)) as Promise<LiveResource | null>;
		case 'subscription':
			return orNull(() => client.getSubscription(id)) as Promise<LiveResource | null>;
		case 'api_key': {
			const userId = String(
				r.snapshot.user_id ?? resources.find((x) => x.resource_type === 'user')?.host_resource_id ?? '',
			);
			if (!userId) return null;
			const keys = await orNull(() => client.userApiKeys(userId, {page_size: 100}));
			const own = keys?.items.find((k) => String(k.id) === id);
			if (own) return own as LiveResource;
			// Not among its user's keys: it may have changed owner; the group it was bound to still lists it.
			const groupId = str(r.snapshot.group_id);
			if (!groupId) return null;
			const bound = await orNull(() => client.groupApiKeys(groupId, {page_size: 100}));
			return (bound?.items.find((k) => String(k.id) === id) as LiveResource | undefined) ?? null;
		}
	}
}

const str = (v: unknown): string | null =>
	typeof v === 'string' || typeof v === 'number' ? String(v) : null;

/** The managed user's own client (for deleting its key), when state holds its password. */
export function userClientFor(
	hostUrl: string,
	secrets: BatchSecrets | undefined,
	timeoutMs: number,
	signal?: AbortSignal,
): UserClient | null {
	if (!secrets?.user_email || !secrets.user_password) return null;
	return new UserClient({
		baseUrl: hostUrl,
		email: secrets.user_email,
		password: secrets.user_password,
		timeoutMs,
		signal,
		userAgent: USER_AGENT,
		onRateWait: reportRateWait,
	});
}
