// Reconcile (docs/domain.md, drift): read every recorded resource back from the host and report it
// present, missing, changed (a field of its snapshot differs, as `field: old -> new`), unknown (its
// create's answer was lost and no marker proves it ours) or, host-wide only, unmanaged (named like
// ours but unknown to state). Reads only on the host; each run is stored with its batch_id.
import {randomBytes} from 'node:crypto';
import type {HostClient} from '../../host/client.js';
import type {BatchFile, HostRecord, ReconcileItem, ReconcileRun, ResourceRecord} from '../../store/schema.js';
import {resourceKey} from '../../store/schema.js';
import type {StateStore} from '../../store/state-store.js';
import {countItems} from '../../store/migrations.js';
import {CrmError} from '../../lib/errors.js';
import {shown} from '../input/validate.js';
import type {EventSink} from '../pipeline/events.js';
import {hostClientFor, type Operator} from '../hosts/access.js';
import {readLive, type LiveResource} from '../hosts/reads.js';
import {describeChanges, fieldChanges} from './compare.js';
import {resolveHost} from '../hosts/lookup.js';
import {isOurName} from '../records/naming.js';
import {recheckUnknown, recoverDeadBatches, resolvePending} from '../records/recovery.js';
import {BatchRecorder} from '../records/batch-recorder.js';
import {StepRunner} from '../pipeline/steps.js';

export interface ReconcileOptions {
	store: StateStore;
	hostRef: string | undefined;
	batchId?: string;
	sink: EventSink;
	signal: AbortSignal;
	operator: Operator;
	timing?: {requestTimeoutMs?: number};
}

export interface ReconcileResult {
	run_id: string;
	host_id: string;
	batch_id: string | null;
	reconcile_status: 'in_sync' | 'drifted';
	items: ReconcileItem[];
}

function judge(r: ResourceRecord, live: LiveResource | null, batchId: string): ReconcileItem {
	const base = {
		resource_type: r.resource_type,
		host_resource_id: r.host_resource_id,
		name: r.name,
		batch_id: batchId,
	};
	if (!live)
		return {...base, state: 'missing', detail: 'not on the host (deleted or soft-deleted)', fields: []};
	const changes = fieldChanges(r, live);
	if (changes.length === 0) return {...base, state: 'present', detail: 'as recorded', fields: []};
	return {...base, state: 'changed', detail: describeChanges(changes), fields: changes.map((c) => c.field)};
}

/** A record whose create answer was lost and that the host could not prove ours. */
function judgeUnknown(r: ResourceRecord, batchId: string): ReconcileItem {
	const candidate = r.candidate_id ?? null;
	return {
		resource_type: r.resource_type,
		host_resource_id: null,
		name: r.name,
		state: 'unknown',
		detail: candidate
			? `its create's answer was lost and the host's same-named ${r.resource_type} ${candidate} lacks this record's marker: not proven this batch's, never deleted; if it is, record it with crm adopt --batch ${batchId} --type ${r.resource_type} --id ${candidate}`
			: "its create's answer was lost and nothing on the host proves it this batch's; never deleted",
		fields: [],
		batch_id: batchId,
	};
}

export async function listAll<T>(
	fetchPage: (page: number) => Promise<{items: T[]; pages: number}>,
	max = 50,
): Promise<T[]> {
	const out: T[] = [];
	for (let page = 1; page <= max; page++) {
		const res = await fetchPage(page);
		for (const item of res.items) out.push(item);
		if (page >= res.pages || res.items.length === 0) break;
	}
	return out;
}

/** Host resources named like ours that state does not know. */
async function findUnmanaged(
	client: HostClient,
	host: HostRecord,
	store: StateStore,
): Promise<ReconcileItem[]> {
	const known = (type: 'group' | 'account' | 'user', id: string | number) =>
		Boolean(store.resources.owner(resourceKey(host.host_id, type, String(id))));
	const items: ReconcileItem[] = [];
	const groups = await listAll((page) => client.listGroups({search: host.prefix, page, page_size: 100}));
	for (const g of groups) {
		if (isOurName(host, g.name) && !known('group', g.id)) {
			items.push({
				resource_type: 'group',
				host_resource_id: String(g.id),
				name: g.name,
				state: 'unmanaged',
				batch_id: null,
				detail: "named like this tool's groups but not in state (residue of an old or crashed run)",
				fields: [],
			});
		}
	}
	const accounts = await listAll((page) => client.listAccounts({search: host.prefix, page, page_size: 100}));
	for (const a of accounts) {
		if (isOurName(host, a.name) && !known('account', a.id)) {
			items.push({
				resource_type: 'account',
				host_resource_id: String(a.id),
				name: a.name,
				state: 'unmanaged',
				batch_id: null,
				detail: "named like this tool's accounts but not in state",
				fields: [],
			});
		}
	}
	const users = await listAll((page) =>
		client.listUsers({search: `@${host.user_domain}`, page, page_size: 100}),
	);
	for (const u of users) {
		if (u.email.endsWith(`@${host.user_domain}`) && isOurName(host, u.email) && !known('user', u.id)) {
			items.push({
				resource_type: 'user',
				host_resource_id: String(u.id),
				name: u.email,
				state: 'unmanaged',
				batch_id: null,
				detail: 'a managed-user email not in state',
				fields: [],
			});
		}
	}
	return items;
}

