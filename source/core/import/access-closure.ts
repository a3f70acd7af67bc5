// access_closure: the tool closes access itself on the host side (docs/domain.md "Access modes"): a managed
// normal user, its balance or subscription, and its own key bound to the group.
import {randomBytes} from 'node:crypto';
import {HostError} from '../../host/errors.js';
import {UserClient} from '../../host/user-client.js';
import type {HostClient} from '../../host/client.js';
import type {Capabilities} from '../../host/probe.js';
import type {HostApiKey} from '../../host/schemas.js';
import type {BatchRecorder} from '../records/batch-recorder.js';
import {USER_AGENT} from '../hosts/access.js';
import type {PlannedNames} from '../records/naming.js';
import type {Pack, AccessMode} from '../packs/packs.js';
import {reportRateWait, StepFailure, type StepApi, type StepResult} from '../pipeline/steps.js';
import {byExactName, trackedCreate} from '../records/tracked-create.js';
import {makeMarker, markedName, withMarker} from '../records/marker.js';
import {markerSnapshot} from '../records/provenance.js';

export interface AccessClosureInput {
	client: HostClient;
	recorder: BatchRecorder;
	caps: Capabilities;
	hostUrl: string;
	pack: Pack;
	accessMode: AccessMode;
	/**
	 * The provider's group. An import in subscription mode starts the closure before the group
	 * exists (the smoke user needs no group): what needs the group awaits it.
	 */
	groupId: number | Promise<number>;
	names: PlannedNames;
	existingUser: {email: string; password: string | null} | null;
	timeoutMs: number;
}

export interface AccessClosure {
	user_id: number;
	user_email: string;
	user_key: string;
	key_id: number;
	subscription_id: number | null;
}

export function newPassword(): string {
	return randomBytes(18).toString('base64url');
}

async function ensureUser(
	input: AccessClosureInput,
	api: StepApi,
): Promise<{id: number; email: string; password: string | null}> {
	const {client, recorder, pack, accessMode, names} = input;
	if (input.existingUser) {
		const [found] = byExactName(
			(await client.listUsers({search: input.existingUser.email, page_size: 100})).items,
			input.existingUser.email,
		);
		if (!found)
			throw new StepFailure('invalid_input', `no user ${input.existingUser.email} on the host (--user)`);
		const record = await recorder.pending('user', found.email, {email: found.email}, false);
		await recorder.confirm(record, found.id);
		if (accessMode === 'self_service') {
			const groupId = await input.groupId;
			const allowed = (found.allowed_groups ?? []).map(Number);
			if (!allowed.includes(groupId))
				await client.updateUser(found.id, {allowed_groups: [...allowed, groupId]});
		}
		return {id: Number(found.id), email: found.email, password: input.existingUser.password};
	}
	const password = newPassword();
	await recorder.setSecrets({user_email: names.user_email, user_password: password});
	api.progress(`creating the smoke user ${names.user_email}`);
	const selfService = accessMode === 'self_service';
	const groupId = selfService ? await input.groupId : null;
	const marker = makeMarker(recorder.batchId);
	const body = {
		email: names.user_email,
		password,
		username: names.key,
		notes: withMarker('crm smoke user', marker),
		balance: selfService ? pack.self_service.starting_balance : 0,
		concurrency: pack.self_service.user_concurrency,
		allowed_groups: groupId !== null ? [groupId] : [],
	};
	const user = await trackedCreate(
		recorder,
		'user',
		names.user_email,
		{email: body.email, allowed_groups: body.allowed_groups, status: 'active', ...markerSnapshot(marker)},
		() => client.createUser(body),
		async () =>
			byExactName(
				(await client.listUsers({search: names.user_email, page_size: 100})).items,
				names.user_email,
			),
	);
	if (selfService && (user.balance ?? 0) <= 0) {
		api.progress(`setting the smoke user's balance to ${pack.self_service.starting_balance}`);
		await client.setBalance(
			user.id,
			{balance: pack.self_service.starting_balance, operation: 'set', notes: 'crm smoke balance'},
			{
				idempotencyKey: `${recorder.batchId}-balance`,
			},
		);
	}
	return {id: Number(user.id), email: user.email, password};
}

