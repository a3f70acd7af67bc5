// A hostile or careless host (issue faults for the trust rules in docs/domain.md): error messages
// that quote the credential or password the request carried, and answers far larger than any
// sub2api answer. Each is a fault switch; with all off the host behaves as docs/domain.md "The host" says.
import type {ServerResponse} from 'node:http';
import {type Ctx, fail, header, mwFail} from './http-util.js';
import type {SandboxState} from './state.js';

/** 9 MiB: over the client's 8 MiB cap for a host answer. */
export const HUGE_HOST_BODY_BYTES = 9 * 1024 * 1024;

/** Writes `bytes` of a JSON document in 64 KiB chunks without a Content-Length (so only counting stops it). */
export function streamHugeJson(res: ServerResponse, bytes: number, head: string, tail: string): void {
	res.on('error', () => {}); // the client hangs up once it has seen enough
	res.writeHead(200, {'content-type': 'application/json; charset=utf-8'});
	res.write(head);
	const chunk = 'x'.repeat(64 * 1024);
	let left = bytes - head.length - tail.length;
	const pump = (): void => {
		while (left > 0 && !res.destroyed) {
			const piece = left >= chunk.length ? chunk : chunk.slice(0, left);
			left -= piece.length;
			if (!res.write(piece)) {
				res.once('drain', pump);
				return;
			}
		}
		if (!res.destroyed) res.end(tail);
	};
	pump();
}

function bodyPassword(ctx: Ctx): string | null {
	try {
		const body = JSON.parse(ctx.rawBody) as {password?: unknown};
		return typeof body?.password === 'string' ? body.password : null;
	} catch {
		return null;
	}
}

/** Answers the request as the hostile host would; false when no fault applies and it goes on. */
export function hostileAnswer(state: SandboxState, ctx: Ctx): boolean {
	const f = state.faults;
	if (f.host_huge_body && ctx.path.startsWith('/api/')) {
		streamHugeJson(ctx.res, HUGE_HOST_BODY_BYTES, '{"code":0,"message":"success","data":{"padding":"', '"}}');
		return true;
	}
	if (f.host_401_echo) {
		const key = header(ctx, 'x-api-key');
		if (key !== '' && ctx.path.startsWith('/api/v1/admin/')) {
			mwFail(ctx, 401, 'INVALID_ADMIN_KEY', `Invalid admin API key: ${key}`);
			return true;
		}
		const password = ctx.path === '/api/v1/auth/login' ? bodyPassword(ctx) : null;
		if (password !== null) {
			fail(ctx, 401, `invalid email or password (got password "${password}")`, 'INVALID_CREDENTIALS');
			return true;
		}
	}
	if (f.host_400_echo && ctx.path.startsWith('/api/v1/admin/users') && ['POST', 'PUT'].includes(ctx.method)) {
		const password = bodyPassword(ctx);
		if (password !== null) {
			fail(ctx, 400, `Invalid request: password "${password}" does not meet the password policy`);
			return true;
		}
	}
	return false;
}
