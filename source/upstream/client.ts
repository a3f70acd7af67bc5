// Direct calls to a provider (docs/domain.md "Failure classes"): list its models and run one minimal chat completion, so a
// failed host completion can be told apart from a provider that is itself broken, out of quota or unreachable.
import {formatBytes, sendHttp, safeTarget, TransportError, type HttpResponse} from '../host/http.js';
import {safeText} from '../lib/safe-text.js';
import {redactText, registerSecret} from '../lib/secrets.js';
import {DEFAULT_USER_AGENT} from '../host/transport.js';
import {classifyUpstreamAnswer, safeBody, UpstreamError, type UpstreamErrorKind} from './errors.js';
import {chatCompletionsUrl, modelsUrlCandidates} from './urls.js';

export interface UpstreamOptions {
	baseUrl: string;
	apiKey: string;
	timeoutMs?: number;
	signal?: AbortSignal;
	userAgent?: string;
}

export const DEFAULT_UPSTREAM_TIMEOUT_MS = 15_000;
/** A provider's model list (or chat answer) is small: 4 MiB is far above any real one. */
export const MAX_UPSTREAM_BODY_BYTES = 4 * 1024 * 1024;
export const DEFAULT_CHAT_TIMEOUT_MS = 30_000;

/** Tries each candidate URL; only 404/405 move on. All missing → not_found. One retry on network errors. */
export async function listUpstreamModels(o: UpstreamOptions): Promise<{models: string[]; url: string}> {
	let candidates: string[];
	try {
		candidates = modelsUrlCandidates(o.baseUrl);
	} catch {
		throw new UpstreamError({
			kind: 'bad_response',
			status: null,
			url: '',
			message: 'invalid upstream base URL',
		});
	}
	let last: UpstreamError | null = null;
	for (const url of candidates) {
		const res = await send(o, {
			method: 'GET',
			url,
			timeoutMs: o.timeoutMs ?? DEFAULT_UPSTREAM_TIMEOUT_MS,
			retries: 1,
		});
		if (res.status === 404 || res.status === 405) {
			last = answerError(res, url, 'GET');
			continue;
		}
		if (res.status < 200 || res.status >= 300) throw answerError(res, url, 'GET');
		const models = parseModelList(res.body);
		if (!models) {
			throw new UpstreamError({
				kind: 'bad_response',
				status: res.status,
				body: safeBody(res.body),
				url: safeTarget(url),
				message: `GET ${safeTarget(url)}: HTTP ${res.status} answer is not a model list`,
			});
		}
		return {models, url: safeTarget(url)};
	}
	throw new UpstreamError({
		kind: 'not_found',
		status: last?.status ?? 404,
		body: last?.body ?? '',
		url: last?.url ?? '',
		message: `no model list endpoint found (tried ${candidates.map(safeTarget).join(', ')})`,
	});
}

/** One non-streamed completion with max_tokens 8. Never retried: the caller decides. */
export async function upstreamChat(
	o: UpstreamOptions & {model: string; prompt?: string; maxTokens?: number},
): Promise<{status: number; preview: string; latency_ms: number; url: string}> {
	let url: string;
	try {
		url = chatCompletionsUrl(o.baseUrl);
	} catch {
		throw new UpstreamError({
			kind: 'bad_response',
			status: null,
			url: '',
			message: 'invalid upstream base URL',
		});
	}
	const started = Date.now();
	const res = await send(o, {
		method: 'POST',
		url,
		timeoutMs: o.timeoutMs ?? DEFAULT_CHAT_TIMEOUT_MS,
		retries: 0,
		json: {
			model: o.model,
			messages: [{role: 'user', content: o.prompt ?? 'ping'}],
			max_tokens: o.maxTokens ?? 8,
			stream: false,
		},
	});
	const latency = Date.now() - started;
	if (res.status < 200 || res.status >= 300) throw answerError(res, url, 'POST');
	let json: unknown;
	try {
		json = JSON.parse(res.body);
	} catch {
		throw new UpstreamError({
			kind: 'bad_response',
			status: res.status,
			body: safeBody(res.body),
			url: safeTarget(url),
			message: `POST ${safeTarget(url)}: HTTP ${res.status} answer is not JSON`,
		});
	}
	// MiniMax-style errors with HTTP 200: {"base_resp":{"status_code":1004,"status_msg":"..."}}
	const baseResp = (json as {base_resp?: {status_code?: unknown; status_msg?: unknown}})?.base_resp;
	if (baseResp && typeof baseResp.status_code === 'number' && baseResp.status_code !== 0) {
		const kind = miniMaxKind(baseResp.status_code, String(baseResp.status_msg ?? ''));
		throw new UpstreamError({
			kind,
			status: res.status,
			body: safeBody(res.body),
			url: safeTarget(url),
			message: `POST ${safeTarget(url)}: business code ${baseResp.status_code} (${kind})`,
		});
	}
	const msg = (json as {choices?: Array<{message?: {content?: unknown; reasoning_content?: unknown}}>})
		?.choices?.[0]?.message;
	if (!msg) {
		throw new UpstreamError({
			kind: 'bad_response',
			status: res.status,
			body: safeBody(res.body),
			url: safeTarget(url),
			message: `POST ${safeTarget(url)}: answer has no choices[0].message`,
		});
	}
	const content =
		typeof msg.content === 'string' && msg.content !== ''
			? msg.content
			: typeof msg.reasoning_content === 'string'
				? msg.reasoning_content
				: '';
	return {
		status: res.status,
		preview: redactText(safeText(content)).slice(0, 80),
		latency_ms: latency,
		url: safeTarget(url),
	};
}

