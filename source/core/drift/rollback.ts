// Rollback (docs/domain.md, rollback): delete exactly a batch's recorded resources, children first
// (key, subscription, user, account, group). Each is read back first and deleted only when every
// field of its snapshot that makes it what it is still matches (name, type, platform, exclusivity,
// subscription type, groups, base URL, owner, marker); a changed one is skipped and reported with
// its fields unless --force. `unknown` records (a lost create answer no marker proved) are never
// deleted. Never deletes by name match. Re-runnable.
import {resourceKey, type ResourceRecord, type ResourceType} from '../../store/schema.js';
import {adminUrl} from '../hosts/addresses.js';
import type {StateStore} from '../../store/state-store.js';
import {BatchRecorder} from '../records/batch-recorder.js';
import {HostError} from '../../host/errors.js';
import {CrmError} from '../../lib/errors.js';
import {shown} from '../input/validate.js';
import type {EventSink} from '../pipeline/events.js';
import {hostClientFor, type Operator} from '../hosts/access.js';
import {readLive, userClientFor} from '../hosts/reads.js';
import {describeChanges, identityChanges, type FieldChange} from './compare.js';
import {recheckUnknown, recoverDeadBatches, resolvePending} from '../records/recovery.js';
import {StepRunner} from '../pipeline/steps.js';
import {withDefaults} from '../pipeline/timing.js';

const ORDER: ResourceType[] = ['api_key', 'subscription', 'user', 'account', 'group'];

export interface PlanItem {
	resource_type: ResourceType;
	host_resource_id: string | null;
	name: string;
	action: 'delete' | 'keep' | 'done';
	reason: string;
}

export interface RollbackPlan {
	batch_id: string;
	plan: PlanItem[];
	/** True when each record was read back from the host (reads only), as the rollback will. */
	checked_on_host: boolean;
	/** Why the plan is only as recorded (the host could not be read), else null. */
	note: string | null;
}

export interface RollbackItem {
	resource_type: ResourceType;
	host_resource_id: string | null;
	name: string;
	detail: string;
	/** The snapshot fields that differ on the host (empty when none do). */
	fields: string[];
}

export interface RollbackResult {
	batch_id: string;
	deleted: RollbackItem[];
	skipped: RollbackItem[];
	failed: RollbackItem[];
	batch_status: string;
}

function sortForDelete(resources: ResourceRecord[]): ResourceRecord[] {
	// Reverse dependency order; within a type, newest first.
	return [...resources].sort(
		(a, b) =>
			ORDER.indexOf(a.resource_type) - ORDER.indexOf(b.resource_type) ||
			(a.created_at < b.created_at ? 1 : -1),
	);
}

function otherLiveUse(store: StateStore, batchId: string, r: ResourceRecord): string | null {
	if (r.resource_type !== 'user' || !r.host_resource_id) return null;
	const hostId = store.data.batches.find((b) => b.batch_id === batchId)?.host_id;
	const owner = hostId ? store.resources.owner(resourceKey(hostId, 'user', r.host_resource_id)) : undefined;
	return owner && owner !== batchId ? owner : null;
}

function planItem(store: StateStore, batchId: string, r: ResourceRecord): PlanItem {
	const base = {resource_type: r.resource_type, host_resource_id: r.host_resource_id, name: r.name};
	if (r.status === 'deleted' || r.status === 'gone')
		return {...base, action: 'done', reason: `already ${r.status}`};
	if (r.status === 'unknown')
		return {
			...base,
			action: 'keep',
			reason: `unknown: its create's answer was lost and nothing proves the host's same-named ${r.resource_type}${r.candidate_id ? ` ${r.candidate_id}` : ''} this batch's; never deleted (crm adopt records it)`,
		};
	if (!r.owned)
		return {...base, action: 'keep', reason: 'an existing user this batch only used (--user): never deleted'};
	const other = otherLiveUse(store, batchId, r);
	if (other) return {...base, action: 'keep', reason: `still used by batch ${other}`};
	if (r.status === 'pending')
		return {
			...base,
			action: 'delete',
			reason: 'pending: resolved by its name and marker first, then deleted if proven',
		};
	return {...base, action: 'delete', reason: 'recorded by this batch'};
}

