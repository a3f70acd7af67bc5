// Host-bound HTTP: base URL + path + query, constant User-Agent, timeouts/retries, and the sub2api envelope
// `{"code":0,"message":"success","data":...}` unwrapped and validated with zod. Failures become HostError.
import type {z} from 'zod';
import {registerSecretsIn} from '../lib/secrets.js';
import {HostError, hostErrorFromResponse} from './errors.js';
import {
	formatBytes,
	headerValue,
	MAX_HOST_BODY_BYTES,
	sendHttp,
	TransportError,
	type HttpResponse,
} from './http.js';
import {bucketOf, closeGate, gateOpensAt, pause, type RateWait} from './rate-gate.js';

export const DEFAULT_TIMEOUT_MS = 15_000;
export const DEFAULT_RETRIES = 2;
export const CRM_VERSION = '0.1.0';
export const DEFAULT_USER_AGENT = `crm/${CRM_VERSION}`;
/** Times a request is sent again after a 429 with Retry-After (the host did nothing with it). */
export const DEFAULT_RATE_RETRIES = 20;
/** The longest a request waits in all for a host's rate limits (five of its one-minute windows). */
export const DEFAULT_MAX_RATE_WAIT_MS = 5 * 60_000;

export interface TransportOptions {
	baseUrl: string;
	timeoutMs?: number;
	retries?: number;
	signal?: AbortSignal;
	userAgent?: string;
	maxRetryAfterMs?: number;
	retryBaseMs?: number;
	/** The host limit this client's calls count against (rate-gate.ts); default `panel`. */
	rateBucket?: string;
	/** Resends after a 429 with Retry-After; default 20, 0 when `retries` is 0. */
	rateRetries?: number;
	/** Longest total wait for rate limits per request; default five minutes. */
	maxRateWaitMs?: number;
	/** Told whenever a request waits for a rate limit (a step shows it as progress). */
	onRateWait?: (wait: RateWait) => void;
}

export type Query = Record<string, string | number | boolean | null | undefined>;

export interface SendOptions {
	query?: Query;
	json?: unknown;
	headers?: Record<string, string>;
	/** Sent as `Idempotency-Key`; makes a POST retryable. */
	idempotencyKey?: string;
	/** Override the GET-only retry rule (false = never retry). */
	retryable?: boolean;
	/** false: a 429 with Retry-After is returned as it is (the caller has its own window). */
	rateRetry?: boolean;
	timeoutMs?: number;
}

export class HostTransport {
	readonly baseUrl: string;
	readonly timeoutMs: number;
	readonly retries: number;
	readonly userAgent: string;
	readonly signal?: AbortSignal;
	readonly maxRetryAfterMs?: number;
	readonly retryBaseMs?: number;
	readonly rateBucket: string;
	readonly rateRetries: number;
	readonly maxRateWaitMs: number;
	readonly onRateWait?: (wait: RateWait) => void;

	constructor(o: TransportOptions) {
		this.baseUrl = normaliseBaseUrl(o.baseUrl);
		this.timeoutMs = o.timeoutMs ?? DEFAULT_TIMEOUT_MS;
		this.retries = o.retries ?? DEFAULT_RETRIES;
		this.userAgent = o.userAgent ?? DEFAULT_USER_AGENT;
		this.signal = o.signal;
		this.maxRetryAfterMs = o.maxRetryAfterMs;
		this.retryBaseMs = o.retryBaseMs;
		this.rateBucket = o.rateBucket ?? 'panel';
		this.rateRetries = o.rateRetries ?? (this.retries === 0 ? 0 : DEFAULT_RATE_RETRIES);
		this.maxRateWaitMs = o.maxRateWaitMs ?? DEFAULT_MAX_RATE_WAIT_MS;
		this.onRateWait = o.onRateWait;
	}

	url(path: string, query?: Query): string {
		const u = new URL(this.baseUrl + path);
		for (const [k, v] of Object.entries(query ?? {})) {
			if (v !== undefined && v !== null && v !== '') u.searchParams.set(k, String(v));
		}
		return u.toString();
	}

	/**
	 * Sends one request; an HTTP answer of any status is returned, a missing answer throws HostError.
	 * A 429 with Retry-After is sent again once the host's limit takes requests again (every request
	 * of this process for that limit waits too: rate-gate.ts), within a bounded count and total wait;
	 * the host refused it before acting on it, so this holds for writes as well.
	 */
	async send(method: string, path: string, o: SendOptions = {}): Promise<HttpResponse> {
		const bucket = bucketOf(path, this.rateBucket);
		const retries = o.rateRetry === false ? 0 : this.rateRetries;
		let waited = 0;
		for (let attempt = 0; ; attempt++) {
			const opensAt = gateOpensAt(this.baseUrl, bucket);
			if (opensAt > Date.now()) {
				const ms = opensAt - Date.now();
				waited += ms;
				await this.wait({method, path, bucket, waitMs: ms, reason: 'paced'});
			}
			const res = await this.sendOnce(method, path, o);
			const asked = res.status === 429 ? retryAfterMs(res) : null;
			// One wait is capped (maxRetryAfterMs, else one window): a host asking for longer is asked again.
			const after = asked === null ? null : Math.min(asked, this.maxRetryAfterMs ?? 60_000);
			if (after === null || attempt >= retries || waited + after > this.maxRateWaitMs) return res;
			closeGate(this.baseUrl, bucket, Date.now() + after);
			waited += after;
			await this.wait({method, path, bucket, waitMs: after, reason: 'retry-after'});
		}
	}

