// Sandbox-only control routes under /__sandbox (state, faults, out-of-band edits).
import {timingSafeEqual} from 'node:crypto';
import {mergeFaults} from './faults.js';
import {type Ctx, header, type Router, sendJson} from './http-util.js';
import {nowIso, type SandboxState} from './state.js';
import type {AccountRow, GroupRow, SubscriptionRow, UserRow} from './types.js';
import {checkSeed, seedResidue} from './residue.js';
import {newApiKey} from './user-routes.js';
import {PACK_IDS} from './upstreams.js';
import {mergeUpstreamSettings} from './upstream-billing.js';

export const CONTROL_PREFIX = '/__sandbox';
const TYPES = ['account', 'group', 'user', 'api_key', 'subscription'] as const;
type RowType = (typeof TYPES)[number];

function isPlainObject(value: unknown): value is Record<string, any> {
	return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Objects merge recursively; arrays, primitives and null replace. */
export function deepMerge(target: Record<string, any>, patch: Record<string, any>): Record<string, any> {
	for (const [key, value] of Object.entries(patch)) {
		if (isPlainObject(value) && isPlainObject(target[key])) deepMerge(target[key], value);
		else target[key] = structuredClone(value);
	}
	return target;
}

function tableOf(state: SandboxState, type: RowType): Map<number, any> {
	switch (type) {
		case 'account':
			return state.accounts;
		case 'group':
			return state.groups;
		case 'user':
			return state.users;
		case 'api_key':
			return state.apiKeys;
		case 'subscription':
			return state.subscriptions;
	}
}

function authorized(state: SandboxState, ctx: Ctx): boolean {
	const given = Buffer.from(header(ctx, 'x-api-key'));
	const want = Buffer.from(state.adminApiKey);
	return given.length === want.length && timingSafeEqual(given, want);
}

function oob(state: SandboxState, body: Record<string, any>): [number, unknown] {
	if (body.op === 'expire_tokens') {
		for (const token of state.accessTokens.values()) token.expiresAt = 0;
		return [200, {ok: true}];
	}
	if (body.op === 'seed_residue') {
		const seed = checkSeed(body);
		if (typeof seed === 'string') return [400, {error: seed}];
		return [200, {ok: true, ...seedResidue(state, seed)}];
	}
	if (!TYPES.includes(body.type)) return [400, {error: `type must be one of ${TYPES.join(', ')}`}];
	const type = body.type as RowType;
	const table = tableOf(state, type);
	if (body.op === 'create') {
		if (!isPlainObject(body.body)) return [400, {error: 'body must be an object'}];
		if (type === 'api_key' || type === 'subscription') return createOwned(state, type, body.body);
		return [200, {ok: true, row: createRow(state, type, body.body)}];
	}
	if (typeof body.id !== 'number') return [400, {error: 'id must be a number'}];
	const row = table.get(body.id);
	if (body.op === 'update') {
		if (!row) return [404, {error: `${type} ${body.id} not found`}];
		if (!isPlainObject(body.patch)) return [400, {error: 'patch must be an object'}];
		if ('id' in body.patch) return [400, {error: 'id cannot be patched'}];
		deepMerge(row, body.patch);
		if (type === 'user' && typeof body.patch.password === 'string') {
			state.passwords.set(row.id, body.patch.password);
			delete row.password;
		}
		return [200, {ok: true, row: structuredClone(row)}];
	}
	if (body.op === 'delete') {
		if (!row || row.deleted_at) return [404, {error: `${type} ${body.id} not found`}];
		if (type === 'group') state.deleteGroup(row);
		else if (type === 'user') {
			if (row.role === 'admin') return [400, {error: 'cannot delete admin user'}];
			state.deleteUser(row);
		} else if (type === 'subscription') state.deleteSubscription(row);
		else row.deleted_at = nowIso();
		return [200, {ok: true}];
	}
	return [400, {error: 'op must be create, update, delete, expire_tokens or seed_residue'}];
}

export function createRow(
	state: SandboxState,
	type: 'group' | 'account' | 'user',
	body: Record<string, any>,
): unknown {
	const now = nowIso();
	const stamps = {created_at: now, updated_at: now, deleted_at: null};
	if (type === 'group') {
		const row: GroupRow = {
			id: state.nextId('group'),
			name: `residue-group-${state.groups.size + 1}`,
			description: '',
			platform: 'openai',
			rate_multiplier: 1,
			is_exclusive: false,
			status: 'active',
			subscription_type: 'standard',
			daily_limit_usd: null,
			weekly_limit_usd: null,
			monthly_limit_usd: null,
			sort_order: 0,
			...stamps,
		};
		deepMerge(row, body);
		state.groups.set(row.id, row);
		return structuredClone(row);
	}
	if (type === 'account') {
		const row: AccountRow = {
			id: state.nextId('account'),
			name: `residue-account-${state.accounts.size + 1}`,
			notes: '',
			platform: 'openai',
			type: 'apikey',
			credentials: {},
			extra: {},
			proxy_id: null,
			concurrency: 0,
			priority: 50,
			rate_multiplier: 1,
			status: 'active',
			error_message: '',
			schedulable: true,
			rate_limited_at: null,
			rate_limit_reset_at: null,
			overload_until: null,
			temp_unschedulable_until: null,
			expires_at: null,
			group_ids: [],
			...stamps,
		};
		deepMerge(row, body);
		state.accounts.set(row.id, row);
		state.accountMeta.set(row.id, {tests: 0, warmup503Left: 0});
		return structuredClone(row);
	}
	const {password, ...rest} = body;
	const row: UserRow = {
		id: state.nextId('user'),
		email: `residue-${state.users.size + 1}@crm-sandbox.invalid`,
		username: '',
		notes: '',
		role: 'user',
		balance: 0,
		concurrency: 5,
		status: 'active',
		allowed_groups: [],
		totp_enabled: false,
		token_version: 0,
		...stamps,
	};
	deepMerge(row, rest);
	state.users.set(row.id, row);
	state.passwords.set(row.id, typeof password === 'string' ? password : `pw-${row.id}-residue`);
	return structuredClone(row);
}

/** A key or subscription made out of band: it needs a live user (and, for a subscription, group). */
function createOwned(
	state: SandboxState,
	type: 'api_key' | 'subscription',
	body: Record<string, any>,
): [number, unknown] {
	const user = typeof body.user_id === 'number' ? state.liveUser(body.user_id) : undefined;
	if (!user) return [400, {error: 'body.user_id must be a live user id'}];
	const group = typeof body.group_id === 'number' ? state.liveGroup(body.group_id) : undefined;
	if (type === 'api_key') {
		const name = typeof body.name === 'string' ? body.name : `residue-key-${state.apiKeys.size + 1}`;
		const row = newApiKey(state, user.id, name, group?.id ?? null);
		return [200, {ok: true, row: structuredClone(row)}];
	}
	if (!group) return [400, {error: 'body.group_id must be a live group id'}];
	const now = nowIso();
	const row: SubscriptionRow = {
		id: state.nextId('subscription'),
		user_id: user.id,
		group_id: group.id,
		starts_at: now,
		expires_at: new Date(Date.now() + 30 * 86_400_000).toISOString(),
		status: 'active',
		daily_window_start: null,
		weekly_window_start: null,
		monthly_window_start: null,
		daily_usage_usd: 0,
		weekly_usage_usd: 0,
		monthly_usage_usd: 0,
		assigned_by: 1,
		assigned_at: now,
		notes: typeof body.notes === 'string' ? body.notes : '',
		created_at: now,
		updated_at: now,
		deleted_at: null,
	};
	state.subscriptions.set(row.id, row);
	return [200, {ok: true, row: structuredClone(row)}];
}

export function registerControlRoutes(router: Router, state: SandboxState): void {
	const route = (method: string, path: string, handler: (ctx: Ctx) => void): void =>
		router.add(method, CONTROL_PREFIX + path, (ctx) => {
			if (!authorized(state, ctx)) {
				return sendJson(ctx, 401, {
					code: 'UNAUTHORIZED',
					message: 'sandbox control requires x-api-key: <admin key>',
				});
			}
			handler(ctx);
		});
	const jsonBody = (ctx: Ctx): Record<string, any> | null => {
		try {
			const value = JSON.parse(ctx.rawBody || '{}');
			if (isPlainObject(value)) return value;
		} catch {
			// fall through
		}
		sendJson(ctx, 400, {error: 'body must be a JSON object'});
		return null;
	};

	route('GET', '/state', (ctx) => sendJson(ctx, 200, state.snapshot()));
	route('POST', '/faults', (ctx) => {
		const body = jsonBody(ctx);
		if (!body) return;
		try {
			mergeFaults(state.faults, body, PACK_IDS);
		} catch (error) {
			return sendJson(ctx, 400, {error: (error as Error).message});
		}
		sendJson(ctx, 200, structuredClone(state.faults));
	});
	route('POST', '/upstreams', (ctx) => {
		const body = jsonBody(ctx);
		if (!body) return;
		try {
			mergeUpstreamSettings(state.upstream, body, PACK_IDS);
		} catch (error) {
			return sendJson(ctx, 400, {error: (error as Error).message});
		}
		sendJson(ctx, 200, structuredClone(state.upstream));
	});
	route('POST', '/oob', (ctx) => {
		const body = jsonBody(ctx);
		if (!body) return;
		const [status, answer] = oob(state, body);
		sendJson(ctx, status, answer);
	});
}
