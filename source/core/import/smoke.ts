// access_smoke: ready means a completion worked (docs/domain.md "Ready"). With the managed user's key,
// /v1/models must list the smoke model AND a minimal chat completion must succeed. Bounded retries
// cover the fresh-host races (docs/domain.md "Ready") (503 "no available accounts", a stale models cache). It goes
// through the host's gateway address, as a user would; when this machine cannot reach that address
// it falls back to the admin address and says so (docs/domain.md "The host").
import {GatewayClient} from '../../host/gateway-client.js';
import {HostError} from '../../host/errors.js';
import type {AccessMode} from '../packs/packs.js';
import type {AccessStatus} from '../../store/schema.js';
import type {StepApi, StepResult} from '../pipeline/steps.js';
import type {Timing} from './types.js';

export interface SmokeOutcome {
	access_status: AccessStatus;
	models_ok: boolean;
	models: string[] | null;
	completion_ok: boolean;
	completion_status: number | null;
	completion_type: 'json' | 'stream' | null;
	completion_preview: string | null;
	attempts: number;
	retried: boolean;
	last_error: {status: number | null; code: string | null; message: string} | null;
	/** The address the smoke went through (the gateway address, or the admin address after a fallback). */
	gateway_used: string;
	/** Why it fell back to the admin address; null when the gateway address answered. */
	gateway_fallback: string | null;
}

function retryable(error: unknown): boolean {
	if (!(error instanceof HostError)) return false;
	return error.status === 503 || /no available accounts/i.test(error.message);
}

/** Waits `ms`, or less when the run is stopped; its abort listener goes with it either way. */
const sleep = (ms: number, signal: AbortSignal) =>
	new Promise<void>((resolve) => {
		const done = () => {
			clearTimeout(timer);
			signal.removeEventListener('abort', done);
			resolve();
		};
		const timer = setTimeout(done, ms);
		signal.addEventListener('abort', done, {once: true});
	});

export function readyStatus(mode: AccessMode): AccessStatus {
	return mode === 'subscription' ? 'subscription_ready' : 'self_service_ready';
}

function unreachable(result: PromiseSettledResult<unknown>): boolean {
	return (
		result.status === 'rejected' &&
		result.reason instanceof HostError &&
		(result.reason.kind === 'network' || result.reason.kind === 'timeout')
	);
}

export interface SmokeInput {
	/** The admin address (the fallback). */
	hostUrl: string;
	/** The gateway address users call; null or absent: the admin address. */
	gatewayUrl?: string | null;
	userKey: string;
	model: string;
	accessMode: AccessMode;
	timing: Timing;
}

export async function runSmoke(o: SmokeInput, api: StepApi): Promise<SmokeOutcome> {
	const client = (baseUrl: string) =>
		new GatewayClient({
			baseUrl,
			apiKey: o.userKey,
			timeoutMs: o.timing.requestTimeoutMs,
			signal: api.signal,
		});
	const first = o.gatewayUrl ?? o.hostUrl;
	let gateway = client(first);
	const deadline = Date.now() + o.timing.smokeRetryMs;
	const out: SmokeOutcome = {
		access_status: 'broken',
		models_ok: false,
		models: null,
		completion_ok: false,
		completion_status: null,
		completion_type: null,
		completion_preview: null,
		attempts: 0,
		retried: false,
		last_error: null,
		gateway_used: first,
		gateway_fallback: null,
	};
	for (;;) {
		api.throwIfStopped();
		out.attempts += 1;
		// /v1/models and the completion do not depend on each other: ask both at once. A completion
		// that already worked is not sent again while the models list catches up (~15 s host cache).
		const [models, chat] = await Promise.allSettled([
			out.models_ok ? Promise.resolve(out.models ?? []) : gateway.models(),
			out.completion_ok ? Promise.resolve(null) : gateway.chat({model: o.model, max_tokens: 8}),
		]);
		if (out.gateway_used !== o.hostUrl && (unreachable(models) || unreachable(chat))) {
			const why = describe(
				unreachable(models)
					? (models as PromiseRejectedResult).reason
					: (chat as PromiseRejectedResult).reason,
			);
			out.gateway_fallback = `the gateway address ${out.gateway_used} could not be reached from here (${why?.message ?? 'no answer'}); the smoke went through the admin address ${o.hostUrl}`;
			api.progress(out.gateway_fallback);
			out.gateway_used = o.hostUrl;
			gateway = client(o.hostUrl);
			out.models = null;
			out.models_ok = false;
			out.completion_ok = false;
			continue;
		}
		let again = false;
		let stop = false;
		if (models.status === 'fulfilled') {
			out.models = models.value;
			out.models_ok = models.value.includes(o.model);
			if (!out.models_ok) again = true;
		} else {
			out.last_error = describe(models.reason);
			if (retryable(models.reason)) again = true;
			else stop = true;
		}
		if (chat.status === 'fulfilled') {
			if (chat.value) {
				out.completion_ok = true;
				out.completion_status = chat.value.status;
				out.completion_type = chat.value.type;
				out.completion_preview = chat.value.preview;
			}
		} else {
			out.completion_status = chat.reason instanceof HostError ? chat.reason.status : null;
			out.last_error = describe(chat.reason);
			if (retryable(chat.reason)) again = true;
			else stop = true;
		}
		if (out.models_ok && out.completion_ok) {
			out.last_error = null;
			break;
		}
		if (stop || !again || Date.now() + o.timing.smokeRetryIntervalMs > deadline) break;
		out.retried = true;
		api.progress(
			`attempt ${out.attempts}: ${out.last_error?.message ?? 'smoke model not listed yet'}; retrying`,
		);
		await sleep(o.timing.smokeRetryIntervalMs, api.signal);
	}
	out.access_status =
		out.models_ok && out.completion_ok ? readyStatus(o.accessMode) : out.models_ok ? 'models_only' : 'broken';
	return out;
}

function describe(error: unknown): SmokeOutcome['last_error'] {
	if (error instanceof HostError)
		return {status: error.status, code: error.machineCode, message: error.message};
	return {status: null, code: null, message: error instanceof Error ? error.message : String(error)};
}

export function smokeResult(out: SmokeOutcome, model: string): StepResult<SmokeOutcome> {
	const ready = out.access_status.endsWith('_ready');
	const tries = out.attempts > 1 ? ` after ${out.attempts} attempts` : '';
	const message = ready
		? `${model} listed and a completion answered ${out.completion_status}${tries}: "${out.completion_preview ?? ''}"`
		: out.models_ok
			? `${model} is listed but the completion failed${tries}: ${out.last_error?.message ?? 'no answer'}`
			: `${model} is not usable through the host${tries}: ${out.last_error?.message ?? 'not listed in /v1/models'}`;
	const via = out.gateway_fallback ? ` (through the admin address: the gateway address was unreachable)` : '';
	return {
		status: ready ? (out.retried || out.gateway_fallback ? 'warn' : 'ok') : 'ok',
		message: message + via,
		value: out,
		evidence: out,
	};
}
