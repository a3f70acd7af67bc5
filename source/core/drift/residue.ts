// Residue (the original's "historical residue" that kept shared hosts `drifted`): host resources that
// look like the tool's (its name prefix, its managed-user domain) but that no live record of this
// data folder holds. Each is listed with its age and why it is what it is; only one whose marker
// proves the tool made it (`[crm:<batch>:<nonce>]`, docs/domain.md rule 4) is deletable, and deleting
// goes children first (subscriptions, users with their keys, accounts, groups), re-reading each
// first and never touching one that a live record's resource still hangs from.
import type {HostClient} from '../../host/client.js';
import type {HostRecord, ResourceType, State} from '../../store/schema.js';
import type {StateStore} from '../../store/state-store.js';
import {isOurName} from '../records/naming.js';
import {MARKER_FIELD, markerText, parseMarker, type ParsedMarker} from '../records/marker.js';
import {listAll} from './reconcile.js';

export interface ResidueItem {
	resource_type: ResourceType;
	host_resource_id: string;
	name: string;
	created_at: string | null;
	marker_batch_id: string | null;
	deletable: boolean;
	reason: string;
	// Beyond docs/cli.md's shape:
	/** The marker as the host shows it. */
	marker: string | null;
	age_days: number | null;
	/** The owning user (keys, subscriptions) and the group (keys, subscriptions). */
	user_id: string | null;
	group_id: string | null;
	/** With --delete: what was done. */
	action: 'deleted' | 'deleted_with_user' | 'kept' | 'failed' | null;
	detail: string | null;
}

/** `type|id` of every resource a live record of this host holds (not deleted, gone or failed). */
export async function liveRecordKeys(store: StateStore, hostId: string): Promise<Set<string>> {
	const keys = new Set<string>();
	const batches = store.data.batches.filter((b) => b.host_id === hostId && b.resource_count > 0);
	for (const b of batches) {
		const file = await store.readBatch(b.batch_id);
		for (const r of file?.resources ?? []) {
			if (r.status === 'deleted' || r.status === 'gone' || r.status === 'failed') continue;
			if (r.host_resource_id) keys.add(`${r.resource_type}|${r.host_resource_id}`);
			// An unknown record's same-named candidate is the operator's to adopt, not residue.
			if (r.candidate_id) keys.add(`${r.resource_type}|${r.candidate_id}`);
		}
	}
	return keys;
}

function ageDays(createdAt: string | null | undefined, now = Date.now()): number | null {
	const at = createdAt ? Date.parse(createdAt) : NaN;
	return Number.isFinite(at) ? Math.max(0, Math.floor((now - at) / 86_400_000)) : null;
}

/** Why an item is (not) deletable, from the marker it shows. */
function judge(
	type: ResourceType,
	live: Record<string, unknown>,
	state: State,
): {marker: ParsedMarker | null; deletable: boolean; reason: string} {
	const field = MARKER_FIELD[type];
	const value = live[field];
	if (value === undefined)
		return {
			marker: null,
			deletable: false,
			reason: `named like the tool's, but this host build keeps no ${field}, so no marker can prove the tool made it; not deleted`,
		};
	const marker = parseMarker(typeof value === 'string' ? value : null);
	if (!marker)
		return {
			marker: null,
			deletable: false,
			reason: `named like the tool's but its ${field} carries no marker: a name is not proof; not deleted (remove it in the host's admin UI if it is residue)`,
		};
	const batch = state.batches.find((b) => b.batch_id === marker.batch_id);
	const whose = batch
		? `batch ${batch.batch_id} of this data folder (${batch.batch_status}) holds no live record of it`
		: `batch ${marker.batch_id} is not in this data folder (an earlier or another data folder's run)`;
	return {marker, deletable: true, reason: `its marker proves the tool made it; ${whose}`};
}

function item(
	type: ResourceType,
	live: Record<string, unknown> & {id: unknown},
	name: string,
	state: State,
	owner: {user_id?: unknown; group_id?: unknown} = {},
): ResidueItem {
	const verdict = judge(type, live, state);
	const createdAt = typeof live.created_at === 'string' ? live.created_at : null;
	return {
		resource_type: type,
		host_resource_id: String(live.id),
		name,
		created_at: createdAt,
		marker_batch_id: verdict.marker?.batch_id ?? null,
		deletable: verdict.deletable,
		reason: verdict.reason,
		marker: verdict.marker ? `[crm:${verdict.marker.batch_id}:${verdict.marker.nonce}]` : null,
		age_days: ageDays(createdAt),
		user_id: owner.user_id === undefined || owner.user_id === null ? null : String(owner.user_id),
		group_id: owner.group_id === undefined || owner.group_id === null ? null : String(owner.group_id),
		action: null,
		detail: null,
	};
}

