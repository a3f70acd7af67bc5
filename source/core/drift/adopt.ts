// Adopt (docs/domain.md, rollback): the operator records a host resource as a batch's explicitly,
// typically the same-named resource an `unknown` record points at. The resource is read and shown
// first; only a confirmation records it. Its snapshot is taken from what the host shows, so later
// reconciles and rollbacks judge it against that.
import {CrmError} from '../../lib/errors.js';
import {resourceKey, RESOURCE_TYPES, type ResourceRecord, type ResourceType} from '../../store/schema.js';
import type {StateStore} from '../../store/state-store.js';
import {hostClientFor, type Operator} from '../hosts/access.js';
import {readLive, type LiveResource} from '../hosts/reads.js';
import {shown} from '../input/validate.js';
import {BatchRecorder} from '../records/batch-recorder.js';
import {liveMarker, markerText} from '../records/marker.js';

export interface AdoptOptions {
	store: StateStore;
	batchId: string | undefined;
	type: string | undefined;
	id: string | undefined;
	signal: AbortSignal;
	operator: Operator;
	timing?: {requestTimeoutMs?: number};
	/** Shown the resource; true records it. */
	confirm: (found: AdoptFound) => Promise<boolean>;
}

export interface AdoptFound {
	batch_id: string;
	resource_type: ResourceType;
	host_resource_id: string;
	name: string;
	/** What will be recorded as its snapshot (what the host shows now). */
	snapshot: Record<string, unknown>;
	/** The batch's `unknown` record this resolves, if any. */
	replaces_unknown: boolean;
}

export interface AdoptResult extends AdoptFound {
	adopted: boolean;
}

/** Checks the input without touching state or the host (exit 2 naming the field). */
export function checkAdoptInput(
	batchId: string | undefined,
	type: string | undefined,
	id: string | undefined,
) {
	if (!batchId)
		throw new CrmError('invalid_input', (f) => `${f} is required (see crm batches)`, {field: 'batch'});
	if (!type || !(RESOURCE_TYPES as readonly string[]).includes(type))
		throw new CrmError('invalid_input', (f) => `${f} must be one of ${RESOURCE_TYPES.join(', ')}`, {
			field: 'type',
		});
	if (!id || !/^\d{1,18}$/.test(id))
		throw new CrmError('invalid_input', (f) => `${f} must be the host resource's numeric id`, {field: 'id'});
	return {batchId, type: type as ResourceType, id};
}

const ids = (v: unknown) => (Array.isArray(v) ? v.map(String).sort() : []);
const obj = (v: unknown) => (v && typeof v === 'object' ? (v as Record<string, unknown>) : {});
const str = (v: unknown) => (v === null || v === undefined ? null : String(v));

/** The snapshot an import would have recorded, read from what the host shows. */
export function snapshotFromLive(type: ResourceType, live: LiveResource): Record<string, unknown> {
	let s: Record<string, unknown>;
	switch (type) {
		case 'group':
			s = {
				name: live.name,
				platform: live.platform,
				subscription_type: live.subscription_type,
				is_exclusive: live.is_exclusive,
				status: live.status,
			};
			break;
		case 'account':
			s = {
				name: live.name,
				platform: live.platform,
				type: live.type,
				status: live.status,
				group_ids: ids(live.group_ids),
				base_url: obj(live.credentials).base_url,
				model_mapping: obj(live.credentials).model_mapping,
				openai_responses_mode: obj(live.extra).openai_responses_mode,
			};
			break;
		case 'user':
			s = {email: live.email, allowed_groups: ids(live.allowed_groups), status: live.status};
			break;
		case 'api_key':
			s = {name: live.name, group_id: str(live.group_id), user_id: str(live.user_id)};
			break;
		case 'subscription':
			s = {
				user_id: str(live.user_id),
				group_id: str(live.group_id),
				status: live.status,
				expires_at: live.expires_at,
			};
			break;
	}
	const m = liveMarker(type, live);
	if (m !== undefined) Object.assign(s, {marker: markerText(m), nonce: m?.nonce ?? null});
	return JSON.parse(JSON.stringify(s)) as Record<string, unknown>;
}

