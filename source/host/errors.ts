// One error type for everything a sub2api host can answer (docs/domain.md "The host"):
// middleware `{"code":"STRING","message"}`, handler `{"code":<int>,"message","reason"?,"metadata"?}`,
// gateway `{"error":{"type","message"}}` (and Anthropic-style `{"type":"error","error":{...}}`),
// gin's text `404 page not found`, and anything else (HTML, truncated JSON) that is not sub2api.
import {redactText, redactValue} from '../lib/secrets.js';

export type HostErrorKind =
	| 'auth'
	| 'compliance_required'
	| 'step_up_required'
	| 'not_found'
	| 'conflict'
	| 'validation'
	| 'rate_limited'
	| 'host_error'
	| 'upstream_error'
	| 'network'
	| 'timeout'
	| 'not_sub2api'
	/** The answer's body was over the cap (8 MiB); it was not read. */
	| 'too_large';

export interface HostErrorInit {
	kind: HostErrorKind;
	message: string;
	status?: number | null;
	code?: string | null;
	reason?: string | null;
	metadata?: Record<string, unknown> | null;
	method?: string;
	path?: string;
	retryAfterS?: number | null;
	cause?: unknown;
}

export class HostError extends Error {
	override name = 'HostError';
	kind: HostErrorKind;
	status: number | null;
	/** Middleware string code (`INVALID_ADMIN_KEY`), or the gateway `error.type`, or a synthetic code. */
	code: string | null;
	/** Handler machine reason (`GROUP_EXISTS`). */
	reason: string | null;
	metadata: Record<string, unknown> | null;
	method: string;
	path: string;
	retryAfterS: number | null;

	constructor(init: HostErrorInit) {
		super(init.message, init.cause === undefined ? undefined : {cause: init.cause});
		this.kind = init.kind;
		this.status = init.status ?? null;
		this.code = init.code ?? null;
		this.reason = init.reason ?? null;
		this.metadata = init.metadata ?? null;
		this.method = init.method ?? '';
		this.path = init.path ?? '';
		this.retryAfterS = init.retryAfterS ?? null;
	}

	/** `code` or `reason`, whichever the host gave: the machine-readable name of the failure. */
	get machineCode(): string | null {
		return this.reason ?? this.code;
	}

	toJSON(): Record<string, unknown> {
		return {
			kind: this.kind,
			status: this.status,
			code: this.code,
			reason: this.reason,
			message: this.message,
			method: this.method,
			path: this.path,
			retry_after_s: this.retryAfterS,
			metadata: this.metadata,
		};
	}
}

export function isHostError(e: unknown): e is HostError {
	return e instanceof HostError;
}

export interface ErrorInput {
	status: number;
	body: string;
	contentType?: string | null;
	method: string;
	path: string;
	retryAfter?: string | string[] | null;
}

/** The parsed pieces of an error body; `shape` says which of the known shapes it was. */
export interface ParsedErrorBody {
	shape: 'middleware' | 'handler' | 'gateway' | 'gin_404' | 'other';
	code: string | null;
	reason: string | null;
	message: string | null;
	metadata: Record<string, unknown> | null;
}

export function parseErrorBody(body: string): ParsedErrorBody {
	const text = body.trim();
	if (/^404 page not found$/i.test(text)) {
		return {shape: 'gin_404', code: 'ROUTE_NOT_FOUND', reason: null, message: null, metadata: null};
	}
	let json: unknown;
	try {
		json = JSON.parse(text);
	} catch {
		return {shape: 'other', code: null, reason: null, message: null, metadata: null};
	}
	if (!json || typeof json !== 'object' || Array.isArray(json)) {
		return {shape: 'other', code: null, reason: null, message: null, metadata: null};
	}
	const o = json as Record<string, unknown>;
	const str = (v: unknown) => (typeof v === 'string' && v.length > 0 ? v : null);
	const obj = (v: unknown) =>
		v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
	const err = obj(o.error);
	if (err) {
		// OpenAI {"error":{type,message,code?}} or Anthropic {"type":"error","error":{type,message}}
		return {
			shape: 'gateway',
			code: str(err.type) ?? str(err.code),
			reason: typeof err.code === 'string' && err.code !== err.type ? err.code : null,
			message: str(err.message),
			metadata: null,
		};
	}
	if (typeof o.code === 'string') {
		return {
			shape: 'middleware',
			code: o.code,
			reason: str(o.reason),
			message: str(o.message),
			metadata: obj(o.metadata),
		};
	}
	if (typeof o.code === 'number') {
		return {
			shape: 'handler',
			code: null,
			reason: str(o.reason),
			message: str(o.message),
			metadata: obj(o.metadata),
		};
	}
	if (typeof o.error === 'string') {
		// e.g. 409 {"error":"mixed_channel_warning","message":"..."}
		return {shape: 'middleware', code: o.error, reason: null, message: str(o.message), metadata: null};
	}
	return {shape: 'other', code: null, reason: null, message: null, metadata: null};
}

