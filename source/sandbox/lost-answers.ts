// The lose_create_answer fault: a create whose answer never reaches the caller, either before the
// host acted (nothing made) or after (made, answer lost), optionally while someone else makes a
// resource of the same name at that moment (the out-of-band twin a lookup by name would find).
import {createRow} from './control.js';
import type {Ctx} from './http-util.js';
import type {SandboxState} from './state.js';
import type {CreateType} from './types.js';

/** Which create a request is, if any. */
export function createTypeOf(method: string, path: string): CreateType | null {
	if (method !== 'POST') return null;
	if (path === '/api/v1/admin/groups') return 'group';
	if (path === '/api/v1/admin/accounts') return 'account';
	if (path === '/api/v1/admin/users') return 'user';
	if (path === '/api/v1/keys' || /^\/api\/v1\/admin\/users\/\d+\/api-keys$/.test(path)) return 'api_key';
	if (path === '/api/v1/admin/subscriptions/assign') return 'subscription';
	return null;
}

function makeTwin(state: SandboxState, type: CreateType, rawBody: string): void {
	let body: Record<string, unknown>;
	try {
		body = JSON.parse(rawBody) as Record<string, unknown>;
	} catch {
		return;
	}
	if (type === 'group' && typeof body.name === 'string') createRow(state, 'group', {name: body.name});
	if (type === 'account' && typeof body.name === 'string') createRow(state, 'account', {name: body.name});
	if (type === 'user' && typeof body.email === 'string') createRow(state, 'user', {email: body.email});
}

/**
 * Applies the fault to one request. Returns true when the request was swallowed before the host
 * acted (the socket is closed); for `after`, arms ctx.dropAnswer so the first success is lost.
 */
export function applyLostAnswer(state: SandboxState, ctx: Ctx): boolean {
	const fault = state.faults.lose_create_answer;
	if (!fault || createTypeOf(ctx.method, ctx.path) !== fault.type) return false;
	if (fault.when === 'before') {
		state.faults.lose_create_answer = null;
		if (fault.twin) makeTwin(state, fault.type, ctx.rawBody);
		ctx.req.socket.destroy();
		return true;
	}
	ctx.dropAnswer = (status) => {
		if (status >= 300 || state.faults.lose_create_answer !== fault) return false;
		state.faults.lose_create_answer = null;
		if (fault.twin) makeTwin(state, fault.type, ctx.rawBody);
		return true;
	};
	return false;
}
