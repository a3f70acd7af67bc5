// The one place that talks HTTP (got 14). Every call has a request timeout and honours an AbortSignal.
// Retries are bounded and only for requests the caller marks retryable (GETs, and POSTs that carry an
// Idempotency-Key); they cover network errors, 5xx and 429, and a 429's Retry-After is honoured up to a cap.
// Every answer's body is capped (a host's bytes are never trusted, docs/domain.md): past the cap the
// request is cancelled, not retried, and fails as `too_large` naming the cap.
import got, {RequestError, type Method, type RetryOptions} from 'got';

export interface HttpRequest {
	method: string;
	url: string;
	headers?: Record<string, string>;
	/** Serialised as JSON with content-type application/json. */
	json?: unknown;
	timeoutMs: number;
	/** Extra attempts after the first; only used when `retryable`. */
	retries?: number;
	retryable?: boolean;
	/**
	 * A request that is not `retryable` (a create without Idempotency-Key) is still sent again after
	 * a 429: the host refused it before doing anything, and Retry-After says when to come back.
	 */
	retryRateLimited?: boolean;
	/** Cap for a Retry-After wait (ms); default 10 000. */
	maxRetryAfterMs?: number;
	/** false: retry only on network errors, not on 5xx/429 answers. Default true. */
	retryOnStatus?: boolean;
	/** First backoff step (ms), doubled per attempt; default 300. */
	retryBaseMs?: number;
	/** Largest answer body accepted, in bytes; default MAX_HOST_BODY_BYTES. */
	maxBodyBytes?: number;
	/**
	 * A 429 carrying Retry-After is returned, not retried here: the caller paces every request of
	 * that limit (host/rate-gate.ts). A 429 without it is retried as before.
	 */
	deferRetryAfter?: boolean;
	signal?: AbortSignal;
}

/** A sub2api answer is small: 8 MiB is far above any listing page the tool asks for. */
export const MAX_HOST_BODY_BYTES = 8 * 1024 * 1024;