const STEP_UP_CODES = new Set([
	'STEP_UP_ADMIN_API_KEY_FORBIDDEN',
	'STEP_UP_SESSION_REQUIRED',
	'STEP_UP_TOTP_NOT_ENABLED',
	'STEP_UP_REQUIRED',
	'STEP_UP_UNAVAILABLE',
]);

function kindFor(status: number, p: ParsedErrorBody): HostErrorKind {
	const code = p.reason ?? p.code ?? '';
	if (STEP_UP_CODES.has(code) || STEP_UP_CODES.has(p.code ?? '')) return 'step_up_required';
	if (status === 423 || code === 'ADMIN_COMPLIANCE_ACK_REQUIRED') return 'compliance_required';
	if (p.code === 'upstream_error') return 'upstream_error';
	if (status === 401 || status === 403) return 'auth';
	if (status === 404) return 'not_found';
	if (status === 409) return 'conflict';
	if (status === 400 || status === 422) return 'validation';
	if (status === 429) return 'rate_limited';
	if (status === 408) return 'timeout';
	return 'host_error';
}

export function parseRetryAfter(value: string | string[] | null | undefined): number | null {
	const v = Array.isArray(value) ? value[0] : value;
	if (!v) return null;
	const n = Number(v);
	if (Number.isFinite(n)) return Math.max(0, n);
	const at = Date.parse(v);
	if (Number.isNaN(at)) return null;
	return Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

/** Turns a non-success HTTP answer into a HostError (never throws itself). */
export function hostErrorFromResponse(input: ErrorInput): HostError {
	const p = parseErrorBody(input.body);
	const where = `${input.method} ${input.path}`;
	const retryAfterS = parseRetryAfter(input.retryAfter);
	if (p.shape === 'gin_404') {
		return new HostError({
			kind: 'not_found',
			status: input.status,
			code: 'ROUTE_NOT_FOUND',
			message: `${where}: route does not exist on this host (404 page not found)`,
			method: input.method,
			path: input.path,
		});
	}
	if (p.shape === 'other') {
		const html = /^\s*</.test(input.body) || /html/i.test(input.contentType ?? '');
		const kind: HostErrorKind = input.status >= 500 ? 'host_error' : 'not_sub2api';
		return new HostError({
			kind,
			status: input.status,
			code: html ? 'NON_API_HTML' : 'NON_ENVELOPE',
			message:
				kind === 'host_error'
					? `${where}: HTTP ${input.status} without a sub2api error body`
					: `${where}: HTTP ${input.status} answer is not a sub2api API response (${html ? 'HTML page' : 'unrecognised body'})`,
			method: input.method,
			path: input.path,
			retryAfterS,
		});
	}
	const kind = kindFor(input.status, p);
	const name = p.reason ?? p.code;
	const text = p.message ? redactText(p.message) : 'no message';
	return new HostError({
		kind,
		status: input.status,
		code: p.code,
		reason: p.reason,
		metadata: p.metadata ? redactValue(p.metadata) : null,
		message: `${where}: HTTP ${input.status}${name ? ` ${name}` : ''}: ${text}`,
		method: input.method,
		path: input.path,
		retryAfterS,
	});
}