export async function loadBatchForRollback(store: StateStore, batchId: string | undefined) {
	if (!batchId)
		throw new CrmError('invalid_input', (f) => `${f} is required (see crm batches)`, {field: 'batch'});
	const index = store.data.batches.find((b) => b.batch_id === batchId);
	if (!index)
		throw new CrmError('invalid_input', `no batch ${shown(batchId)}; see crm batches`, {field: 'batch'});
	const file = await store.readBatch(batchId);
	const resources = (file?.resources ?? []).filter((r) => r.status !== 'failed');
	if (resources.length === 0) {
		throw new CrmError(
			'operation_failed',
			`batch ${batchId} recorded no resources, so there is nothing to roll back; nothing is ever deleted by name`,
		);
	}
	return {index, file: file!};
}

export async function planRollback(store: StateStore, batchId: string | undefined): Promise<RollbackPlan> {
	const {file} = await loadBatchForRollback(store, batchId);
	const live = file.resources.filter((r) => r.status !== 'failed');
	return {
		batch_id: file.batch_id,
		plan: sortForDelete(live).map((r) => planItem(store, file.batch_id, r)),
		checked_on_host: false,
		note: null,
	};
}

export interface PlanCheckOptions {
	operator?: Operator;
	signal: AbortSignal;
	timeoutMs?: number;
	force?: boolean;
}

/**
 * The plan checked against the host with reads only (nothing changes there or in state): a record
 * already gone is `done`; one whose snapshot fields changed, or whose delete would take a kept child
 * with it, is `keep` unless `force` — what the rollback itself will decide. A host that cannot be
 * read leaves the plan as recorded, with a note saying so.
 */
export async function planRollbackOnHost(
	store: StateStore,
	batchId: string | undefined,
	o: PlanCheckOptions,
): Promise<RollbackPlan> {
	const recorded = await planRollback(store, batchId);
	const {index, file} = await loadBatchForRollback(store, batchId);
	const host = store.data.hosts.find((h) => h.host_id === index.host_id);
	if (!host) return {...recorded, note: `the batch's host ${index.host_id} is no longer registered`};
	const client = hostClientFor(host, {operator: o.operator, signal: o.signal, timeoutMs: o.timeoutMs, store});
	const kept = file.resources.filter((r) => r.status === 'unknown');
	const plan: PlanItem[] = [];
	try {
		for (const r of sortForDelete(file.resources.filter((x) => x.status !== 'failed'))) {
			const item = planItem(store, file.batch_id, r);
			if (item.action !== 'delete' || r.status !== 'created') {
				plan.push(item);
				continue;
			}
			const live = await readLive(client, r, file.resources);
			if (!live) {
				plan.push({...item, action: 'done', reason: 'already gone on the host'});
				continue;
			}
			const changes = identityChanges(r, live);
			const cannot = forceCannotDelete(r, changes);
			if (cannot) {
				kept.push(r);
				plan.push({
					...item,
					action: 'keep',
					reason: `changed on the host (${describeChanges(changes)}): ${cannot}`,
				});
				continue;
			}
			const child = o.force ? null : keptChild(r, kept);
			if ((changes.length > 0 && !o.force) || child) {
				kept.push(r);
				const why = child
					? `deleting it would take the ${child.resource_type} ${child.host_resource_id ?? child.candidate_id ?? ''} kept above with it`
					: `changed on the host (${describeChanges(changes)})`;
				plan.push({...item, action: 'keep', reason: `${why}: kept (--force deletes it anyway)`});
				continue;
			}
			const forced =
				changes.length > 0
					? `changed on the host (${describeChanges(changes)}); deleted anyway (--force)`
					: null;
			plan.push(forced ? {...item, reason: forced} : item);
		}
	} catch (error) {
		if (o.signal.aborted) throw error;
		const message = error instanceof Error ? error.message : String(error);
		return {...recorded, note: `the host could not be read (${message}): this plan is as recorded`};
	}
	return {batch_id: file.batch_id, plan, checked_on_host: true, note: null};
}

