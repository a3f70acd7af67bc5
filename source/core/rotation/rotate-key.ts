// Key rotation in place (docs/cli.md `crm rotate-key`): the new key is checked against the provider
// directly first (a key it refuses changes nothing), then the batch's own account gets it through the
// admin API (`PUT /accounts/:id`), the smoke runs again, and the rotation is recorded with both
// fingerprints. No resource is created; the batch keeps every record, so rollback still removes it.
import {CrmError} from '../../lib/errors.js';
import {keyFingerprint} from '../../lib/secrets.js';
import type {BatchFile, BatchIndex, HostRecord, State} from '../../store/schema.js';
import type {StateStore} from '../../store/state-store.js';
import {UpstreamError, upstreamChat} from '../../upstream/index.js';
import {beginAction, endAction, ownAccount} from '../health/account-actions.js';
import {gatewayAddress} from '../health/check.js';
import {hostClientFor, type Operator} from '../hosts/access.js';
import {shown, validateKey} from '../input/validate.js';
import {runSmoke} from '../import/smoke.js';
import type {Timing} from '../import/types.js';

export interface RotateRequest {
	batchId: string | undefined;
	key: string | undefined;
	/** Keep the new key in state.json (it is kept anyway when the old one was). */
	keepKey?: boolean;
}

export interface RotateResult {
	batch_id: string;
	old_fingerprint: string;
	new_fingerprint: string;
	access_status: string;
	completion_ok: boolean;
}

export interface RotationPlan {
	index: BatchIndex;
	host: HostRecord;
	key: string;
	oldFingerprint: string;
	newFingerprint: string;
	smokeModel: string;
	upstreamModel: string;
}

/** Everything checkable without the network or the lock (bad input: exit 2, nothing changes). */
export async function planRotation(
	state: State,
	store: Pick<StateStore, 'readBatch'>,
	r: RotateRequest,
): Promise<RotationPlan> {
	const index = state.batches.find((b) => b.batch_id === r.batchId);
	if (!r.batchId || !index)
		throw new CrmError('invalid_input', `no batch ${shown(r.batchId ?? '')}; see crm batches`, {
			field: 'batch',
		});
	if (index.batch_status !== 'succeeded')
		throw new CrmError(
			'invalid_input',
			`batch ${index.batch_id} is ${index.batch_status}: only a succeeded batch's account can get a new key`,
			{field: 'batch'},
		);
	const host = state.hosts.find((h) => h.host_id === index.host_id);
	if (!host)
		throw new CrmError('invalid_input', `the batch's host ${index.host_id} is no longer registered`, {
			field: 'batch',
		});
	const key = validateKey(r.key, 'key');
	const newFingerprint = keyFingerprint(key);
	if (newFingerprint === index.key_fingerprint)
		throw new CrmError('invalid_input', `the new key is the key batch ${index.batch_id} already uses`, {
			field: 'key',
		});
	const file = await store.readBatch(index.batch_id);
	const account = file ? ownAccount(file) : null;
	const smokeModel =
		(file?.summary?.smoke_model as string | undefined) ?? file?.access_results.at(-1)?.smoke_model ?? null;
	if (!file || !account || !smokeModel)
		throw new CrmError('invalid_input', `batch ${index.batch_id} holds no account of its own to rotate`, {
			field: 'batch',
		});
	const mapping = (account.snapshot.model_mapping ?? {}) as Record<string, unknown>;
	const upstreamModel =
		typeof mapping[smokeModel] === 'string' ? (mapping[smokeModel] as string) : smokeModel;
	return {index, host, key, oldFingerprint: index.key_fingerprint, newFingerprint, smokeModel, upstreamModel};
}

/** The provider must answer the new key before anything changes (exit 1 otherwise). */
export async function checkNewKey(plan: RotationPlan, timing: Timing, signal?: AbortSignal): Promise<void> {
	try {
		await upstreamChat({
			baseUrl: plan.index.base_url,
			apiKey: plan.key,
			model: plan.upstreamModel,
			maxTokens: 1,
			timeoutMs: timing.requestTimeoutMs,
			signal,
		});
	} catch (error) {
		if (!(error instanceof UpstreamError)) throw error;
		const why =
			error.kind === 'network' || error.kind === 'timeout'
				? `could not be checked (${error.message})`
				: `was refused by the provider (${error.status ?? error.kind}: ${error.kind})`;
		throw new CrmError('operation_failed', `the new key ${why}; nothing was changed`, {field: 'key'});
	}
}

