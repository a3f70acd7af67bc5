// One health check of one batch (docs/domain.md "Health" and "The host"): through the host's gateway
// address as the batch's smoke user (`/v1/models` lists the smoke model, plus a 1-token completion
// unless the provider is checked with models only); when that fails and the provider key is kept,
// the provider directly, so the failure keeps its class (docs/domain.md "Failure classes"). A gateway address this machine
// cannot reach falls back to the admin address, and says so; a host unreachable both ways is
// `skipped`, not failing.
import {GatewayClient} from '../../host/gateway-client.js';
import {HostError} from '../../host/errors.js';
import type {BatchIndex, FailureClass, HostRecord} from '../../store/schema.js';
import {listUpstreamModels, upstreamChat, UpstreamError} from '../../upstream/index.js';
import {readBalance} from '../../upstream/balance.js';
import {classifySmokeFailure} from '../import/classify-smoke.js';
import type {SmokeOutcome} from '../import/smoke.js';
import type {HealthCheck, HealthMode} from './types.js';

export interface CheckTarget {
	batch: BatchIndex;
	host: HostRecord;
	userKey: string | null;
	/** Kept only with --keep-key; null otherwise. */
	providerKey: string | null;
	smokeModel: string | null;
	/** The smoke model's upstream name (the account's model_mapping value), for the direct check. */
	upstreamModel: string | null;
	mode: HealthMode;
}

export interface CheckOptions {
	timeoutMs: number;
	signal?: AbortSignal;
}

/** The address users call (a host may record one beside its admin address); else the admin one. */
export function gatewayAddress(host: HostRecord): string {
	const gateway = (host as HostRecord & {gateway_url?: string | null}).gateway_url;
	return typeof gateway === 'string' && gateway !== '' ? gateway : host.url;
}

interface HostSide {
	models_ok: boolean;
	completion_ok: boolean | null;
	latency_ms: number | null;
	error: SmokeOutcome['last_error'];
	unreachable: boolean;
}

const unreachableKinds = new Set(['network', 'timeout']);

async function timed<T>(fn: () => Promise<T>): Promise<{value: T; ms: number}> {
	const started = performance.now();
	const value = await fn();
	return {value, ms: Math.round(performance.now() - started)};
}

function describe(error: unknown): NonNullable<SmokeOutcome['last_error']> {
	if (error instanceof HostError)
		return {status: error.status, code: error.machineCode, message: error.message};
	return {status: null, code: null, message: error instanceof Error ? error.message : String(error)};
}

async function hostSide(base: string, t: CheckTarget, o: CheckOptions): Promise<HostSide> {
	const gateway = new GatewayClient({
		baseUrl: base,
		apiKey: t.userKey ?? '',
		timeoutMs: o.timeoutMs,
		signal: o.signal,
		retries: 0,
	});
	const model = t.smokeModel ?? '';
	const [models, chat] = await Promise.allSettled([
		timed(() => gateway.models()),
		t.mode === 'completion' ? timed(() => gateway.chat({model, max_tokens: 1})) : Promise.resolve(null),
	]);
	const out: HostSide = {
		models_ok: models.status === 'fulfilled' && models.value.value.includes(model),
		completion_ok: t.mode === 'completion' ? chat.status === 'fulfilled' : null,
		latency_ms: null,
		error: null,
		unreachable: false,
	};
	if (chat.status === 'fulfilled' && chat.value) out.latency_ms = chat.value.ms;
	else if (t.mode === 'models' && models.status === 'fulfilled') out.latency_ms = models.value.ms;
	const failures = [models, chat].filter((r) => r.status === 'rejected').map((r) => r.reason as unknown);
	if (failures.length > 0) out.error = describe(failures.at(-1));
	else if (!out.models_ok)
		out.error = {status: 200, code: null, message: `${model} is not listed in /v1/models`};
	out.unreachable =
		failures.length > 0 &&
		failures.every((e) => e instanceof HostError && unreachableKinds.has(e.kind)) &&
		(t.mode === 'models' || failures.length === 2);
	return out;
}

export interface DirectResult {
	ok: boolean;
	status: number | null;
	kind: string | null;
	message: string;
}