export interface RollbackOptions {
	store: StateStore;
	batchId: string | undefined;
	sink: EventSink;
	signal: AbortSignal;
	operator: Operator;
	timing?: {requestTimeoutMs?: number};
	/** Delete resources whose snapshot fields changed on the host too (never `unknown` ones). */
	force?: boolean;
}

export async function runRollback(o: RollbackOptions): Promise<RollbackResult> {
	const {store} = o;
	await recoverDeadBatches(store);
	const {index} = await loadBatchForRollback(store, o.batchId);
	const result: RollbackResult = {
		batch_id: index.batch_id,
		deleted: [],
		skipped: [],
		failed: [],
		batch_status: index.batch_status,
	};
	if (index.batch_status === 'rolled_back') return result;
	if (index.batch_status === 'running') {
		throw new CrmError(
			'operation_failed',
			`batch ${index.batch_id} is still running (pid ${index.pid}); stop it first`,
		);
	}
	const host = store.data.hosts.find((h) => h.host_id === index.host_id);
	if (!host)
		throw new CrmError(
			'invalid_input',
			`batch ${index.batch_id}'s host ${index.host_id} is no longer registered`,
			{field: 'batch'},
		);
	const timeoutMs = withDefaults(o.timing).requestTimeoutMs;
	const client = hostClientFor(host, {operator: o.operator, signal: o.signal, timeoutMs, store});
	const secrets = store.data.batch_secrets[index.batch_id];
	const runner = new StepRunner(o.sink, o.signal);
	await runner.run('rollback', async (api) => {
		await resolvePending(store, host, client);
		const recorder = await BatchRecorder.open(store, index.batch_id);
		await recheckUnknown(client, recorder);
		const userClient = userClientFor(adminUrl(host), secrets, timeoutMs, o.signal);
		let hostGone: string | null = null;
		// Records left on the host because they changed or are unknown: their parents stay too.
		const kept: ResourceRecord[] = [];
		for (const r of sortForDelete(recorder.file.resources.filter((x) => x.status !== 'failed'))) {
			api.throwIfStopped();
			const item = {resource_type: r.resource_type, host_resource_id: r.host_resource_id, name: r.name};
			const plan = planItem(store, index.batch_id, r);
			if (plan.action === 'done') continue;
			if (plan.action === 'keep' || r.status === 'pending') {
				if (r.status === 'unknown') kept.push(r);
				result.skipped.push({
					...item,
					detail:
						r.status === 'pending'
							? 'still pending: its create could not be resolved on the host'
							: plan.reason,
					fields: [],
				});
				continue;
			}
			try {
				const live = await readLive(client, r, recorder.file.resources);
				if (!live) {
					r.status = 'gone';
					r.deleted_at = new Date().toISOString();
					r.deleted_by = 'rollback (already gone on the host)';
					result.deleted.push({...item, detail: 'already gone on the host', fields: []});
					await recorder.flushBatch();
					continue;
				}
				const changes = identityChanges(r, live);
				const fields = changes.map((c) => c.field);
				const cannot = forceCannotDelete(r, changes);
				if (cannot) {
					kept.push(r);
					result.skipped.push({
						...item,
						detail: `the host's ${r.resource_type} ${r.host_resource_id} no longer matches its record (${describeChanges(changes)}); ${cannot}`,
						fields,
					});
					continue;
				}
				if (changes.length > 0 && !o.force) {
					kept.push(r);
					result.skipped.push({
						...item,
						detail: `the host's ${r.resource_type} ${r.host_resource_id} no longer matches its record (${describeChanges(changes)}); not deleted (--force deletes it anyway)`,
						fields,
					});
					continue;
				}
				const child = o.force ? null : keptChild(r, kept);
				if (child) {
					kept.push(r);
					result.skipped.push({
						...item,
						detail: `kept: deleting it would take the ${child.resource_type} ${child.host_resource_id ?? child.candidate_id ?? ''} skipped above with it (--force deletes it anyway)`,
						fields,
					});
					continue;
				}
				api.progress(`deleting ${r.resource_type} ${r.host_resource_id} ${r.name}`);
				await deleteOne(client, userClient, r);
				r.status = 'deleted';
				r.deleted_at = new Date().toISOString();
				r.deleted_by = `crm rollback${changes.length > 0 ? ' --force' : ''} (pid ${process.pid})`;
				result.deleted.push({
					...item,
					detail:
						changes.length > 0
							? `deleted although changed (--force): ${describeChanges(changes)}`
							: 'deleted',
					fields,
				});
				await recorder.flushBatch();
			} catch (error) {
				if (o.signal.aborted) throw error;
				result.failed.push({
					...item,
					detail: error instanceof Error ? error.message : String(error),
					fields: [],
				});
				// A host that does not answer (timeout, unreachable) would cost a full timeout per
				// remaining resource: stop here; they stay recorded and a rerun finishes them.
				if (hostUnreachable(error)) {
					hostGone = error instanceof Error ? error.message : String(error);
					break;
				}
			}
		}
		const remaining = recorder.file.resources.filter(
			(r) => r.status === 'created' || r.status === 'pending' || r.status === 'unknown',
		);
		const keptByDesign = remaining.filter((r) => !r.owned);
		index.batch_status = remaining.length === keptByDesign.length ? 'rolled_back' : 'partial';
		index.provider_status = null;
		if (index.batch_status === 'rolled_back') {
			index.access_status = 'pending';
			// A kept provider key served balance reads and health checks of this batch: no longer needed.
			const kept = o.store.data.batch_secrets[index.batch_id];
			if (kept?.provider_key) kept.provider_key = null;
		}
		index.updated_at = new Date().toISOString();
		await recorder.flush();
		result.batch_status = index.batch_status;
		const message = `${result.deleted.length} deleted, ${result.skipped.length} skipped, ${result.failed.length} failed${hostGone ? ` (stopped: the host did not answer: ${hostGone})` : ''}`;
		return {
			status: result.failed.length || result.skipped.length ? 'warn' : 'ok',
			message,
			value: null,
			evidence: result,
		};
	});
	return result;
}