export async function createUserKey(
	input: AccessClosureInput,
	user: {id: number; email: string; password: string | null},
	api: StepApi,
	/** What the key must wait for besides the group (the user's subscription, being assigned). */
	before: Promise<unknown> = Promise.resolve(),
): Promise<HostApiKey> {
	const {client, recorder, caps, names} = input;
	const canLogin = !caps.turnstile && !caps.backend_mode && user.password !== null;
	// The key's marker lives in its name (keys have no notes): the record's name is the marked name.
	const marker = makeMarker(recorder.batchId);
	const name = markedName(names.key, marker);
	const snapshot = (groupId: number) => ({
		name,
		group_id: String(groupId),
		user_id: String(user.id),
		...markerSnapshot(marker),
	});
	if (canLogin) {
		api.progress(`logging in as ${user.email} to create its key`);
		const userClient = new UserClient({
			baseUrl: input.hostUrl,
			email: user.email,
			password: user.password ?? '',
			timeoutMs: input.timeoutMs,
			signal: api.signal,
			userAgent: USER_AGENT,
			onRateWait: reportRateWait,
		});
		// The login needs only the user: it runs while the subscription is assigned.
		await userClient.login();
		await before;
		const groupId = await input.groupId;
		return trackedCreate(
			recorder,
			'api_key',
			name,
			snapshot(groupId),
			() => userClient.createKey({name, group_id: groupId}),
			async () => byExactName((await userClient.listKeys({page_size: 100})).items, name),
		);
	}
	// Users cannot log in here (Turnstile, backend mode, or an existing user whose password we lack):
	// only admin-side key creation can close access.
	api.progress('users cannot log in on this host; trying admin-side key creation');
	await before;
	const groupId = await input.groupId;
	try {
		const key = await trackedCreate(
			recorder,
			'api_key',
			name,
			snapshot(groupId),
			() => client.adminCreateUserKey(user.id, name),
			async () => byExactName((await client.userApiKeys(user.id, {page_size: 100})).items, name),
		);
		await client.adminUpdateKey(key.id, {group_id: groupId});
		return key;
	} catch (error) {
		if (error instanceof HostError && error.kind === 'not_found') {
			const why =
				user.password === null
					? 'the user password is unknown (--user without --user-password-env)'
					: caps.turnstile
						? 'Turnstile is on'
						: 'backend mode is on';
			throw new StepFailure(
				'host_compatibility_gap',
				`normal users cannot log in (${why}) and this host has no admin-side key creation (POST /admin/users/:id/api-keys), so no user key can be made`,
			);
		}
		throw error;
	}
}

export async function accessClosureStep(
	input: AccessClosureInput,
	api: StepApi,
): Promise<StepResult<AccessClosure>> {
	const {recorder, pack, accessMode} = input;
	const user = await ensureUser(input, api);
	api.throwIfStopped();
	// The subscription and the user's login do not wait for each other; the key waits for both.
	const assigning: Promise<number | null> =
		accessMode === 'subscription' ? assignSubscription(input, user, api) : Promise.resolve(null);
	assigning.catch(() => {}); // awaited below; a key failure must not leave it unhandled
	let key: HostApiKey;
	try {
		key = await createUserKey(input, user, api, assigning);
	} finally {
		await Promise.allSettled([assigning]);
	}
	const subscriptionId = await assigning;
	api.throwIfStopped();
	if (!key.key)
		throw new StepFailure('host_compatibility_gap', 'the host created a key but did not return it');
	// The smoke uses the key while state.json is written; the batch's next flush waits for the write.
	await recorder.setSecrets({user_key: key.key, user_email: user.email}, 'soon');
	const closure: AccessClosure = {
		user_id: user.id,
		user_email: user.email,
		user_key: key.key,
		key_id: Number(key.id),
		subscription_id: subscriptionId,
	};
	const what =
		accessMode === 'subscription' ? 'subscription assigned' : `balance ${pack.self_service.starting_balance}`;
	return {
		status: 'ok',
		message: `user ${user.email} (${what}), key bound to the group`,
		value: closure,
		evidence: {
			user_id: user.id,
			user_email: user.email,
			key_id: key.id,
			subscription_id: subscriptionId,
			access_mode: accessMode,
		},
	};
}

export async function assignSubscription(
	input: AccessClosureInput,
	user: {id: number; email: string},
	api: StepApi,
): Promise<number> {
	const {client, recorder, pack} = input;
	const groupId = await input.groupId;
	api.progress(`assigning a ${pack.subscription.validity_days}-day subscription`);
	const marker = makeMarker(recorder.batchId);
	const sub = await trackedCreate(
		recorder,
		'subscription',
		`${input.names.group}:${user.email}`,
		{user_id: String(user.id), group_id: String(groupId), status: 'active', ...markerSnapshot(marker)},
		() =>
			client.assignSubscription({
				user_id: user.id,
				group_id: groupId,
				validity_days: pack.subscription.validity_days,
				notes: withMarker('crm subscription', marker),
			}),
		async () =>
			(await client.listSubscriptions({user_id: user.id, group_id: groupId, page_size: 100})).items.filter(
				(s) => Number(s.group_id) === groupId && Number(s.user_id) === user.id,
			),
	);
	const record = recorder.file.resources.find(
		(r) => r.resource_type === 'subscription' && r.host_resource_id === String(sub.id),
	);
	if (record) record.snapshot = {...record.snapshot, expires_at: sub.expires_at ?? null};
	return Number(sub.id);
}
