// Direct calls to a provider (docs/domain.md "Failure classes"): list its models and run one minimal chat completion, so a
// failed host completion can be told apart from a provider that is itself broken, out of quota or unreachable.
import {
	formatBytes,
	headerValue,
	sendHttp,
	safeTarget,
	TransportError,
	type HttpResponse,
} from '../host/http.js';
import {safeText} from '../lib/safe-text.js';
import {redactText, registerSecret} from '../lib/secrets.js';
import {DEFAULT_USER_AGENT} from '../host/transport.js';
import {businessCode, kindFromBusinessCode, retryAfterMs} from './dialects.js';
import {classifyUpstreamAnswer, safeBody, UpstreamError} from './errors.js';
import {withRateLimitWindow, type RateLimitWait} from './rate-limit.js';
import {chatCompletionsUrl, modelsUrlCandidates} from './urls.js';

export interface UpstreamOptions {
	baseUrl: string;
	apiKey: string;
	timeoutMs?: number;
	signal?: AbortSignal;
	userAgent?: string;
	/**
	 * How long a plain 429 (a rate limit, not quota) is waited out, honouring Retry-After, before it
	 * is final (docs/domain.md rule 5). 0: not retried.
	 */
	rateLimitWindowMs?: number;
	/** Told before each wait of that window (progress for the operator). */
	onRateLimited?: (wait: RateLimitWait) => void;
}

export const DEFAULT_UPSTREAM_TIMEOUT_MS = 15_000;
/** A provider's model list (or chat answer) is small: 4 MiB is far above any real one. */
export const MAX_UPSTREAM_BODY_BYTES = 4 * 1024 * 1024;
export const DEFAULT_CHAT_TIMEOUT_MS = 30_000;

/**
 * Tries each candidate URL; only 404/405 move on. All missing → not_found. One retry on network
 * errors; a plain 429 is waited out within `rateLimitWindowMs`.
 */
export function listUpstreamModels(o: UpstreamOptions): Promise<ModelList> {
	return withRateLimitWindow(o, () => listModelsOnce(o));
}

export interface ModelList {
	models: string[];
	url: string;
	/** The HTTP status of the answer that listed them. */
	status: number;
}

async function listModelsOnce(o: UpstreamOptions): Promise<ModelList> {
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
		const coded = businessError(res, url, 'GET');
		if (coded) throw coded;
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
		return {models, url: safeTarget(url), status: res.status};
	}
	throw new UpstreamError({
		kind: 'not_found',
		status: last?.status ?? 404,
		body: last?.body ?? '',
		url: last?.url ?? '',
		message: `no model list endpoint found (tried ${candidates.map(safeTarget).join(', ')})`,
	});
}

export type ChatOptions = UpstreamOptions & {model: string; prompt?: string; maxTokens?: number};
export interface ChatAnswer {
	status: number;
	preview: string;
	latency_ms: number;
	url: string;
}

/**
 * One non-streamed completion with max_tokens 8. Sent again only after a plain 429 (the provider
 * refused it before doing anything), within `rateLimitWindowMs`.
 */
export function upstreamChat(o: ChatOptions): Promise<ChatAnswer> {
	return withRateLimitWindow(o, () => chatOnce(o));
}

async function chatOnce(o: ChatOptions): Promise<ChatAnswer> {
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
	// MiniMax-style errors with HTTP 200: {"base_resp":{"status_code":1008,"status_msg":"..."}}
	const coded = businessError(res, url, 'POST', json);
	if (coded) throw coded;
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

/** A 2xx answer that carries a provider's error code (MiniMax answers 200 with base_resp). */
function businessError(res: HttpResponse, url: string, method: string, json?: unknown): UpstreamError | null {
	const code = businessCode(json ?? res.body);
	const kind = kindFromBusinessCode(code);
	if (!code || !kind) return null;
	return new UpstreamError({
		kind,
		status: res.status,
		code: code.code,
		body: safeBody(res.body),
		url: safeTarget(url),
		message: `${method} ${safeTarget(url)}: HTTP ${res.status} with business code ${code.code} (${kind})`,
		retryAfterMs: retryAfterMs(headerValue(res.headers, 'retry-after')),
	});
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
	const code = businessCode(res.body)?.code ?? null;
	return new UpstreamError({
		kind,
		status: res.status,
		code,
		body: safeBody(res.body),
		url: safeTarget(url),
		message: `${method} ${safeTarget(url)}: HTTP ${res.status}${code ? ` business code ${code}` : ''} (${kind})`,
		retryAfterMs: retryAfterMs(headerValue(res.headers, 'retry-after')),
	});
}