/** The provider itself with the kept key: the same call the host would make, sent from here. */
export async function directCheck(t: CheckTarget, o: CheckOptions): Promise<DirectResult> {
	if (!t.providerKey) return {ok: false, status: null, kind: null, message: 'the provider key is not kept'};
	try {
		if (t.mode === 'models') {
			const listed = await listUpstreamModels({
				baseUrl: t.batch.base_url,
				apiKey: t.providerKey,
				timeoutMs: o.timeoutMs,
				signal: o.signal,
			});
			const ok = !t.upstreamModel || listed.models.includes(t.upstreamModel);
			return {
				ok,
				status: 200,
				kind: ok ? null : 'not_found',
				message: `${listed.models.length} models listed`,
			};
		}
		const chat = await upstreamChat({
			baseUrl: t.batch.base_url,
			apiKey: t.providerKey,
			model: t.upstreamModel ?? t.smokeModel ?? '',
			maxTokens: 1,
			timeoutMs: o.timeoutMs,
			signal: o.signal,
		});
		return {ok: true, status: chat.status, kind: null, message: `direct chat answered ${chat.status}`};
	} catch (error) {
		if (!(error instanceof UpstreamError)) throw error;
		return {ok: false, status: error.status, kind: error.kind, message: error.message};
	}
}

function classify(host: HostSide, direct: DirectResult | null): FailureClass {
	const upstream = direct?.kind
		? {
				chat_ok: direct.ok,
				chat_error: {
					kind: direct.kind as UpstreamError['kind'],
					status: direct.status,
					code: null,
					message: direct.message,
				},
			}
		: direct
			? {chat_ok: direct.ok, chat_error: null}
			: null;
	return classifySmokeFailure({last_error: host.error}, upstream);
}

export async function runCheck(t: CheckTarget, o: CheckOptions): Promise<HealthCheck> {
	const at = new Date().toISOString();
	const base: HealthCheck = {
		batch_id: t.batch.batch_id,
		host_id: t.host.host_id,
		pack: t.batch.pack,
		health: 'skipped',
		failure_class: null,
		models_ok: false,
		completion_ok: t.mode === 'completion' ? false : null,
		latency_ms: null,
		balance: null,
		at,
		mode: t.mode,
		gateway_used: null,
		direct: null,
		message: '',
		action: null,
	};
	if (!t.userKey || !t.smokeModel)
		return {...base, message: 'the batch holds no managed user key or smoke model to check with'};
	const balance = t.providerKey
		? readBalance({pack: t.batch.pack, baseUrl: t.batch.base_url, apiKey: t.providerKey, ...o})
		: Promise.resolve(null);
	const gateway = gatewayAddress(t.host);
	let used = gateway;
	let host = await hostSide(gateway, t, o);
	let fallback = '';
	if (host.unreachable && gateway !== t.host.url) {
		used = t.host.url;
		host = await hostSide(t.host.url, t, o);
		fallback = ` (the gateway address ${gateway} is unreachable from here; checked through the admin address)`;
	}
	const reading = await balance;
	const view =
		reading && reading.amount !== null
			? {amount: reading.amount, currency: reading.currency, source: reading.source}
			: null;
	const out: HealthCheck = {
		...base,
		models_ok: host.models_ok,
		completion_ok: host.completion_ok,
		latency_ms: host.latency_ms,
		balance: view,
		gateway_used: used,
	};
	if (host.unreachable)
		return {...out, message: `host unreachable from here: ${host.error?.message ?? 'no answer'}${fallback}`};
	const passed = host.models_ok && host.completion_ok !== false;
	if (passed)
		return {
			...out,
			health: 'ok',
			message: `${t.smokeModel} listed${t.mode === 'completion' ? ' and a completion answered' : ''}${fallback}`,
		};
	const direct = t.providerKey ? await directCheck(t, o) : null;
	const failureClass = classify(host, direct);
	const why = host.error?.message ?? 'the check failed';
	const directNote = direct ? `; direct: ${direct.ok ? 'ok' : direct.message}` : '';
	return {
		...out,
		health: 'failing',
		failure_class: failureClass,
		direct: direct ? {ok: direct.ok, status: direct.status, kind: direct.kind} : null,
		message: `${why}${directNote}${fallback}`,
	};
}
