// Computed answers (status + body) and the recent builds' Idempotency-Key replay.
import {createHash} from 'node:crypto';
import {type Ctx, header, sendJson} from './http-util.js';
import type {SandboxState} from './state.js';

export interface Result {
	status: number;
	body: unknown;
}

export function success(data: unknown, status = 200): Result {
	return {status, body: {code: 0, message: 'success', data}};
}

export function failure(status: number, message: string, reason?: string): Result {
	return {status, body: reason ? {code: status, message, reason} : {code: status, message}};
}

/**
 * Runs `compute` once per Idempotency-Key (recent/gated only; old ignores the header). A replay with the same
 * key and body returns the stored answer with `X-Idempotency-Replayed: true`; a different body is a 409.
 */
export function runIdempotent(state: SandboxState, ctx: Ctx, scope: string, compute: () => Result): void {
	const key = header(ctx, 'idempotency-key');
	if (state.isOld || key === '') {
		const result = compute();
		sendJson(ctx, result.status, result.body);
		return;
	}
	const storeKey = `${ctx.actor?.id ?? 0}:${scope}:${key}`;
	const fingerprint = createHash('sha256').update(`${ctx.method} ${ctx.path}\n${ctx.rawBody}`).digest('hex');
	const stored = state.idempotency.get(storeKey);
	if (stored) {
		if (stored.fingerprint !== fingerprint) {
			sendJson(ctx, 409, {
				code: 409,
				message: 'idempotency key reused with a different request',
				reason: 'IDEMPOTENCY_KEY_CONFLICT',
			});
			return;
		}
		sendJson(ctx, stored.status, stored.body, {'x-idempotency-replayed': 'true'});
		return;
	}
	const result = compute();
	if (result.status >= 200 && result.status < 300) {
		state.idempotency.set(storeKey, {fingerprint, status: result.status, body: structuredClone(result.body)});
	}
	sendJson(ctx, result.status, result.body);
}
