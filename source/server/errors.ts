// Errors over HTTP (docs/cli.md, Service): the CLI's error JSON without the exit code,
// `{"error":{"kind","field","message"}}`, with 400 bad input, 401 no token, 404 unknown, 409 the data
// folder is locked (naming the holder), 413 body over the limit, 500 anything else.
import type {Context} from 'hono';
import {HTTPException} from 'hono/http-exception';
import type {ZodError} from 'zod';
import {CrmError, type CrmErrorKind} from '../lib/errors.js';

export type HttpErrorKind = CrmErrorKind | 'unauthorized' | 'payload_too_large';
export type ErrorStatus = 400 | 401 | 404 | 409 | 413 | 500;

export interface ErrorBody {
	error: {kind: string; field: string | null; message: string};
}

const STATUS: Record<HttpErrorKind, ErrorStatus> = {
	invalid_input: 400,
	usage: 400,
	unauthorized: 401,
	not_found: 404,
	state_locked: 409,
	payload_too_large: 413,
	state_corrupt: 500,
	state_newer: 500,
	host_error: 500,
	operation_failed: 500,
};

/** An error a route raises on purpose; `onError` turns it into the error JSON. */
export class HttpError extends Error {
	constructor(
		readonly kind: HttpErrorKind,
		message: string,
		readonly field: string | null = null,
	) {
		super(message);
		this.name = 'HttpError';
	}
}

export function notFound(field: string, message: string): HttpError {
	return new HttpError('not_found', message, field);
}

export function badInput(field: string, message: string): HttpError {
	return new HttpError('invalid_input', message, field);
}

/**
 * The operations name fields the way the CLI spells them (`--smoke-model`, `HOST`); over HTTP the
 * field is the body or query name (`smoke_model`, `host`). Provider-key flags all mean `key`.
 */
export function httpField(field: string | null): string | null {
	if (field === null) return null;
	if (/^--key(-env|-file|-stdin)?$/.test(field)) return 'key';
	if (!/^(--)?[A-Za-z][\w-]*$/.test(field)) return field;
	return field.replace(/^--/, '').replace(/-/g, '_').toLowerCase();
}

export function errorBody(kind: string, field: string | null, message: string): ErrorBody {
	return {error: {kind, field, message}};
}

/** Any thrown value as status + error JSON (never a stack trace). */
export function toHttpError(error: unknown): {status: ErrorStatus; body: ErrorBody} {
	if (error instanceof HttpError)
		return {status: STATUS[error.kind], body: errorBody(error.kind, error.field, error.message)};
	if (error instanceof CrmError)
		return {
			status: STATUS[error.kind] ?? 500,
			body: errorBody(error.kind, httpField(error.field), error.message),
		};
	if (error instanceof HTTPException) {
		// Hono's own refusals: a body that is not JSON (400), a body over the limit (413).
		const status = ([400, 401, 404, 413] as const).find((s) => s === error.status) ?? 500;
		const kind = status === 413 ? 'payload_too_large' : status === 400 ? 'invalid_input' : 'operation_failed';
		return {status, body: errorBody(kind, status === 400 ? 'body' : null, error.message)};
	}
	if (error instanceof Error && 'kind' in error)
		return {status: 500, body: errorBody('host_error', null, error.message)};
	const message = error instanceof Error ? error.message : String(error);
	return {status: 500, body: errorBody('operation_failed', null, message)};
}

/** The first zod issue as a 400 naming the field (`rows.2.url`, an unknown field, or the query name). */
export function validationError(error: ZodError, target: string): HttpError {
	const issue = error.issues[0];
	const what = target === 'json' ? 'body' : target;
	if (!issue) return badInput(what, `the request ${what} is not what this route takes`);
	const path = issue.path.map(String);
	if (issue.code === 'unrecognized_keys') {
		const field = [...path, issue.keys[0] ?? ''].join('.');
		return badInput(field, `${what} field ${field} is not one this route takes; see /openapi.json`);
	}
	const field = path.length > 0 ? path.join('.') : what;
	return badInput(field, `${what} field ${field}: ${issue.message}`);
}

export function sendError(c: Context, error: unknown): Response {
	const {status, body} = toHttpError(error);
	return c.json(body, status);
}
