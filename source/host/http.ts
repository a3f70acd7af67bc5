// The one place that talks HTTP: node:http/https with one keep-alive agent each. Every call has a
// request timeout and honours an AbortSignal. Retries are bounded and only for requests the caller
// marks retryable (GETs, and POSTs that carry an Idempotency-Key); they cover network errors, 5xx and
// 429, and a 429's Retry-After is honoured up to a cap. Every answer's body is capped (a host's bytes
// are never trusted, docs/domain.md): past the cap the request is cancelled, not retried, and fails
// as `too_large` naming the cap.
// Why not got (which this used before): at a batch import's request rate got's per-request work
// (option normalisation, hooks, its timers) cost ~1.2 ms of CPU and ~5 ms of wall time per request
// against ~0.35 ms and <1 ms for node:http over a kept-alive connection (docs/benchmarks.md, batch
// import scaling), and an import needs none of what got adds over node:http: redirects are never
// followed, compression is never asked for (a compressed body would be counted against the cap
// before it is inflated), no cookies; the retry rule was already ours (calculateDelay).
import http from 'node:http';
import https from 'node:https';

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

// Idle kept-alive sockets are unref'd by the agent, so they never hold a finished process open.
const agents = {
	'http:': new http.Agent({keepAlive: true, maxSockets: 64, timeout: 60_000}),
	'https:': new https.Agent({keepAlive: true, maxSockets: 64, timeout: 60_000}),
} as const;

export async function sendHttp(req: HttpRequest): Promise<HttpResponse> {
	const headers: Record<string, string> = {accept: 'application/json, text/event-stream;q=0.9, */*;q=0.5'};
	for (const [k, v] of Object.entries(req.headers ?? {})) headers[k.toLowerCase()] = v;
	let body: string | undefined;
	if (req.json !== undefined) {
		body = JSON.stringify(req.json);
		headers['content-type'] = 'application/json';
	}
	if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
	const method = req.method.toUpperCase();
	const limit = req.retryable || req.retryRateLimited ? Math.max(0, req.retries ?? 0) : 0;
	const statusCodes = req.retryOnStatus === false ? [] : RETRY_STATUS_CODES;
	for (let attempt = 1; ; attempt++) {
		if (req.signal?.aborted)
			throw new TransportError('aborted', 'ABORTED', `${method} ${safeTarget(req.url)}: aborted`);
		const cap = req.maxBodyBytes ?? MAX_HOST_BODY_BYTES;
		let res: HttpResponse | null = null;
		let failure: TransportError | null = null;
		try {
			res = {...(await requestOnce(req, method, headers, body, cap)), retryCount: attempt - 1};
		} catch (error) {
			failure = toTransportError(error, req);
			// Neither an abort nor an answer over the cap is asked for again.
			if (failure.failure === 'aborted' || failure.failure === 'too_large') throw failure;
		}
		const delay = attempt > limit ? null : retryDelay(req, res, failure, attempt, statusCodes);
		if (delay === null) {
			if (failure) throw failure;
			return res!;
		}
		await waitMs(delay, req.signal).catch(() => {
			throw new TransportError('aborted', 'ABORTED', `${method} ${safeTarget(req.url)}: aborted`);
		});
	}
}

/** How long to wait before the next attempt, or null when this answer (or failure) is final. */
function retryDelay(
	req: HttpRequest,
	res: HttpResponse | null,
	failure: TransportError | null,
	attempt: number,
	statusCodes: number[],
): number | null {
	const status = res?.status;
	// A request that is not retryable is sent again only after a 429 (the host did nothing with it).
	if (!req.retryable && status !== 429) return null;
	const retriable =
		(status !== undefined && statusCodes.includes(status)) ||
		(failure !== null && failure.failure === 'network' && RETRY_ERROR_CODES.includes(failure.code ?? ''));
	if (!retriable) return null;
	const retryAfter = res && status === 429 ? headerValue(res.headers, 'retry-after') : null;
	if (retryAfter !== null && req.deferRetryAfter) return null;
	const seconds = retryAfter === null ? Number.NaN : Number(retryAfter);
	if (Number.isFinite(seconds) && seconds > 0) return Math.min(seconds * 1000, req.maxRetryAfterMs ?? 10_000);
	return (req.retryBaseMs ?? 300) * 2 ** (attempt - 1);
}