const ACTIVE_SUBSCRIPTION = (status: string | null | undefined) =>
	status !== 'revoked' && status !== 'deleted';

/** Lists the host's residue (reads only on the host). */
export async function findResidue(
	client: HostClient,
	host: HostRecord,
	store: StateStore,
	progress: (message: string) => void = () => {},
): Promise<ResidueItem[]> {
	const live = await liveRecordKeys(store, host.host_id);
	const known = (type: ResourceType, id: unknown) => live.has(`${type}|${String(id)}`);
	const items: ResidueItem[] = [];
	progress(`groups and accounts named ${host.prefix}…`);
	const groups = await listAll((page) => client.listGroups({search: host.prefix, page, page_size: 100}));
	for (const g of groups)
		if (isOurName(host, g.name) && !known('group', g.id)) items.push(item('group', g, g.name, store.data));
	const accounts = await listAll((page) => client.listAccounts({search: host.prefix, page, page_size: 100}));
	for (const a of accounts)
		if (isOurName(host, a.name) && !known('account', a.id))
			items.push(item('account', a, a.name, store.data));
	progress(`managed users @${host.user_domain}, their keys and subscriptions…`);
	const users = await listAll((page) =>
		client.listUsers({search: `@${host.user_domain}`, page, page_size: 100}),
	);
	for (const u of users.filter((x) => x.email.endsWith(`@${host.user_domain}`) && isOurName(host, x.email))) {
		if (!known('user', u.id)) items.push(item('user', u, u.email, store.data));
		const keys = await listAll((page) => client.userApiKeys(u.id, {page, page_size: 100}));
		for (const k of keys)
			if (!known('api_key', k.id) && (isOurName(host, k.name) || parseMarker(k.name)))
				items.push(item('api_key', k, k.name, store.data, {user_id: u.id, group_id: k.group_id}));
		const subs = await listAll((page) =>
			client.listSubscriptions({user_id: Number(u.id), page, page_size: 100}),
		);
		for (const s of subs)
			if (!known('subscription', s.id) && ACTIVE_SUBSCRIPTION(s.status))
				items.push(
					item('subscription', s, `subscription ${String(s.id)} of ${u.email}`, store.data, {
						user_id: u.id,
						group_id: s.group_id,
					}),
				);
	}
	keysFollowUsers(items);
	return items;
}

/**
 * A key is deleted only with its user (the admin API has no key delete; the user plane needs the
 * user's password): deletable when its user is deletable residue too.
 */
function keysFollowUsers(items: ResidueItem[]): void {
	const deletableUsers = new Set(
		items.filter((i) => i.resource_type === 'user' && i.deletable).map((i) => i.host_resource_id),
	);
	for (const k of items.filter((i) => i.resource_type === 'api_key' && i.deletable)) {
		if (k.user_id && deletableUsers.has(k.user_id)) {
			k.reason = `${k.reason}; it goes with its user ${k.user_id}`;
		} else {
			k.deletable = false;
			k.reason = `${k.reason}; but a key is deleted only with its user, which is not deletable residue`;
		}
	}
}

/** Children first: what a parent's delete would take with it is gone before the parent. */
const DELETE_ORDER: ResourceType[] = ['subscription', 'user', 'account', 'group'];

async function readBack(client: HostClient, i: ResidueItem): Promise<Record<string, unknown> | null> {
	try {
		switch (i.resource_type) {
			case 'subscription':
				return await client.getSubscription(i.host_resource_id);
			case 'user':
				return await client.getUser(i.host_resource_id);
			case 'account':
				return await client.getAccount(i.host_resource_id);
			default:
				return await client.getGroup(i.host_resource_id);
		}
	} catch (error) {
		if ((error as {kind?: string}).kind === 'not_found') return null;
		throw error;
	}
}

/** Why deleting this would take a live record's resource with it, or null when it would not. */
async function holdsLive(
	client: HostClient,
	i: ResidueItem,
	known: (t: ResourceType, id: unknown) => boolean,
) {
	if (i.resource_type === 'user') {
		const keys = await listAll((page) => client.userApiKeys(i.host_resource_id, {page, page_size: 100}));
		const kept = keys.find((k) => known('api_key', k.id));
		if (kept) return `a live record's key ${String(kept.id)} belongs to this user`;
		const subs = await listAll((page) =>
			client.listSubscriptions({user_id: Number(i.host_resource_id), page, page_size: 100}),
		);
		const sub = subs.find((x) => known('subscription', x.id) && ACTIVE_SUBSCRIPTION(x.status));
		if (sub) return `a live record's subscription ${String(sub.id)} belongs to this user`;
	}
	if (i.resource_type === 'group') {
		const keys = await listAll((page) => client.groupApiKeys(i.host_resource_id, {page, page_size: 100}));
		const kept = keys.find((k) => known('api_key', k.id));
		if (kept) return `a live record's key ${String(kept.id)} is bound to this group`;
		const subs = await listAll((page) =>
			client.listSubscriptions({group_id: Number(i.host_resource_id), page, page_size: 100}),
		);
		const sub = subs.find((x) => known('subscription', x.id) && ACTIVE_SUBSCRIPTION(x.status));
		if (sub) return `a live record's subscription ${String(sub.id)} is on this group`;
	}
	return null;
}

