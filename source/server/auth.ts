// Who may call the service: `Authorization: Bearer <token>` on every /api/v1 route, compared in
// constant time (both sides hashed first, so their lengths leak nothing either). The status page
// exchanges `/?token=T` once for an HttpOnly, SameSite=Strict cookie; the cookie is accepted on reads
// (GET) only, so a page in another tab can never make the service change anything.
import {createHash, timingSafeEqual} from 'node:crypto';
import type {Context, MiddlewareHandler} from 'hono';
import {getCookie, setCookie} from 'hono/cookie';
import {HttpError, sendError} from './errors.js';

export const COOKIE = 'crm_token';

const digest = (value: string) => createHash('sha256').update(value).digest();

export function sameToken(given: string, expected: string): boolean {
	return timingSafeEqual(digest(given), digest(expected));
}

function bearer(c: Context): string | null {
	const header = c.req.header('authorization');
	if (!header) return null;
	const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
	return match ? match[1]! : '';
}

/** Whether the request carries the token (header; or the page's cookie on a GET). */
export function authorized(c: Context, token: string): boolean {
	const given = bearer(c);
	if (given !== null) return sameToken(given, token);
	if (c.req.method !== 'GET' && c.req.method !== 'HEAD') return false;
	const cookie = getCookie(c, COOKIE);
	return cookie !== undefined && sameToken(cookie, token);
}

export function requireToken(token: string): MiddlewareHandler {
	return async (c, next) => {
		if (!authorized(c, token))
			return sendError(
				c,
				new HttpError(
					'unauthorized',
					'this route needs Authorization: Bearer <token>; the token is in the file crm serve printed as token_file',
					'Authorization',
				),
			);
		await next();
	};
}

/** Sets the page cookie (the token itself, never readable by scripts). */
export function setPageCookie(c: Context, token: string): void {
	setCookie(c, COOKIE, token, {httpOnly: true, sameSite: 'Strict', path: '/'});
}
