// Repair where it is safe (issue: drift and rollback): for a drifted batch, re-run the access closure
// and the smoke. A missing user, key or subscription is recreated (and recorded); what is intact is
// left alone. A missing or changed group or account is not repaired: roll back and import again.
import type {StateStore} from '../../store/state-store.js';
import {BatchRecorder} from '../records/batch-recorder.js';
import {CrmError} from '../../lib/errors.js';
import {shown} from '../input/validate.js';
import type {EventSink} from '../pipeline/events.js';
import {hostClientFor, type Operator} from '../hosts/access.js';
import {assignSubscription, createUserKey, newPassword} from '../import/access-closure.js';
import {runSmoke} from '../import/smoke.js';
import {DEFAULT_TIMING, type Timing} from '../import/types.js';
import {plannedNames} from '../records/naming.js';
import {loadPacks, findPack} from '../packs/packs.js';
import {runReconcile} from './reconcile.js';
import {StepFailure, StepRunner} from '../pipeline/steps.js';
import {byExactName, trackedCreate} from '../records/tracked-create.js';
import {makeMarker, withMarker} from '../records/marker.js';
import {markerSnapshot} from '../records/provenance.js';
import type {Capabilities} from '../../host/probe.js';

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
	repaired: Array<{resource_type: string; host_resource_id: string | null; name: string; action: string}>;
	access_status: string;
	batch_status: string;
	completion_ok: boolean;
	completion_preview: string | null;
}

export async function runRepair(o: RepairOptions): Promise<RepairResult> {
	const {store} = o;
	const timing: Timing = {...DEFAULT_TIMING, ...o.timing};
	const index = store.data.batches.find((b) => b.batch_id === o.batchId);
	if (!o.batchId || !index)
		throw new CrmError('invalid_input', `no batch ${shown(o.batchId ?? '')}; see crm batches`, {
			field: '--batch',
		});
	if (index.batch_status === 'rolled_back')
		throw new CrmError('operation_failed', `batch ${index.batch_id} is rolled back; import again instead`);
	const host = store.data.hosts.find((h) => h.host_id === index.host_id);
	if (!host)
		throw new CrmError('invalid_input', `the batch's host ${index.host_id} is not registered`, {
			field: '--batch',
		});
	const pack = findPack(loadPacks(), index.pack);
	if (!pack)
		throw new CrmError('invalid_input', `pack ${index.pack} of the batch no longer loads`, {
			field: '--batch',
		});

	const drift = await runReconcile({
		store,
		hostRef: host.host_id,
		batchId: index.batch_id,
		sink: o.sink,
		signal: o.signal,
		operator: o.operator,
		timing,
	});
	const broken = drift.items.filter(
		(i) => (i.resource_type === 'group' || i.resource_type === 'account') && i.state !== 'present',
	);
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
	const groupRecord = recorder.file.resources.find(
		(r) => r.resource_type === 'group' && r.status === 'created',
	)!;
	const groupId = Number(groupRecord.host_resource_id);
	const names = {...plannedNames(host, pack.id, index.batch_id), group: groupRecord.name};
	const repaired: RepairResult['repaired'] = [];
	const state = (type: string) => drift.items.find((i) => i.resource_type === type);

	const userKey = await runner.run('access_closure', async (api) => {
		const caps = host.capabilities as unknown as Capabilities;
		const input = {
			client,
			recorder,
			caps,
			hostUrl: host.url,
			pack,
			accessMode: index.access_mode,
			groupId,
			names,
			existingUser: null,
			timeoutMs: timing.requestTimeoutMs,
		};
		let user = recorder.file.resources.find((r) => r.resource_type === 'user' && r.status === 'created');
		let password = secrets.user_password;
		if (!user || state('user')?.state === 'missing') {
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
			});
			user = recorder.file.resources.find(
				(r) => r.resource_type === 'user' && r.host_resource_id === String(made.id),
			);
		}
		const u = {id: Number(user!.host_resource_id), email: user!.name, password};
		if (
			index.access_mode === 'subscription' &&
			(!state('subscription') || state('subscription')?.state !== 'present' || repaired.length > 0)
		) {
			const id = await assignSubscription(input, u, api);
			repaired.push({
				resource_type: 'subscription',
				host_resource_id: String(id),
				name: `${names.group}:${u.email}`,
				action: 'reassigned',
			});
		}
		let key = secrets.user_key;
		if (!key || !state('api_key') || state('api_key')?.state !== 'present' || repaired.length > 0) {
			const made = await createUserKey(
				{...input, names: {...names, key: `${names.key}-r${Date.now().toString(36)}`}},
				u,
				api,
			);
			key = made.key ?? null;
			await recorder.setSecrets({user_key: key});
			repaired.push({
				resource_type: 'api_key',
				host_resource_id: String(made.id),
				name: made.name,
				action: 'recreated',
			});
		}
		if (!key) throw new StepFailure('host_compatibility_gap', 'no user key could be made');
		// What was recreated replaces records that are gone from the host: mark them so, or every
		// later reconcile would report them missing again.
		for (const item of drift.items) {
			if (item.state !== 'missing' || !repaired.some((r) => r.resource_type === item.resource_type)) continue;
			const old = recorder.file.resources.find(
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
		return {
			status: 'ok',
			message: repaired.length
				? `recreated ${repaired.map((r) => r.resource_type).join(', ')}`
				: 'access intact',
			value: key,
		};
	});

	const smokeModel = String(recorder.file.summary?.smoke_model ?? pack.smoke_test_model ?? '');
	const smoke = await runner.run('access_smoke', async (api) => {
		const out = await runSmoke(
			{hostUrl: host.url, userKey, model: smokeModel, accessMode: index.access_mode, timing},
			api,
		);
		return {
			status: out.access_status.endsWith('_ready') ? 'ok' : 'warn',
			message: `${out.access_status} (${out.attempts} attempts)`,
			value: out,
		};
	});
	await recorder.accessResult({
		at: new Date().toISOString(),
		access_mode: index.access_mode,
		access_status: smoke.access_status,
		smoke_model: smokeModel,
		models_ok: smoke.models_ok,
		completion_ok: smoke.completion_ok,
		completion_status: smoke.completion_status,
		completion_type: smoke.completion_type,
		completion_preview: smoke.completion_preview,
		attempts: smoke.attempts,
	});
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