async function deleteOne(client: HostClient, i: ResidueItem): Promise<void> {
	switch (i.resource_type) {
		case 'subscription':
			return client.revokeSubscription(i.host_resource_id);
		case 'user':
			return client.deleteUser(i.host_resource_id);
		case 'account':
			return client.deleteAccount(i.host_resource_id);
		default:
			return client.deleteGroup(i.host_resource_id);
	}
}

const unreachable = (error: unknown) => {
	const kind = (error as {kind?: string}).kind;
	return kind === 'network' || kind === 'timeout';
};

/**
 * Deletes the deletable items, children first, each re-read first: one whose marker changed, or
 * whose delete would take a live record's resource with it, is kept. The others are left as listed.
 */
export async function deleteResidue(
	client: HostClient,
	host: HostRecord,
	store: StateStore,
	items: ResidueItem[],
	o: {progress?: (message: string) => void; signal?: AbortSignal} = {},
): Promise<ResidueItem[]> {
	const live = await liveRecordKeys(store, host.host_id);
	const known = (type: ResourceType, id: unknown) => live.has(`${type}|${String(id)}`);
	const keptUsers = new Set<string>();
	let stopped: string | null = null;
	for (const type of DELETE_ORDER) {
		for (const i of items.filter((x) => x.resource_type === type && x.deletable)) {
			if (stopped || o.signal?.aborted) {
				i.action = 'failed';
				i.detail = stopped
					? `not attempted: the host stopped answering (${stopped})`
					: 'not attempted: stopped';
				continue;
			}
			try {
				const now = await readBack(client, i);
				if (!now) {
					i.action = 'deleted';
					i.detail = 'already gone on the host';
					continue;
				}
				const shown = markerText(parseMarker(String(now[MARKER_FIELD[i.resource_type]] ?? '')));
				if (shown !== i.marker) {
					i.action = 'kept';
					i.detail = `its marker changed since it was listed (now ${shown ?? 'none'}); not deleted`;
					if (type === 'user') keptUsers.add(i.host_resource_id);
					continue;
				}
				const hold = await holdsLive(client, i, known);
				if (hold) {
					i.action = 'kept';
					i.detail = `${hold}; not deleted`;
					if (type === 'user') keptUsers.add(i.host_resource_id);
					continue;
				}
				o.progress?.(`deleting ${i.resource_type} ${i.host_resource_id} ${i.name}`);
				await deleteOne(client, i);
				i.action = 'deleted';
				i.detail = 'deleted';
			} catch (error) {
				i.action = 'failed';
				i.detail = error instanceof Error ? error.message : String(error);
				if (type === 'user') keptUsers.add(i.host_resource_id);
				if (unreachable(error)) stopped = i.detail;
			}
		}
	}
	for (const k of items.filter((x) => x.resource_type === 'api_key' && x.deletable))
		await followUser(client, k, items, keptUsers);
	for (const i of items.filter((x) => !x.deletable)) {
		i.action = 'kept';
		i.detail = i.reason;
	}
	return items;
}

/** A key goes with its user; a build that keeps the keys of a deleted user says so. */
async function followUser(
	client: HostClient,
	k: ResidueItem,
	items: ResidueItem[],
	keptUsers: Set<string>,
): Promise<void> {
	const user = items.find((x) => x.resource_type === 'user' && x.host_resource_id === k.user_id);
	if (!k.user_id || keptUsers.has(k.user_id) || user?.action !== 'deleted') {
		k.action = 'kept';
		k.detail = `its user ${k.user_id ?? '?'} was not deleted`;
		return;
	}
	const left = await client
		.userApiKeys(k.user_id, {page_size: 100})
		.then((p) => p.items.some((x) => String(x.id) === k.host_resource_id && x.status !== 'deleted'))
		.catch(() => false);
	k.action = left ? 'failed' : 'deleted_with_user';
	k.detail = left ? 'this host build kept the key after its user was deleted' : 'deleted with its user';
}