/** `8 MiB`, for messages. */
export function formatBytes(bytes: number): string {
	return bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MiB` : `${bytes} bytes`;
}

export interface HttpResponse {
	status: number;
	headers: Record<string, string | string[] | undefined>;
	body: string;
	contentType: string;
	/** How many retries were made (0 = first attempt answered). */
	retryCount: number;
}

export type TransportFailure = 'network' | 'timeout' | 'aborted' | 'too_large';

/**
 * No usable HTTP answer: refused, reset, DNS, TLS, timeout, aborted by the caller, or a body over the
 * cap (`too_large`, with the answer's `status`).
 */
export class TransportError extends Error {
	override name = 'TransportError';
	constructor(
		readonly failure: TransportFailure,
		readonly code: string | null,
		message: string,
		readonly status: number | null = null,
	) {
		super(message);
	}
}

export const RETRY_STATUS_CODES = [429, 500, 502, 503, 504, 521, 522, 524];
// ETIMEDOUT is deliberately absent: a request that got no answer within its timeout is not sent
// again, so --timeout-s bounds each request (a stalling host would otherwise cost 3x the limit plus
// backoff per request, and a run far more than the operator configured).
const RETRY_ERROR_CODES = [
	'ECONNRESET',
	'EADDRINUSE',
	'ECONNREFUSED',
	'EPIPE',
	'ENOTFOUND',
	'ENETUNREACH',
	'EAI_AGAIN',
	'EHOSTUNREACH',
];

export async function sendHttp(req: HttpRequest): Promise<HttpResponse> {
	const headers: Record<string, string> = {accept: 'application/json, text/event-stream;q=0.9, */*;q=0.5'};
	for (const [k, v] of Object.entries(req.headers ?? {})) headers[k.toLowerCase()] = v;
	let body: string | undefined;
	if (req.json !== undefined) {
		body = JSON.stringify(req.json);
		headers['content-type'] = 'application/json';
	}
	const limit = req.retryable || req.retryRateLimited ? Math.max(0, req.retries ?? 0) : 0;
	const maxRetryAfterMs = req.maxRetryAfterMs ?? 10_000;
	const base = req.retryBaseMs ?? 300;
	const statusCodes = req.retryOnStatus === false ? [] : RETRY_STATUS_CODES;
	const retry: Partial<RetryOptions> = {
		limit,
		methods: limit > 0 ? [req.method.toUpperCase() as Method] : [],
		statusCodes,
		errorCodes: RETRY_ERROR_CODES,
		calculateDelay: ({attemptCount, error, retryAfter}) => {
			if (limit === 0 || attemptCount > limit) return 0;
			const status = error.response?.statusCode;
			if (!req.retryable && status !== 429) return 0;
			const retriable =
				(status !== undefined && statusCodes.includes(status)) ||
				(status === undefined && RETRY_ERROR_CODES.includes(error.code));
			if (!retriable) return 0;
			if (req.deferRetryAfter && status === 429 && error.response?.headers['retry-after'] !== undefined)
				return 0;
			if (typeof retryAfter === 'number' && retryAfter > 0) return Math.min(retryAfter, maxRetryAfterMs);
			return base * 2 ** (attemptCount - 1);
		},
	};
	if (req.signal?.aborted) throw new TransportError('aborted', 'ABORTED', 'request aborted');
	const cap = req.maxBodyBytes ?? MAX_HOST_BODY_BYTES;
	let overCap: {status: number | null} | null = null;
	let status: number | null = null;
	try {
		const pending = got(req.url, {
			method: req.method.toUpperCase() as Method,
			headers,
			body,
			throwHttpErrors: false,
			followRedirect: false,
			responseType: 'text',
			timeout: {request: req.timeoutMs},
			retry,
			signal: req.signal,
			// No Accept-Encoding: a compressed body would be counted against the cap before it is
			// inflated, so a small gzip could still fill memory.
			decompress: false,
		});
		pending.on('response', (r: {statusCode?: number}) => (status = r.statusCode ?? null));
		// Counted as the body arrives (and from Content-Length up front): past the cap, cancel.
		pending.on('downloadProgress', ({transferred, total}: {transferred: number; total?: number}) => {
			if (overCap || (transferred <= cap && (total ?? 0) <= cap)) return;
			overCap = {status};
			pending.cancel();
		});
		const res = await pending;
		const ct = res.headers['content-type'];
		return {
			status: res.statusCode,
			headers: res.headers,
			body: res.body ?? '',
			contentType: typeof ct === 'string' ? ct : '',
			retryCount: res.retryCount,
		};
	} catch (error) {
		if (overCap) {
			const {status: answered} = overCap as {status: number | null};
			throw new TransportError(
				'too_large',
				'BODY_TOO_LARGE',
				`${req.method} ${safeTarget(req.url)}: the answer is larger than ${formatBytes(cap)} (HTTP ${answered ?? '?'}); it was not read, nor asked for again`,
				answered,
			);
		}
		throw toTransportError(error, req);
	}
}

function toTransportError(error: unknown, req: HttpRequest): TransportError {
	const target = safeTarget(req.url);
	if (req.signal?.aborted)
		return new TransportError('aborted', 'ABORTED', `${req.method} ${target}: aborted`);
	if (error instanceof RequestError) {
		if (error.name === 'TimeoutError' || error.code === 'ETIMEDOUT') {
			return new TransportError(
				'timeout',
				'ETIMEDOUT',
				`${req.method} ${target}: no answer within ${req.timeoutMs} ms`,
			);
		}
		if (error.name === 'AbortError' || error.code === 'ERR_ABORTED') {
			return new TransportError('aborted', 'ABORTED', `${req.method} ${target}: aborted`);
		}
		const code = error.code ?? null;
		return new TransportError('network', code, `${req.method} ${target}: ${code ?? 'network error'}`);
	}
	const e = error as {name?: string; code?: string};
	if (e?.name === 'AbortError')
		return new TransportError('aborted', 'ABORTED', `${req.method} ${target}: aborted`);
	return new TransportError('network', e?.code ?? null, `${req.method} ${target}: network error`);
}

/** scheme://host[:port]/path without query string or credentials, for messages. */
export function safeTarget(url: string): string {
	try {
		const u = new URL(url);
		return `${u.protocol}//${u.host}${u.pathname}`;
	} catch {
		return '<invalid url>';
	}
}

export function headerValue(h: Record<string, string | string[] | undefined>, name: string): string | null {
	const v = h[name.toLowerCase()];
	if (Array.isArray(v)) return v[0] ?? null;
	return v ?? null;
}
