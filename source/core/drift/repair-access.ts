// Repair's access step: recreate what is missing of a batch's access (its managed user, its
// subscription, its key) and record it; what is intact is left alone. Records that were gone from
// the host and are replaced are marked so (docs/domain.md "Repair").
import type {Capabilities} from '../../host/probe.js';
import type {HostClient} from '../../host/client.js';
import type {BatchIndex, BatchSecrets, HostRecord, ReconcileItem} from '../../store/schema.js';
import {
	assignSubscription,
	createUserKey,
	newPassword,
	type AccessClosureInput,
} from '../import/access-closure.js';
import type {Pack} from '../packs/packs.js';
import {StepFailure, type StepApi, type StepResult} from '../pipeline/steps.js';
import type {BatchRecorder} from '../records/batch-recorder.js';
import type {PlannedNames} from '../records/naming.js';
import {makeMarker, withMarker} from '../records/marker.js';
import {markerSnapshot} from '../records/provenance.js';
import {byExactName, trackedCreate} from '../records/tracked-create.js';

export interface Repaired {
	resource_type: string;
	host_resource_id: string | null;
	name: string;
	action: string;
	/** Why it was made (what was missing, or what it belongs to). */
	reason: string;
}

export interface RepairAccessInput {
	client: HostClient;
	recorder: BatchRecorder;
	host: HostRecord;
	index: BatchIndex;
	pack: Pack;
	groupId: number;
	names: PlannedNames;
	secrets: BatchSecrets;
	drift: ReconcileItem[];
	timeoutMs: number;
}

type User = {id: number; email: string; password: string | null; recreated: boolean};

/** The drift item of a recorded resource type (the batch records one of each access type). */
const itemOf = (o: RepairAccessInput, type: string) => o.drift.find((i) => i.resource_type === type);
const idText = (id: string | null | undefined) => (id ? `#${id}` : '#?');

/** The managed user: the recorded one, or a new one when it is gone from the host. */
async function ensureUser(o: RepairAccessInput, repaired: Repaired[]): Promise<User> {
	const {recorder, index, host, names, client, pack, groupId} = o;
	let user = recorder.file.resources.find((r) => r.resource_type === 'user' && r.status === 'created');
	let password = o.secrets.user_password;
	const item = itemOf(o, 'user');
	if (!user || item?.state === 'missing') {
		if (user && !user.owned)
			throw new StepFailure(
				'invalid_input',
				`the existing user ${user.name} is gone; it is not this tool's to recreate`,
			);
		const email = `${names.key}-r${Date.now().toString(36)}@${host.user_domain}`;
		password = newPassword();
		await recorder.setSecrets({user_email: email, user_password: password});
		const marker = makeMarker(index.batch_id);
		const body = {
			email,
			password,
			username: names.key,
			notes: withMarker('crm smoke user (repair)', marker),
			balance: index.access_mode === 'self_service' ? pack.self_service.starting_balance : 0,
			concurrency: pack.self_service.user_concurrency,
			allowed_groups: index.access_mode === 'self_service' ? [groupId] : [],
		};
		const made = await trackedCreate(
			recorder,
			'user',
			email,
			{email, allowed_groups: body.allowed_groups, status: 'active', ...markerSnapshot(marker)},
			() => client.createUser(body),
			async () => byExactName((await client.listUsers({search: email, page_size: 100})).items, email),
		);
		repaired.push({
			resource_type: 'user',
			host_resource_id: String(made.id),
			name: email,
			action: 'recreated',
			reason: user
				? `the batch's smoke user ${idText(user.host_resource_id)} ${user.name} is missing on the host`
				: 'the batch recorded no smoke user',
		});
		user = recorder.file.resources.find(
			(r) => r.resource_type === 'user' && r.host_resource_id === String(made.id),
		);
		return {id: Number(user!.host_resource_id), email: user!.name, password, recreated: true};
	}
	return {id: Number(user.host_resource_id), email: user.name, password, recreated: false};
}

/** What was recreated replaces records gone from the host: marked so, or every later reconcile would report them missing. */
function markReplaced(o: RepairAccessInput, repaired: Repaired[]): void {
	for (const item of o.drift) {
		if (item.state !== 'missing' || !repaired.some((r) => r.resource_type === item.resource_type)) continue;
		const old = o.recorder.file.resources.find(
			(r) =>
				r.resource_type === item.resource_type &&
				r.host_resource_id === item.host_resource_id &&
				r.status === 'created',
		);
		if (!old) continue;
		old.status = 'gone';
		old.deleted_at = new Date().toISOString();
		old.deleted_by = 'repair: missing on the host, replaced';
	}
}

/** The access_closure step of a repair; its value is the managed user's key the smoke uses. */
export async function repairAccess(
	o: RepairAccessInput,
	api: StepApi,
	repaired: Repaired[],
): Promise<StepResult<string>> {
	const closure: AccessClosureInput = {
		client: o.client,
		recorder: o.recorder,
		caps: o.host.capabilities as unknown as Capabilities,
		hostUrl: o.host.url,
		pack: o.pack,
		accessMode: o.index.access_mode,
		groupId: o.groupId,
		names: o.names,
		existingUser: null,
		timeoutMs: o.timeoutMs,
	};
	const user = await ensureUser(o, repaired);
	const subscription = itemOf(o, 'subscription');
	// A subscription is (re)assigned when it is missing, or for a new user; a changed one is left
	// as it is (reported by the caller: repair does not mend it in place).
	const subscriptionWhy =
		o.index.access_mode !== 'subscription'
			? null
			: user.recreated
				? 'the new smoke user needs its own subscription to the group'
				: subscription?.state === 'missing'
					? `the batch's subscription ${idText(subscription.host_resource_id)} is missing on the host`
					: !subscription
						? 'the batch recorded no subscription'
						: null;
	if (subscriptionWhy) {
		const id = await assignSubscription(closure, user, api);
		repaired.push({
			resource_type: 'subscription',
			host_resource_id: String(id),
			name: `${o.names.group}:${user.email}`,
			action: 'reassigned',
			reason: subscriptionWhy,
		});
	}
	// A key is made only when there is none to use: the recorded one is missing, it belonged to a
	// user that is gone, or its secret was never kept. A key still on the host is never made twice.
	const apiKey = itemOf(o, 'api_key');
	let key = o.secrets.user_key;
	const keyWhy = user.recreated
		? 'a key belongs to its user; the new smoke user needs its own'
		: apiKey?.state === 'missing'
			? `the batch's key ${idText(apiKey.host_resource_id)} is missing on the host`
			: !key
				? 'the key’s secret is not in state.json, so no smoke can use it'
				: null;
	if (keyWhy) {
		const made = await createUserKey(
			{...closure, names: {...o.names, key: `${o.names.key}-r${Date.now().toString(36)}`}},
			user,
			api,
		);
		key = made.key ?? null;
		await o.recorder.setSecrets({user_key: key});
		repaired.push({
			resource_type: 'api_key',
			host_resource_id: String(made.id),
			name: made.name,
			action: 'recreated',
			reason: keyWhy,
		});
	}
	if (!key) throw new StepFailure('host_compatibility_gap', 'no user key could be made');
	markReplaced(o, repaired);
	return {
		status: 'ok',
		message: repaired.length
			? `recreated ${repaired.map((r) => r.resource_type).join(', ')}`
			: 'access intact',
		value: key,
	};
}