export interface RotateContext {
	store: StateStore;
	plan: RotationPlan;
	timing: Timing;
	operator?: Operator;
	signal: AbortSignal;
}

/** Updates the account's key, runs the smoke again, records it (the store must hold the lock). */
export async function rotateKey(c: RotateContext, keepKey: boolean): Promise<RotateResult> {
	const {store, plan} = c;
	const index = store.data.batches.find((b) => b.batch_id === plan.index.batch_id);
	const file = await store.readBatch(plan.index.batch_id);
	const account = file ? ownAccount(file) : null;
	if (!index || !file || !account || index.key_fingerprint !== plan.oldFingerprint)
		throw new CrmError(
			'operation_failed',
			`batch ${plan.index.batch_id} changed while the new key was checked; try again`,
		);
	const client = hostClientFor(plan.host, {
		store,
		operator: c.operator,
		signal: c.signal,
		timeoutMs: c.timing.requestTimeoutMs,
	});
	const entry = await beginAction(store, file, {
		action: 'rotate_key',
		resource_type: 'account',
		host_resource_id: account.host_resource_id,
		detail: 'the provider answered the new key directly',
		old_fingerprint: plan.oldFingerprint,
		new_fingerprint: plan.newFingerprint,
	});
	try {
		const live = await client.getAccount(account.host_resource_id);
		// Old hosts replace credentials wholesale: send every credential field the import set.
		await client.updateAccount(account.host_resource_id, {
			credentials: {
				api_key: plan.key,
				base_url: account.snapshot.base_url ?? plan.index.base_url,
				model_mapping: account.snapshot.model_mapping,
			},
		});
		// The host set `error` itself when the old key was refused; the new key answered.
		if (live.status === 'error') await client.clearAccountError(account.host_resource_id);
	} catch (error) {
		const why = error instanceof Error ? error.message : String(error);
		await endAction(store, file, entry, 'failed', `the host refused the update: ${why}`);
		throw new CrmError(
			'operation_failed',
			`the host refused the key update (${why}); the account keeps its old key`,
		);
	}
	index.key_fingerprint = plan.newFingerprint;
	const secrets = store.data.batch_secrets[index.batch_id];
	const kept = keepKey || Boolean(secrets?.provider_key);
	if (secrets) secrets.provider_key = kept ? plan.key : (secrets.provider_key ?? null);
	else if (kept)
		store.data.batch_secrets[index.batch_id] = {
			user_email: null,
			user_password: null,
			user_key: null,
			provider_key: plan.key,
		};
	await store.write();
	return smokeAfterRotation(c, index, file, entry);
}

async function smokeAfterRotation(
	c: RotateContext,
	index: BatchIndex,
	file: BatchFile,
	entry: Parameters<typeof endAction>[2],
): Promise<RotateResult> {
	const {store, plan} = c;
	const userKey = store.data.batch_secrets[index.batch_id]?.user_key ?? '';
	const api = {progress: () => {}, signal: c.signal, throwIfStopped: () => {}};
	const out = await runSmoke(
		{
			hostUrl: gatewayAddress(plan.host),
			userKey,
			model: plan.smokeModel,
			accessMode: index.access_mode,
			timing: c.timing,
		},
		api,
	);
	file.access_results.push({
		at: new Date().toISOString(),
		access_mode: index.access_mode,
		access_status: out.access_status,
		smoke_model: plan.smokeModel,
		models_ok: out.models_ok,
		completion_ok: out.completion_ok,
		completion_status: out.completion_status,
		completion_type: out.completion_type,
		completion_preview: out.completion_preview,
		attempts: out.attempts,
	});
	await endAction(store, file, entry, 'done', `key updated; smoke: ${out.access_status}`);
	const ready = out.access_status.endsWith('_ready');
	index.access_status = out.access_status;
	index.provider_status = ready ? 'active' : 'degraded';
	index.updated_at = new Date().toISOString();
	await store.write();
	return {
		batch_id: index.batch_id,
		old_fingerprint: plan.oldFingerprint,
		new_fingerprint: plan.newFingerprint,
		access_status: out.access_status,
		completion_ok: out.completion_ok,
	};
}