function miniMaxKind(code: number, msg: string): UpstreamErrorKind {
	if (code === 1008 || /balance|quota|insufficient/i.test(msg)) return 'quota';
	if (code === 1004) return 'auth';
	if (code === 1002) return 'rate_limited';
	if (code === 1001) return 'timeout';
	return 'bad_response';
}

export function parseModelList(body: string): string[] | null {
	let json: unknown;
	try {
		json = JSON.parse(body);
	} catch {
		return null;
	}
	const o = json as {data?: unknown; models?: unknown} | unknown[];
	const list = Array.isArray(o)
		? o
		: Array.isArray(o?.data)
			? o.data
			: Array.isArray(o?.models)
				? o.models
				: null;
	if (!list) return null;
	const ids: string[] = [];
	for (const item of list) {
		if (typeof item === 'string') ids.push(item);
		else if (item && typeof item === 'object') {
			const id = (item as {id?: unknown; name?: unknown}).id ?? (item as {name?: unknown}).name;
			if (typeof id === 'string') ids.push(id);
		}
	}
	return ids;
}

async function send(
	o: UpstreamOptions,
	r: {method: string; url: string; timeoutMs: number; retries: number; json?: unknown},
): Promise<HttpResponse> {
	// The key is a secret from before the first byte goes out: an upstream may echo it back.
	registerSecret(o.apiKey);
	try {
		return await sendHttp({
			method: r.method,
			url: r.url,
			headers: {authorization: `Bearer ${o.apiKey}`, 'user-agent': o.userAgent ?? DEFAULT_USER_AGENT},
			json: r.json,
			timeoutMs: r.timeoutMs,
			retries: r.retries,
			retryable: r.retries > 0,
			retryOnStatus: false,
			maxBodyBytes: MAX_UPSTREAM_BODY_BYTES,
			signal: o.signal,
		});
	} catch (error) {
		if (error instanceof TransportError && error.failure === 'too_large') {
			throw new UpstreamError({
				kind: 'too_large',
				status: error.status,
				url: safeTarget(r.url),
				message: `${r.method} ${safeTarget(r.url)}: the provider's answer is larger than ${formatBytes(MAX_UPSTREAM_BODY_BYTES)}; it was not read`,
			});
		}
		if (error instanceof TransportError) {
			throw new UpstreamError({
				kind: error.failure === 'timeout' ? 'timeout' : 'network',
				status: null,
				url: safeTarget(r.url),
				message: `${r.method} ${safeTarget(r.url)}: ${error.failure === 'timeout' ? `no answer within ${r.timeoutMs} ms` : `unreachable (${error.code ?? error.failure})`}`,
			});
		}
		throw error;
	}
}

function answerError(res: HttpResponse, url: string, method: string): UpstreamError {
	const kind = classifyUpstreamAnswer(res.status, res.body);
	return new UpstreamError({
		kind,
		status: res.status,
		body: safeBody(res.body),
		url: safeTarget(url),
		message: `${method} ${safeTarget(url)}: HTTP ${res.status} (${kind})`,
	});
}
