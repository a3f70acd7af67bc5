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

export const DEFAULT_TIMEOUT_MS = 15_000;
export const DEFAULT_RETRIES = 2;
export const CRM_VERSION = '0.1.0';
export const DEFAULT_USER_AGENT = `crm/${CRM_VERSION}`;

export interface TransportOptions {
	baseUrl: string;
	timeoutMs?: number;
	retries?: number;
	signal?: AbortSignal;
	userAgent?: string;
	maxRetryAfterMs?: number;
	retryBaseMs?: number;
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

	constructor(o: TransportOptions) {
		this.baseUrl = normaliseBaseUrl(o.baseUrl);
		this.timeoutMs = o.timeoutMs ?? DEFAULT_TIMEOUT_MS;
		this.retries = o.retries ?? DEFAULT_RETRIES;
		this.userAgent = o.userAgent ?? DEFAULT_USER_AGENT;
		this.signal = o.signal;
		this.maxRetryAfterMs = o.maxRetryAfterMs;
		this.retryBaseMs = o.retryBaseMs;
	}

	url(path: string, query?: Query): string {
		const u = new URL(this.baseUrl + path);
		for (const [k, v] of Object.entries(query ?? {})) {
			if (v !== undefined && v !== null && v !== '') u.searchParams.set(k, String(v));
		}
		return u.toString();
	}

	/** Sends one request; an HTTP answer of any status is returned, a missing answer throws HostError. */
	async send(method: string, path: string, o: SendOptions = {}): Promise<HttpResponse> {
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