/** A host-wide run's verdict per batch, kept in the index so status judges each provider by its own. */
function batchesWith(items: ReconcileItem[]): {drifted_batches: string[]; missing_batches: string[]} {
	const of = (keep: (i: ReconcileItem) => boolean) => [
		...new Set(items.filter((i) => keep(i) && i.batch_id).map((i) => i.batch_id!)),
	];
	return {
		drifted_batches: of((i) => i.state !== 'present'),
		missing_batches: of((i) => i.state === 'missing'),
	};
}

export async function runReconcile(o: ReconcileOptions): Promise<ReconcileResult> {
	const {store} = o;
	const host = resolveHost(store.data, o.hostRef);
	if (o.batchId) {
		const b = store.data.batches.find((x) => x.batch_id === o.batchId);
		if (!b)
			throw new CrmError('invalid_input', `no batch ${shown(o.batchId)}; see crm batches`, {
				field: 'batch',
			});
		if (b.host_id !== host.host_id)
			throw new CrmError('invalid_input', `batch ${o.batchId} belongs to another host`, {field: 'batch'});
	}
	const runner = new StepRunner(o.sink, o.signal);
	const client = hostClientFor(host, {
		operator: o.operator,
		signal: o.signal,
		timeoutMs: o.timing?.requestTimeoutMs,
		store,
	});
	await recoverDeadBatches(store);
	const items: ReconcileItem[] = [];
	const files: BatchFile[] = [];
	await runner.run('reconcile', async (api) => {
		await resolvePending(store, host, client);
		const batches = store.data.batches.filter(
			(b) =>
				b.host_id === host.host_id &&
				(o.batchId ? b.batch_id === o.batchId : b.batch_status !== 'rolled_back'),
		);
		for (const b of batches) {
			api.throwIfStopped();
			let file = await store.readBatch(b.batch_id);
			if (!file) continue;
			if (file.resources.some((r) => r.status === 'unknown')) {
				const recorder = await BatchRecorder.open(store, b.batch_id);
				await recheckUnknown(client, recorder);
				file = recorder.file;
			}
			files.push(file);
			const live = file.resources.filter((r) => r.status === 'created');
			api.progress(`batch ${b.batch_id}: reading ${live.length} resources`);
			for (const r of live) items.push(judge(r, await readLive(client, r, file.resources), b.batch_id));
			for (const r of file.resources) if (r.status === 'unknown') items.push(judgeUnknown(r, b.batch_id));
		}
		if (!o.batchId) {
			api.progress('looking for unmanaged residue');
			for (const item of await findUnmanaged(client, host, store)) items.push(item);
		}
		const drifted = items.filter((i) => i.state !== 'present').length;
		return {
			status: drifted ? 'warn' : 'ok',
			message: drifted ? `${drifted} of ${items.length} items drifted` : `${items.length} items in sync`,
			value: null,
		};
	});
	const run: ReconcileRun = {
		run_id: `r${new Date()
			.toISOString()
			.replace(/[-:.TZ]/g, '')
			.slice(0, 14)}-${randomBytes(3).toString('hex')}`,
		host_id: host.host_id,
		batch_id: o.batchId ?? null,
		reconcile_status: items.some((i) => i.state !== 'present') ? 'drifted' : 'in_sync',
		at: new Date().toISOString(),
		items,
	};
	if (o.batchId) {
		const file = files[0];
		if (file) {
			file.reconcile_runs.push(run);
			await store.writeBatch(file);
		}
	} else {
		await store.writeHostRun(run);
	}
	store.data.reconcile_runs.push({
		run_id: run.run_id,
		host_id: run.host_id,
		batch_id: run.batch_id,
		reconcile_status: run.reconcile_status,
		at: run.at,
		counts: countItems(run),
		...(o.batchId ? {} : batchesWith(items)),
	});
	await store.write();
	return {
		run_id: run.run_id,
		host_id: host.host_id,
		batch_id: run.batch_id,
		reconcile_status: run.reconcile_status,
		items,
	};
}
