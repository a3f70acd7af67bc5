// Request context, a tiny router and the three error shapes of a sub2api host.
import type {IncomingMessage, ServerResponse} from 'node:http';
import type {UserRow} from './types.js';

export interface Ctx {
	req: IncomingMessage;
	res: ServerResponse;
	method: string;
	path: string;
	query: URLSearchParams;
	params: Record<string, string>;
	rawBody: string;
	/** host_truncated_json fault applies to this request. */
	truncateJson: boolean;
	/** lose_create_answer (after): true for the answer that is dropped instead of sent. */
	dropAnswer?: (status: number) => boolean;
	actor?: UserRow;
	authMethod?: 'admin_api_key' | 'jwt';
	familyId?: string;
}

export type Handler = (ctx: Ctx) => void | Promise<void>;

interface Route {
	method: string;
	parts: string[];
	handler: Handler;
}

export class Router {
	private readonly routes: Route[] = [];

	add(method: string, pattern: string, handler: Handler): void {
		this.routes.push({method, parts: splitPath(pattern), handler});
	}

	match(method: string, path: string): {handler: Handler; params: Record<string, string>} | null {
		const parts = splitPath(path);
		let best: {handler: Handler; params: Record<string, string>; score: number} | null = null;
		for (const route of this.routes) {
			if (route.method !== method || route.parts.length !== parts.length) continue;
			const params: Record<string, string> = {};
			let score = 0;
			let matched = true;
			for (let i = 0; i < parts.length; i++) {
				const want = route.parts[i];
				if (want.startsWith(':')) {
					params[want.slice(1)] = decodeURIComponent(parts[i]);
				} else if (want === parts[i]) {
					score++;
				} else {
					matched = false;
					break;
				}
			}
			// Static segments win over parameters, as in gin's tree.
			if (matched && (!best || score > best.score)) best = {handler: route.handler, params, score};
		}
		return best ? {handler: best.handler, params: best.params} : null;
	}
}

function splitPath(path: string): string[] {
	return path.split('/').filter((segment) => segment !== '');
}

export function sendRaw(
	ctx: Ctx,
	status: number,
	contentType: string,
	text: string,
	headers: Record<string, string> = {},
): void {
	if (ctx.res.headersSent || ctx.res.destroyed) return;
	if (ctx.dropAnswer?.(status)) {
		ctx.req.socket.destroy();
		return;
	}
	ctx.res.writeHead(status, {
		'content-type': contentType,
		'content-length': String(Buffer.byteLength(text)),
		...headers,
	});
	ctx.res.end(text);
}

export function sendJson(
	ctx: Ctx,
	status: number,
	body: unknown,
	headers: Record<string, string> = {},
): void {
	let text = JSON.stringify(body);
	if (ctx.truncateJson) text = text.slice(0, Math.max(1, Math.floor(text.length / 2)));
	sendRaw(ctx, status, 'application/json; charset=utf-8', text, headers);
}

/** Success envelope (`response.Success`, or `response.Created` with status 201). */
export function ok(ctx: Ctx, data: unknown, status = 200, headers: Record<string, string> = {}): void {
	sendJson(ctx, status, {code: 0, message: 'success', data}, headers);
}

/** Handler error: int code, optional reason and metadata. */
export function fail(
	ctx: Ctx,
	status: number,
	message: string,
	reason?: string,
	metadata?: Record<string, unknown>,
): void {
	const body: Record<string, unknown> = {code: status, message};
	if (reason) body.reason = reason;
	if (metadata) body.metadata = metadata;
	sendJson(ctx, status, body);
}

export function internalError(ctx: Ctx): void {
	fail(ctx, 500, 'internal error');
}

/** Middleware error: string code. */
export function mwFail(
	ctx: Ctx,
	status: number,
	code: string,
	message: string,
	headers: Record<string, string> = {},
): void {
	sendJson(ctx, status, {code, message}, headers);
}

/** Gateway error, OpenAI style. */
export function gwFail(ctx: Ctx, status: number, type: string, message: string): void {
	sendJson(ctx, status, {error: {type, message}});
}

/** gin's NoRoute answer for API prefixes. */
export function text404(ctx: Ctx): void {
	sendRaw(ctx, 404, 'text/plain', '404 page not found');
}

export const SPA_HTML =
	'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sub2API</title></head>' +
	'<body><div id="app"></div><script type="module" src="/assets/index.js"></script></body></html>';

export function spa(ctx: Ctx): void {
	sendRaw(ctx, 200, 'text/html; charset=utf-8', SPA_HTML);
}

/** Parses the JSON body as gin's ShouldBindJSON would; answers 400 and returns null on failure. */
export function parseBody(ctx: Ctx, goType: string, allowEmpty = false): Record<string, any> | null {
	if (ctx.rawBody.trim() === '') {
		if (allowEmpty) return {};
		fail(ctx, 400, 'Invalid request: EOF');
		return null;
	}
	let value: unknown;
	try {
		value = JSON.parse(ctx.rawBody);
	} catch (error) {
		fail(ctx, 400, `Invalid request: invalid character in JSON body (${(error as Error).message})`);
		return null;
	}
	if (value === null || typeof value !== 'object' || Array.isArray(value)) {
		const kind = Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value;
		if (value === null && allowEmpty) return {};
		fail(ctx, 400, `Invalid request: json: cannot unmarshal ${kind} into Go value of type ${goType}`);
		return null;
	}
	return value as Record<string, any>;
}

/** Parses an int64 path id; answers 400 "Invalid <x> ID" and returns null on failure. */
export function parseId(ctx: Ctx, label: string, name = 'id'): number | null {
	const raw = ctx.params[name] ?? '';
	if (!/^-?\d{1,18}$/.test(raw)) {
		fail(ctx, 400, `Invalid ${label} ID`);
		return null;
	}
	return Number(raw);
}

export function header(ctx: Ctx, name: string): string {
	const value = ctx.req.headers[name.toLowerCase()];
	if (Array.isArray(value)) return value[0] ?? '';
	return value ?? '';
}

export function sleep(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}
