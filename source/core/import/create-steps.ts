// The steps that make the batch's group and account on the host, and the plan that picks their
// names: each is recorded pending, with its marker, before the request that creates it is sent
// (docs/domain.md "Write-ahead records", "Markers", "Naming").
import type {hostClientFor} from '../hosts/access.js';
import type {BatchRecorder} from '../records/batch-recorder.js';
import {makeMarker, withMarker} from '../records/marker.js';
import {plannedNames, type PlannedNames} from '../records/naming.js';
import {markerSnapshot} from '../records/provenance.js';
import {byExactName, trackedCreate} from '../records/tracked-create.js';
import type {ImportPlanInput} from './types.js';

/** What the two create steps share. */
export interface CreateContext {
	recorder: BatchRecorder;
	client: ReturnType<typeof hostClientFor>;
	batchId: string;
	names: PlannedNames;
	input: ImportPlanInput;
	pack: ImportPlanInput['pack'];
}

/** create_group: recorded pending with its marker before the request (docs/domain.md, write-ahead records). */
export async function createGroup(c: CreateContext, planned: unknown) {
	const {recorder, client, batchId, names, input, pack} = c;
	const marker = makeMarker(batchId);
	const body = {
		name: names.group,
		description: withMarker(pack.group_template.description, marker),
		platform: 'openai',
		rate_multiplier: pack.group_template.rate_multiplier,
		is_exclusive: input.accessMode === 'self_service',
		subscription_type:
			input.accessMode === 'subscription' ? ('subscription' as const) : ('standard' as const),
	};
	const made = await trackedCreate(
		recorder,
		'group',
		names.group,
		{
			name: body.name,
			platform: body.platform,
			subscription_type: body.subscription_type,
			is_exclusive: body.is_exclusive,
			status: 'active',
			...markerSnapshot(marker),
		},
		() => client.createGroup(body),
		async () =>
			byExactName((await client.listGroups({search: names.group, page_size: 100})).items, names.group),
	);
	return {
		status: 'ok' as const,
		message: `group ${names.group} (id ${made.id}, ${body.subscription_type})`,
		value: made,
		evidence: {planned, group: made},
	};
}

/** create_account: bound to the new group explicitly, carrying the model mapping. */
export async function createAccount(c: CreateContext, groupId: number, mapping: Record<string, string>) {
	const {recorder, client, batchId, names, input, pack} = c;
	const choice = {mapping};
	const marker = makeMarker(batchId);
	const body = {
		name: names.account,
		notes: withMarker('imported by crm', marker),
		platform: 'openai',
		type: 'apikey',
		credentials: {api_key: input.key, base_url: input.baseUrl, model_mapping: choice.mapping},
		extra: {openai_responses_mode: 'force_chat_completions'},
		concurrency: pack.account_template.concurrency,
		priority: pack.account_template.priority,
		group_ids: [groupId],
	};
	const made = await trackedCreate(
		recorder,
		'account',
		names.account,
		{
			name: body.name,
			platform: body.platform,
			type: body.type,
			status: 'active',
			group_ids: [String(groupId)],
			base_url: input.baseUrl,
			model_mapping: choice.mapping,
			openai_responses_mode: 'force_chat_completions',
			...markerSnapshot(marker),
		},
		() => client.createAccount(body, {idempotencyKey: `${batchId}-account`}),
		async () =>
			byExactName((await client.listAccounts({search: names.account, page_size: 100})).items, names.account),
	);
	return {
		status: 'ok' as const,
		message: `account ${names.account} (id ${made.id}) with ${Object.keys(choice.mapping).length} models, bound to group ${groupId}`,
		value: made,
		evidence: {account: made},
	};
}

/** plan: the names, moved past any a live group (or an old host's reservation) already holds. */
export async function planStep(
	client: ReturnType<typeof hostClientFor>,
	host: ImportPlanInput['host'],
	pack: string,
	batchId: string,
	progress: (m: string) => void,
	/** What the host probe's search for the first name found (null: it did not search). */
	searched: Array<{name: string}> | null = null,
) {
	// Old hosts keep deleted group names reserved: pick a name no group (live) uses; a reserved one
	// still answers 409 at create, so the suffix also moves on then (see create_group's lookup).
	let names: PlannedNames = plannedNames(host, pack, batchId);
	for (let attempt = 1; attempt < 5; attempt++) {
		progress(`checking that ${names.group} is free`);
		const found =
			attempt === 1 && searched
				? searched
				: (await client.listGroups({search: names.group, page_size: 100})).items;
		const taken = byExactName(found, names.group).length > 0;
		if (!taken) break;
		names = plannedNames(host, pack, batchId, attempt);
	}
	return {
		status: 'ok' as const,
		message: `will create group and account ${names.group}, user ${names.user_email}, key ${names.key}`,
		value: names,
		evidence: names,
	};
}