function nameOf(type: ResourceType, live: LiveResource, unknown: ResourceRecord | undefined): string {
	if (unknown) return unknown.name;
	if (type === 'user') return String(live.email ?? '');
	if (type === 'subscription') return `subscription ${String(live.id)}`;
	return String(live.name ?? '');
}

export async function runAdopt(o: AdoptOptions): Promise<AdoptResult> {
	const {store} = o;
	const input = checkAdoptInput(o.batchId, o.type, o.id);
	const index = store.data.batches.find((b) => b.batch_id === input.batchId);
	if (!index)
		throw new CrmError('invalid_input', `no batch ${shown(input.batchId)}; see crm batches`, {
			field: 'batch',
		});
	if (index.batch_status === 'running')
		throw new CrmError('operation_failed', `batch ${index.batch_id} is still running (pid ${index.pid})`);
	const host = store.data.hosts.find((h) => h.host_id === index.host_id);
	if (!host)
		throw new CrmError(
			'invalid_input',
			`batch ${index.batch_id}'s host ${index.host_id} is no longer registered`,
			{
				field: 'batch',
			},
		);
	const owner = store.resources.owner(resourceKey(host.host_id, input.type, input.id));
	if (owner)
		throw new CrmError('invalid_input', `${input.type} ${input.id} is already recorded by batch ${owner}`, {
			field: 'id',
		});
	const recorder = await BatchRecorder.open(store, index.batch_id);
	const client = hostClientFor(host, {
		operator: o.operator,
		signal: o.signal,
		timeoutMs: o.timing?.requestTimeoutMs,
		store,
	});
	const resources = recorder.file.resources;
	const live = await readLive(client, probeRecord(input.type, input.id, resources), resources);
	if (!live) throw new CrmError('invalid_input', `the host has no ${input.type} ${input.id}`, {field: 'id'});
	const unknowns = resources.filter((r) => r.resource_type === input.type && r.status === 'unknown');
	const unknown = unknowns.find((r) => r.candidate_id === input.id) ?? unknowns[0];
	const found: AdoptFound = {
		batch_id: index.batch_id,
		resource_type: input.type,
		host_resource_id: input.id,
		name: nameOf(input.type, live, unknown),
		snapshot: snapshotFromLive(input.type, live),
		replaces_unknown: Boolean(unknown),
	};
	if (!(await o.confirm(found))) return {...found, adopted: false};
	const now = new Date().toISOString();
	const record: ResourceRecord = unknown ?? {
		resource_type: input.type,
		host_resource_id: null,
		name: found.name,
		status: 'created',
		snapshot: {},
		created_at: now,
		confirmed_at: null,
		deleted_at: null,
		deleted_by: null,
		owned: true,
	};
	if (!unknown) resources.push(record);
	Object.assign(record, {snapshot: found.snapshot, candidate_id: null, adopted_at: now});
	await recorder.confirm(record, input.id);
	// The batch holds something on the host again: a finished rollback is no longer complete.
	if (index.batch_status === 'rolled_back') index.batch_status = 'partial';
	await recorder.flush();
	return {...found, adopted: true};
}

/** A stand-in record for reading `id` (a key is read through the batch's user or group). */
function probeRecord(type: ResourceType, id: string, resources: ResourceRecord[]): ResourceRecord {
	const idOf = (t: ResourceType) =>
		resources.find((r) => r.resource_type === t && r.host_resource_id)?.host_resource_id ?? undefined;
	return {
		resource_type: type,
		host_resource_id: id,
		name: '',
		status: 'created',
		snapshot: {user_id: idOf('user'), group_id: idOf('group')},
		created_at: new Date().toISOString(),
		confirmed_at: null,
		deleted_at: null,
		deleted_by: null,
		owned: true,
	};
}
