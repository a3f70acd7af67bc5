// Rollback (DOMAIN.md rule 4): delete exactly a batch's recorded resources, children first (key,
// subscription, user, account, group). Each is read back first and deleted only when it is still the
// one recorded; a mismatch is skipped and reported. Never deletes by name match. Re-runnable.
import {resourceKey, type ResourceRecord, type ResourceType} from '../../store/schema.js';
import type {StateStore} from '../../store/state-store.js';
import {BatchRecorder} from '../records/batch-recorder.js';
import {HostError} from '../../host/errors.js';
import {CrmError} from '../../lib/errors.js';
import {shown} from '../input/validate.js';
import type {EventSink} from '../pipeline/events.js';
import {hostClientFor, hostSecrets, type Operator} from '../hosts/access.js';
import {readLive, sameResource, userClientFor} from '../hosts/reads.js';
import {recoverDeadBatches, resolvePending} from '../records/recovery.js';
import {StepRunner} from '../pipeline/steps.js';

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
}

export interface RollbackItem {
	resource_type: ResourceType;
	host_resource_id: string | null;
	name: string;
	detail: string;
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
	if (!r.owned)
		return {...base, action: 'keep', reason: 'an existing user this batch only used (--user): never deleted'};
	const other = otherLiveUse(store, batchId, r);
	if (other) return {...base, action: 'keep', reason: `still used by batch ${other}`};
	if (r.status === 'pending')
		return {...base, action: 'delete', reason: 'pending: resolved by its name first, then deleted if found'};
	return {...base, action: 'delete', reason: 'recorded by this batch'};
}

export async function loadBatchForRollback(store: StateStore, batchId: string | undefined) {
	if (!batchId)
		throw new CrmError('invalid_input', '--batch is required (see crm batches)', {field: '--batch'});
	const index = store.data.batches.find((b) => b.batch_id === batchId);
	if (!index)
		throw new CrmError('invalid_input', `no batch ${shown(batchId)}; see crm batches`, {field: '--batch'});
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
	return {batch_id: file.batch_id, plan: sortForDelete(live).map((r) => planItem(store, file.batch_id, r))};
}

export interface RollbackOptions {
	store: StateStore;
	batchId: string | undefined;
	sink: EventSink;
	signal: AbortSignal;
	operator: Operator;
	timing?: {requestTimeoutMs?: number};
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
			{field: '--batch'},
		);
	const timeoutMs = o.timing?.requestTimeoutMs ?? 15_000;
	const client = hostClientFor(host, {operator: o.operator, signal: o.signal, timeoutMs, store});
	const secrets = store.data.batch_secrets[index.batch_id];
	const runner = new StepRunner(o.sink, o.signal);
	await runner.run('rollback', async (api) => {
		await resolvePending(store, host, client);
		const recorder = await BatchRecorder.open(store, index.batch_id, [
			...hostSecrets(host),
			secrets?.user_password ?? '',
			secrets?.user_key ?? '',
		]);
		const userClient = userClientFor(host.url, secrets, timeoutMs, o.signal);
		let hostGone: string | null = null;
		for (const r of sortForDelete(recorder.file.resources.filter((x) => x.status !== 'failed'))) {
			api.throwIfStopped();
			const item = {resource_type: r.resource_type, host_resource_id: r.host_resource_id, name: r.name};
			const plan = planItem(store, index.batch_id, r);
			if (plan.action === 'done') continue;
			if (plan.action === 'keep' || r.status === 'pending') {
				result.skipped.push({
					...item,
					detail:
						r.status === 'pending'
							? 'still pending: its create could not be resolved on the host'
							: plan.reason,
				});
				continue;
			}
			try {
				const live = await readLive(client, r, recorder.file.resources);
				if (!live) {
					r.status = 'gone';
					r.deleted_at = new Date().toISOString();
					r.deleted_by = 'rollback (already gone on the host)';
					result.deleted.push({...item, detail: 'already gone on the host'});
					await recorder.flushBatch();
					continue;
				}
				if (!sameResource(r, live)) {
					result.skipped.push({
						...item,
						detail: `the host's ${r.resource_type} ${r.host_resource_id} no longer matches the record (now "${String(live.name ?? live.email ?? '?')}"); not deleted`,
					});
					continue;
				}
				api.progress(`deleting ${r.resource_type} ${r.host_resource_id} ${r.name}`);
				await deleteOne(client, userClient, r);
				r.status = 'deleted';
				r.deleted_at = new Date().toISOString();
				r.deleted_by = `crm rollback (pid ${process.pid})`;
				result.deleted.push({...item, detail: 'deleted'});
				await recorder.flushBatch();
			} catch (error) {
				if (o.signal.aborted) throw error;
				result.failed.push({...item, detail: error instanceof Error ? error.message : String(error)});
				// A host that does not answer (timeout, unreachable) would cost a full timeout per
				// remaining resource: stop here; they stay recorded and a rerun finishes them.
				if (hostUnreachable(error)) {
					hostGone = error instanceof Error ? error.message : String(error);
					break;
				}
			}
		}
		const remaining = recorder.file.resources.filter((r) => r.status === 'created' || r.status === 'pending');
		const keptByDesign = remaining.filter((r) => !r.owned);
		index.batch_status = remaining.length === keptByDesign.length ? 'rolled_back' : 'partial';
		index.provider_status = null;
		if (index.batch_status === 'rolled_back') index.access_status = 'pending';
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