/**
 * A kept record the host would delete along with `r`: deleting a user deletes its keys (recent
 * builds), deleting a group deletes its subscriptions and unbinds its keys (every build).
 */
function keptChild(r: ResourceRecord, kept: ResourceRecord[]): ResourceRecord | null {
	const id = r.host_resource_id;
	const field = r.resource_type === 'user' ? 'user_id' : r.resource_type === 'group' ? 'group_id' : null;
	if (!id || !field) return null;
	const types = r.resource_type === 'user' ? ['api_key'] : ['api_key', 'subscription'];
	return kept.find((k) => types.includes(k.resource_type) && String(k.snapshot[field] ?? '') === id) ?? null;
}

/**
 * A change not even --force overrides: a key whose owner changed. The host deletes a key only for its
 * owner (there is no admin route; docs/domain.md "Rollback"), so the tool's user cannot delete it and
 * asking would only be refused; it is left to its new owner.
 */
function forceCannotDelete(r: ResourceRecord, changes: FieldChange[]): string | null {
	if (r.resource_type !== 'api_key') return null;
	const owner = changes.find((c) => c.field === 'user_id');
	if (!owner) return null;
	return `not deleted, not even with --force: the host lets only a key's owner delete it, and it now belongs to user ${String(owner.new)} (delete it as that user if it should go)`;
}

/** No answer at all (after the transport's own retries): asking again now would only wait again. */
export function hostUnreachable(error: unknown): boolean {
	return error instanceof HostError && (error.kind === 'timeout' || error.kind === 'network');
}

async function deleteOne(
	client: ReturnType<typeof hostClientFor>,
	userClient: ReturnType<typeof userClientFor>,
	r: ResourceRecord,
): Promise<void> {
	const id = r.host_resource_id!;
	switch (r.resource_type) {
		case 'api_key':
			if (!userClient)
				throw new Error(
					'the managed user password is not in state, so its key cannot be deleted through the user plane',
				);
			await userClient.login();
			await userClient.deleteKey(id);
			return;
		case 'subscription':
			return client.revokeSubscription(id);
		case 'user':
			return client.deleteUser(id);
		case 'account':
			return client.deleteAccount(id);
		case 'group':
			return client.deleteGroup(id);
	}
}
