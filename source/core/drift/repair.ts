// Repair where it is safe (docs/domain.md "Repair"): for a drifted batch, re-run the access closure
// and the smoke. A missing user, key or subscription is recreated (and recorded, with why); what is
// intact is left alone (a key still on the host is never made twice). What repair cannot mend in
// place (a missing or changed group or account, a changed user, key or subscription) is reported as
// such: roll the batch back and import again. A reconcile after the repair says whether drift
// remains, so a repair never reads as done while it does.
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

/**
 * How a repair ended: `repaired` (what was missing is back, the smoke passed, a reconcile finds no
 * drift), `drift_remains` (the smoke may pass, but something repair cannot mend is still drifted),
 * `not_ready` (the smoke did not pass), `not_mendable` (a group or account drifted: nothing was
 * touched), `in_sync` (nothing was missing; the smoke ran).
 */
export type RepairOutcome = 'repaired' | 'drift_remains' | 'not_ready' | 'not_mendable' | 'in_sync';

/** A drifted item repair leaves as it is, with what to do instead. */
export interface NotMended {
	resource_type: string;
	host_resource_id: string | null;
	name: string | null;
	state: string;
	detail: string;
	advice: string;
}

export interface RepairResult {
	batch_id: string;
	outcome: RepairOutcome;
	/** What it created, each with why. */
	repaired: Repaired[];
	not_mended: NotMended[];
	/** What the reconcile after the repair still found drifted. */
	drift_remaining: ReconcileItem[];
	access_status: string;
	batch_status: string;
	completion_ok: boolean;
	completion_preview: string | null;
}

const ACCESS_TYPES = new Set(['user', 'api_key', 'subscription']);
const ROLL_BACK = 'roll the batch back and import again';

/**
 * Drifted items repair does not mend in place: a group or an account that is not as recorded (the
 * access hangs on them), and a user, key or subscription that is there but changed (recreating it
 * would make a second one beside it).
 */
export function notMendable(items: ReconcileItem[]): NotMended[] {
	return items
		.filter((i) => i.state !== 'present' && !(ACCESS_TYPES.has(i.resource_type) && i.state === 'missing'))
		.map((i) => ({
			resource_type: i.resource_type,
			host_resource_id: i.host_resource_id,
			name: i.name,
			state: i.state,
			detail: i.detail,
			advice: ACCESS_TYPES.has(i.resource_type)
				? `it is on the host but changed; repair does not make a second one: change it back on the host, or ${ROLL_BACK}`
				: `the access hangs on it; repair does not recreate it: ${ROLL_BACK}`,
		}));
}

/** Whether repair applies to a batch's reconcile: part of its access is missing, and its group and account are intact. */
export function repairApplies(items: ReconcileItem[]): boolean {
	return (
		items.some((i) => ACCESS_TYPES.has(i.resource_type) && i.state === 'missing') &&
		!items.some((i) => !ACCESS_TYPES.has(i.resource_type) && i.state !== 'present')
	);
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
	const notMended = notMendable(drift.items);
	const base = {
		batch_id: index.batch_id,
		not_mended: notMended,
		completion_ok: false,
		completion_preview: null,
	};
	// A group or an account not as recorded: nothing is touched (the access hangs on them).
	if (notMended.some((i) => !ACCESS_TYPES.has(i.resource_type))) {
		return {
			...base,
			outcome: 'not_mendable',
			repaired: [],
			drift_remaining: drift.items.filter((i) => i.state !== 'present'),
			access_status: index.access_status,
			batch_status: index.batch_status,
		};
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
	// What is left: the reconcile after the repair (it also tells status the batch's drift now).
	const after =
		repaired.length > 0
			? (
					await runReconcile({
						store,
						hostRef: host.host_id,
						batchId: index.batch_id,
						sink: o.sink,
						signal: o.signal,
						operator: o.operator,
						timing,
					})
				).items
			: drift.items;
	const remaining = after.filter((i) => i.state !== 'present');
	return {
		...base,
		outcome: !ready
			? 'not_ready'
			: remaining.length > 0
				? 'drift_remains'
				: repaired.length > 0
					? 'repaired'
					: 'in_sync',
		repaired,
		drift_remaining: remaining,
		access_status: smoke.access_status,
		batch_status: index.batch_status,
		completion_ok: smoke.completion_ok,
		completion_preview: smoke.completion_preview,
	};
}