	private async wait(w: RateWait): Promise<void> {
		this.onRateWait?.(w);
		try {
			await pause(w.waitMs, this.signal);
		} catch {
			throw new HostError({
				kind: 'network',
				code: 'ABORTED',
				message: `${w.method} ${w.path}: aborted while waiting for the host's rate limit`,
				method: w.method,
				path: w.path,
			});
		}
	}

	private async sendOnce(method: string, path: string, o: SendOptions): Promise<HttpResponse> {
		const headers: Record<string, string> = {'user-agent': this.userAgent, ...(o.headers ?? {})};
		if (o.idempotencyKey) headers['idempotency-key'] = o.idempotencyKey;
		const retryable = o.retryable ?? (method === 'GET' || (method === 'POST' && Boolean(o.idempotencyKey)));
		try {
			return await sendHttp({
				method,
				url: this.url(path, o.query),
				headers,
				json: o.json,
				timeoutMs: o.timeoutMs ?? this.timeoutMs,
				retries: this.retries,
				retryable,
				// Only the default rule: an explicit `retryable: false` (logins, probes) means never.
				retryRateLimited: o.retryable === undefined,
				maxRetryAfterMs: this.maxRetryAfterMs,
				retryBaseMs: this.retryBaseMs,
				maxBodyBytes: MAX_HOST_BODY_BYTES,
				deferRetryAfter: o.rateRetry !== false && this.rateRetries > 0,
				signal: this.signal,
			});
		} catch (error) {
			if (error instanceof TransportError && error.failure === 'too_large') {
				throw new HostError({
					kind: 'too_large',
					status: error.status,
					code: error.code,
					message: `${method} ${path}: the host's answer is larger than ${formatBytes(MAX_HOST_BODY_BYTES)}; it was not read (check the URL points at a sub2api host)`,
					method,
					path,
				});
			}
			if (error instanceof TransportError) {
				throw new HostError({
					kind: error.failure === 'timeout' ? 'timeout' : 'network',
					code: error.code,
					message: `${method} ${path}: ${error.failure === 'timeout' ? `no answer within ${o.timeoutMs ?? this.timeoutMs} ms` : `cannot reach host (${error.code ?? error.failure})`}`,
					method,
					path,
				});
			}
			throw error;
		}
	}
}

/** A 429's Retry-After in ms (seconds, or an HTTP date); null when absent or unreadable. */
export function retryAfterMs(res: HttpResponse): number | null {
	const raw = headerValue(res.headers, 'retry-after');
	if (raw === null || raw.trim() === '') return null;
	const seconds = Number(raw);
	if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
	const at = Date.parse(raw);
	return Number.isNaN(at) ? null : Math.max(0, at - Date.now());
}

export function normaliseBaseUrl(base: string): string {
	let u: URL;
	try {
		u = new URL(base.trim());
	} catch {
		throw new HostError({kind: 'validation', code: 'INVALID_URL', message: 'host URL is not a valid URL'});
	}
	if (u.protocol !== 'http:' && u.protocol !== 'https:') {
		throw new HostError({kind: 'validation', code: 'INVALID_URL', message: 'host URL must be http(s)'});
	}
	return `${u.protocol}//${u.host}${u.pathname.replace(/\/+$/, '')}`;
}

export function isOk(res: HttpResponse): boolean {
	return res.status >= 200 && res.status < 300;
}

export function errorOf(res: HttpResponse, method: string, path: string): HostError {
	return hostErrorFromResponse({
		status: res.status,
		body: res.body,
		contentType: res.contentType,
		method,
		path,
		retryAfter: headerValue(res.headers, 'retry-after'),
	});
}

/** Parses a body as JSON or throws not_sub2api. */
export function parseJson(res: HttpResponse, method: string, path: string): unknown {
	try {
		return JSON.parse(res.body);
	} catch {
		throw new HostError({
			kind: 'not_sub2api',
			status: res.status,
			code: /^\s*</.test(res.body) ? 'NON_API_HTML' : 'BAD_JSON',
			message: `${method} ${path}: HTTP ${res.status} answer is not JSON`,
			method,
			path,
		});
	}
}

/** Unwraps a successful sub2api envelope and validates `data`; a failure answer throws its HostError. */
export function unwrap<S extends z.ZodType>(
	res: HttpResponse,
	schema: S,
	method: string,
	path: string,
): z.output<S> {
	if (!isOk(res)) throw errorOf(res, method, path);
	const json = parseJson(res, method, path) as Record<string, unknown> | null;
	if (!json || typeof json !== 'object' || !('code' in json) || !('data' in json)) {
		throw new HostError({
			kind: 'not_sub2api',
			status: res.status,
			code: 'NON_ENVELOPE',
			message: `${method} ${path}: HTTP ${res.status} answer lacks the sub2api envelope`,
			method,
			path,
		});
	}
	if (json.code !== 0) throw errorOf({...res, status: res.status >= 400 ? res.status : 500}, method, path);
	// Whatever the host issues (user keys, session tokens) is a secret from the moment it arrives.
	registerSecretsIn(json.data);
	const parsed = schema.safeParse(json.data);
	if (!parsed.success) {
		const issue = parsed.error.issues[0];
		throw new HostError({
			kind: 'not_sub2api',
			status: res.status,
			code: 'SCHEMA_MISMATCH',
			message: `${method} ${path}: unexpected answer shape (${issue ? `${issue.path.join('.') || '<root>'}: ${issue.message}` : 'invalid'})`,
			method,
			path,
		});
	}
	return parsed.data;
}
