// Repair where it is safe (docs/domain.md "Repair"): for a drifted batch, re-run the access closure
// and the smoke. A missing user, key or subscription is recreated (and recorded); what is intact is
// left alone. A missing or changed group or account is not repaired: roll back and import again.
import type {StateStore} from '../../store/state-store.js';
import type {ReconcileItem} from '../../store/schema.js';
import {BatchRecorder} from '../records/batch-recorder.js';
import {CrmError} from '../../lib/errors.js';
import {shown} from '../input/validate.js';
import type {EventSink} from '../pipeline/events.js';
import {hostClientFor, type Operator} from '../hosts/access.js';
import {smokeAndRecord} from '../import/smoke-record.js';
import {plannedNames} from '../records/naming.js';
import {loadPacks, findPack} from '../packs/packs.js';
import {runReconcile} from './reconcile.js';
import {StepRunner} from '../pipeline/steps.js';
import {withDefaults, type Timing} from '../pipeline/timing.js';
import {repairAccess, type Repaired} from './repair-access.js';

export interface RepairOptions {
	store: StateStore;
	batchId: string | undefined;
	sink: EventSink;
	signal: AbortSignal;
	operator: Operator;
	timing?: Partial<Timing>;
}

export interface RepairResult {
	batch_id: string;
	repaired: Repaired[];
	access_status: string;
	batch_status: string;
	completion_ok: boolean;
	completion_preview: string | null;
}

/** Recorded groups and accounts that are not on the host as recorded: repair never recreates those. */
export function notRepairable(items: ReconcileItem[]): ReconcileItem[] {
	return items.filter(
		(i) => (i.resource_type === 'group' || i.resource_type === 'account') && i.state !== 'present',
	);
}

/** Whether repair applies to a batch's reconcile: something drifted, and all of it is its access. */
export function repairApplies(items: ReconcileItem[]): boolean {
	return items.some((i) => i.state !== 'present') && notRepairable(items).length === 0;
}

function loadBatch(store: StateStore, batchId: string | undefined) {
	const index = store.data.batches.find((b) => b.batch_id === batchId);
	if (!batchId || !index)
		throw new CrmError('invalid_input', `no batch ${shown(batchId ?? '')}; see crm batches`, {
			field: 'batch',
		});
	if (index.batch_status === 'rolled_back')
		throw new CrmError('operation_failed', `batch ${index.batch_id} is rolled back; import again instead`);
	const host = store.data.hosts.find((h) => h.host_id === index.host_id);
	if (!host)
		throw new CrmError('invalid_input', `the batch's host ${index.host_id} is not registered`, {
			field: 'batch',
		});
	const pack = findPack(loadPacks(), index.pack);
	if (!pack)
		throw new CrmError('invalid_input', `pack ${index.pack} of the batch no longer loads`, {field: 'batch'});
	return {index, host, pack};
}

export async function runRepair(o: RepairOptions): Promise<RepairResult> {
	const {store} = o;
	const timing = withDefaults(o.timing);
	const {index, host, pack} = loadBatch(store, o.batchId);
	const drift = await runReconcile({
		store,
		hostRef: host.host_id,
		batchId: index.batch_id,
		sink: o.sink,
		signal: o.signal,
		operator: o.operator,
		timing,
	});
	const broken = notRepairable(drift.items);
	if (broken.length > 0) {
		throw new CrmError(
			'operation_failed',
			`not repairable in place: ${broken.map((b) => `${b.resource_type} ${b.host_resource_id} ${b.state}`).join(', ')}; roll the batch back and import again`,
		);
	}
	const secrets = store.data.batch_secrets[index.batch_id] ?? {
		user_email: null,
		user_password: null,
		user_key: null,
	};
	const recorder = await BatchRecorder.open(store, index.batch_id);
	const client = hostClientFor(host, {
		operator: o.operator,
		signal: o.signal,
		timeoutMs: timing.requestTimeoutMs,
		store,
	});
	const runner = new StepRunner(o.sink, o.signal);
	const group = recorder.file.resources.find((r) => r.resource_type === 'group' && r.status === 'created')!;
	const repaired: Repaired[] = [];
	const userKey = await runner.run('access_closure', (api) =>
		repairAccess(
			{
				client,
				recorder,
				host,
				index,
				pack,
				groupId: Number(group.host_resource_id),
				names: {...plannedNames(host, pack.id, index.batch_id), group: group.name},
				secrets,
				drift: drift.items,
				timeoutMs: timing.requestTimeoutMs,
			},
			api,
			repaired,
		),
	);

	const smokeModel = String(recorder.file.summary?.smoke_model ?? pack.smoke_test_model ?? '');
	const {outcome: smoke, error} = await smokeAndRecord({
		runner,
		recorder,
		hostUrl: host.url,
		userKey,
		model: smokeModel,
		accessMode: index.access_mode,
		timing,
		notReady: 'warn',
	});
	if (!smoke) throw error;
	const ready = smoke.access_status.endsWith('_ready');
	index.access_status = smoke.access_status;
	index.batch_status = ready ? 'succeeded' : 'failed';
	index.provider_status = ready ? 'active' : 'broken';
	index.failure_class = ready ? null : index.failure_class;
	await recorder.flush();
	return {
		batch_id: index.batch_id,
		repaired,
		access_status: smoke.access_status,
		batch_status: index.batch_status,
		completion_ok: smoke.completion_ok,
		completion_preview: smoke.completion_preview,
	};
}
