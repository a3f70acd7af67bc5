// Auto-pause (opt-in per host, docs/domain.md "Health"): after N consecutive quota or auth failures
// the tool sets the account IT created unschedulable on the host, so the host stops routing users to
// a key that cannot answer; after a good direct check of the provider it sets it back and runs the
// smoke again. Both are recorded in the batch file (the account record's `schedulable`, which
// reconcile compares, and a tool action), so reconcile knows the tool did it. An account the
// operator changed on the host is never touched: it is left alone and the change is reported.
import type {HostClient} from '../../host/client.js';
import type {BatchIndex, HostRecord} from '../../store/schema.js';
import type {StateStore} from '../../store/state-store.js';
import {hostClientFor, type Operator} from '../hosts/access.js';
import {runSmoke, type SmokeOutcome} from '../import/smoke.js';
import type {Timing} from '../import/types.js';
import {beginAction, describeChange, endAction, liveAccount, ownAccount} from './account-actions.js';
import {gatewayAddress} from './check.js';
import {autoPauseOf, type AutoPauseSetting} from './auto-pause-setting.js';

export {autoPauseOf, type AutoPauseSetting};

export interface ActionOutcome {
	done: boolean;
	/** The account's host id, when the batch has one of its own. */
	account_id: string | null;
	detail: string;
	/** The operator had already set it back by hand (resume only): the tool's pause is over. */
	by_hand?: boolean;
	smoke?: SmokeOutcome;
}

interface ActionContext {
	store: StateStore;
	host: HostRecord;
	batchId: string;
	timing: Timing;
	operator?: Operator;
	signal: AbortSignal;
	/** For tests; built from the host record otherwise. */
	client?: HostClient;
}

function clientOf(c: ActionContext): HostClient {
	return (
		c.client ??
		hostClientFor(c.host, {
			store: c.store,
			operator: c.operator,
			signal: c.signal,
			timeoutMs: c.timing.requestTimeoutMs,
		})
	);
}

function indexOf(store: StateStore, batchId: string): BatchIndex | null {
	return store.data.batches.find((b) => b.batch_id === batchId) ?? null;
}

/** Sets the batch's own account unschedulable (the store must hold the lock). */
export async function pauseAccount(c: ActionContext, reason: string): Promise<ActionOutcome> {
	const index = indexOf(c.store, c.batchId);
	const file = await c.store.readBatch(c.batchId);
	const record = file ? ownAccount(file) : null;
	if (!index || !file || !record || index.batch_status !== 'succeeded')
		return {
			done: false,
			account_id: null,
			detail: 'the batch holds no live account this tool created; nothing paused',
		};
	const id = record.host_resource_id;
	const client = clientOf(c);
	const live = await liveAccount(client, record, true);
	if (live.kind === 'gone')
		return {done: false, account_id: id, detail: `account ${id} is gone from the host`};
	if (live.kind === 'changed') return {done: false, account_id: id, detail: describeChange(id, live.fields)};
	const entry = await beginAction(c.store, file, {
		action: 'pause',
		resource_type: 'account',
		host_resource_id: id,
		detail: reason,
	});
	const before = record.snapshot.schedulable;
	record.snapshot.schedulable = false;
	try {
		await client.setSchedulable(id, false);
	} catch (error) {
		if (before === undefined) delete record.snapshot.schedulable;
		else record.snapshot.schedulable = before;
		const why = error instanceof Error ? error.message : String(error);
		await endAction(c.store, file, entry, 'failed', `${reason}; the host refused: ${why}`);
		return {done: false, account_id: id, detail: `pausing account ${id} failed: ${why}`};
	}
	await endAction(c.store, file, entry, 'done');
	index.provider_status = 'paused';
	index.updated_at = new Date().toISOString();
	await c.store.write();
	return {done: true, account_id: id, detail: `account ${id} set unschedulable: ${reason}`};
}

/**
 * Sets the account back after a good direct check, then runs the smoke again and records it. An
 * account the operator already set back is taken as resumed by hand; any other change is left alone.
 */
export async function resumeAccount(
	c: ActionContext,
	userKey: string,
	smokeModel: string,
): Promise<ActionOutcome> {
	const index = indexOf(c.store, c.batchId);
	const file = await c.store.readBatch(c.batchId);
	const record = file ? ownAccount(file) : null;
	if (!index || !file || !record)
		return {done: false, account_id: null, detail: 'the batch holds no live account this tool created'};
	const id = record.host_resource_id;
	const client = clientOf(c);
	const live = await liveAccount(client, record, false);
	if (live.kind === 'gone')
		return {done: false, account_id: id, detail: `account ${id} is gone from the host`};
	if (live.kind === 'changed') {
		if (live.fields.length === 1 && live.fields[0] === 'schedulable') {
			record.snapshot.schedulable = true;
			const entry = await beginAction(c.store, file, {
				action: 'resume',
				resource_type: 'account',
				host_resource_id: id,
				detail: 'found schedulable again: set back by hand on the host',
			});
			await endAction(c.store, file, entry, 'done');
			return {
				done: false,
				by_hand: true,
				account_id: id,
				detail: `account ${id} was set schedulable by hand; the tool's pause is over`,
			};
		}
		return {done: false, account_id: id, detail: describeChange(id, live.fields)};
	}
	const entry = await beginAction(c.store, file, {
		action: 'resume',
		resource_type: 'account',
		host_resource_id: id,
		detail: 'a direct check of the provider passed',
	});
	record.snapshot.schedulable = true;
	let cleared = '';
	try {
		await client.setSchedulable(id, true);
		// The host set `error` itself when the provider refused the key; the key answers again now.
		if (live.live.status === 'error') {
			await client.clearAccountError(id);
			cleared = ' and its host-set error cleared';
		}
	} catch (error) {
		record.snapshot.schedulable = false;
		const why = error instanceof Error ? error.message : String(error);
		await endAction(c.store, file, entry, 'failed', `the host refused: ${why}`);
		return {done: false, account_id: id, detail: `resuming account ${id} failed: ${why}`};
	}
	await endAction(c.store, file, entry, 'done');
	const smoke = await smokeAgain(c, index, userKey, smokeModel, file);
	return {
		done: true,
		account_id: id,
		detail: `account ${id} set schedulable again${cleared}; smoke: ${smoke.access_status}`,
		smoke,
	};
}

async function smokeAgain(
	c: ActionContext,
	index: BatchIndex,
	userKey: string,
	model: string,
	file: Awaited<ReturnType<StateStore['readBatch']>> & object,
): Promise<SmokeOutcome> {
	const api = {progress: () => {}, signal: c.signal, throwIfStopped: () => {}};
	const out = await runSmoke(
		{hostUrl: gatewayAddress(c.host), userKey, model, accessMode: index.access_mode, timing: c.timing},
		api,
	);
	file.access_results.push({
		at: new Date().toISOString(),
		access_mode: index.access_mode,
		access_status: out.access_status,
		smoke_model: model,
		models_ok: out.models_ok,
		completion_ok: out.completion_ok,
		completion_status: out.completion_status,
		completion_type: out.completion_type,
		completion_preview: out.completion_preview,
		attempts: out.attempts,
	});
	await c.store.writeBatch(file);
	const ready = out.access_status.endsWith('_ready');
	index.access_status = out.access_status;
	index.provider_status = ready ? 'active' : 'degraded';
	index.updated_at = new Date().toISOString();
	await c.store.write();
	return out;
}