function waitMs(ms: number, signal?: AbortSignal): Promise<void> {
	return new Promise((resolve, reject) => {
		const onAbort = () => {
			clearTimeout(timer);
			reject(new Error('aborted'));
		};
		const timer = setTimeout(() => {
			signal?.removeEventListener('abort', onAbort);
			resolve();
		}, ms);
		signal?.addEventListener('abort', onAbort, {once: true});
	});
}

class TimeoutFailure extends Error {
	override name = 'TimeoutError';
	readonly code = 'ETIMEDOUT';
}

/** The answer is larger than the cap: counted from Content-Length up front and as it arrives. */
class TooLarge extends Error {
	constructor(
		readonly status: number | null,
		readonly cap: number,
	) {
		super('answer too large');
	}
}

/** One request and its whole answer as text; the timeout covers everything from send to last byte. */
function requestOnce(
	req: HttpRequest,
	method: string,
	headers: Record<string, string>,
	body: string | undefined,
	cap: number,
): Promise<Omit<HttpResponse, 'retryCount'>> {
	return new Promise((resolve, reject) => {
		const url = new URL(req.url);
		const lib = url.protocol === 'https:' ? https : http;
		const agent = url.protocol === 'https:' ? agents['https:'] : agents['http:'];
		const outgoing = lib.request(url, {method, headers, agent});
		const timer = setTimeout(() => outgoing.destroy(new TimeoutFailure('timeout')), req.timeoutMs);
		const onAbort = () => outgoing.destroy(Object.assign(new Error('aborted'), {name: 'AbortError'}));
		req.signal?.addEventListener('abort', onAbort, {once: true});
		const done = () => {
			clearTimeout(timer);
			req.signal?.removeEventListener('abort', onAbort);
		};
		outgoing.on('error', (error) => {
			done();
			reject(error);
		});
		outgoing.on('response', (res) => {
			const chunks: Buffer[] = [];
			let size = 0;
			const status = res.statusCode ?? null;
			if (Number(res.headers['content-length'] ?? 0) > cap) {
				outgoing.destroy(new TooLarge(status, cap));
				return;
			}
			res.on('data', (chunk: Buffer) => {
				size += chunk.length;
				if (size > cap) outgoing.destroy(new TooLarge(status, cap));
				else chunks.push(chunk);
			});
			res.on('error', (error) => {
				done();
				reject(error);
			});
			res.on('end', () => {
				done();
				const ct = res.headers['content-type'];
				resolve({
					status: res.statusCode ?? 0,
					headers: res.headers,
					body: Buffer.concat(chunks).toString('utf8'),
					contentType: typeof ct === 'string' ? ct : '',
				});
			});
		});
		outgoing.end(body);
	});
}

function toTransportError(error: unknown, req: HttpRequest): TransportError {
	const target = safeTarget(req.url);
	if (req.signal?.aborted)
		return new TransportError('aborted', 'ABORTED', `${req.method} ${target}: aborted`);
	if (error instanceof TooLarge)
		return new TransportError(
			'too_large',
			'BODY_TOO_LARGE',
			`${req.method} ${target}: the answer is larger than ${formatBytes(error.cap)} (HTTP ${error.status ?? '?'}); it was not read, nor asked for again`,
			error.status,
		);
	const e = error as {name?: string; code?: string};
	if (error instanceof TimeoutFailure)
		return new TransportError(
			'timeout',
			'ETIMEDOUT',
			`${req.method} ${target}: no answer within ${req.timeoutMs} ms`,
		);
	if (e?.name === 'AbortError')
		return new TransportError('aborted', 'ABORTED', `${req.method} ${target}: aborted`);
	const code = typeof e?.code === 'string' ? e.code : null;
	return new TransportError('network', code, `${req.method} ${target}: ${code ?? 'network error'}`);
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
