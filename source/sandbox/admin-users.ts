// /api/v1/admin/users (§7) and the recent admin api-key routes.
import {adminRoute} from './auth.js';
import {apiKeyDto, paginate, subscriptionDto, userDto} from './dto.js';
import {
	type Ctx,
	fail,
	type Handler,
	internalError,
	ok,
	parseBody,
	parseId,
	type Router,
} from './http-util.js';
import {failure, runIdempotent, success} from './idempotency.js';
import {nowIso, type SandboxState} from './state.js';
import type {ApiKeyRow, UserRow} from './types.js';
import {newApiKey} from './user-routes.js';
import {type FieldSpec, validate} from './validate.js';

function userSpec(state: SandboxState, create: boolean): Record<string, FieldSpec> {
	const spec: Record<string, FieldSpec> = {
		email: {type: 'string', required: create, email: true},
		password: {type: 'string', required: create, min: 6},
		username: {type: 'string'},
		notes: {type: 'string'},
		balance: {type: 'number', nullable: true},
		concurrency: {type: 'int'},
		allowed_groups: {type: 'int_array', nullable: true},
	};
	if (state.isOld) spec.wechat = {type: 'string'};
	else spec.rpm_limit = {type: 'int'};
	if (!create) spec.status = {type: 'string', oneof: ['active', 'disabled']};
	return spec;
}

function emailTaken(state: SandboxState, email: string, exceptId?: number): boolean {
	return [...state.users.values()].some(
		(u) =>
			u.email.toLowerCase() === email.toLowerCase() && u.id !== exceptId && (state.isOld || !u.deleted_at),
	);
}

export function registerUserAdminRoutes(router: Router, state: SandboxState): void {
	const base = '/api/v1/admin/users';
	const route = (method: string, path: string, handler: Handler, stepUp = false): void =>
		router.add(method, base + path, adminRoute(state, handler, {stepUp}));
	const withUser =
		(handler: (ctx: Ctx, user: UserRow) => void) =>
		(ctx: Ctx): void => {
			const id = parseId(ctx, 'user');
			if (id === null) return;
			const includeDeleted =
				!state.isOld && ctx.method === 'GET' && ctx.query.get('include_deleted') === 'true';
			const user = includeDeleted ? state.users.get(id) : state.liveUser(id);
			if (!user) return fail(ctx, 404, 'user not found', 'USER_NOT_FOUND');
			handler(ctx, user);
		};

	route(
		'GET',
		'',
		(ctx) => {
			let rows = [...state.users.values()].filter((u) => !u.deleted_at);
			const search = ctx.query.get('search')?.toLowerCase();
			if (search) {
				rows = rows.filter(
					(u) => u.email.toLowerCase().includes(search) || u.username.toLowerCase().includes(search),
				);
			}
			const status = ctx.query.get('status');
			if (status) rows = rows.filter((u) => u.status === status);
			const role = ctx.query.get('role');
			if (role && !state.isOld) rows = rows.filter((u) => u.role === role);
			ok(
				ctx,
				paginate(
					ctx,
					state,
					rows.map((u) => userDto(state, u)),
				),
			);
		},
		true,
	);

	route(
		'POST',
		'',
		(ctx) => {
			const body = parseBody(ctx, 'admin.CreateUserRequest');
			if (!body) return;
			const error = validate('CreateUserRequest', body, userSpec(state, true));
			if (error) return fail(ctx, 400, error);
			if (emailTaken(state, body.email)) return fail(ctx, 409, 'email already exists', 'EMAIL_EXISTS');
			const now = nowIso();
			const user: UserRow = {
				id: state.nextId('user'),
				email: body.email,
				username: body.username ?? '',
				notes: body.notes ?? '',
				role: 'user',
				balance: body.balance ?? 0,
				concurrency: body.concurrency || 5,
				status: 'active',
				allowed_groups: [...new Set<number>(body.allowed_groups ?? [])],
				totp_enabled: false,
				token_version: 0,
				created_at: now,
				updated_at: now,
				deleted_at: null,
			};
			state.users.set(user.id, user);
			state.passwords.set(user.id, body.password);
			ok(ctx, userDto(state, user));
		},
		true,
	);

	route(
		'GET',
		'/:id',
		withUser((ctx, user) => ok(ctx, userDto(state, user))),
		true,
	);

	route(
		'PUT',
		'/:id',
		withUser((ctx, user) => {
			const body = parseBody(ctx, 'admin.UpdateUserRequest');
			if (!body) return;
			const error = validate('UpdateUserRequest', body, userSpec(state, false));
			if (error) return fail(ctx, 400, error);
			if (body.email && emailTaken(state, body.email, user.id)) {
				return fail(ctx, 409, 'email already exists', 'EMAIL_EXISTS');
			}
			if (body.status === 'disabled' && user.role === 'admin') return internalError(ctx);
			for (const field of ['email', 'username', 'notes', 'status'] as const) {
				if (
					typeof body[field] === 'string' &&
					(body[field] !== '' || field === 'notes' || field === 'username')
				) {
					user[field] = body[field];
				}
			}
			if (typeof body.balance === 'number') user.balance = body.balance;
			if (typeof body.concurrency === 'number') user.concurrency = body.concurrency;
			if (Array.isArray(body.allowed_groups)) user.allowed_groups = [...new Set<number>(body.allowed_groups)];
			if (body.password) {
				state.passwords.set(user.id, body.password);
				user.token_version++;
			}
			user.updated_at = nowIso();
			ok(ctx, userDto(state, user));
		}),
		true,
	);

	route(
		'DELETE',
		'/:id',
		withUser((ctx, user) => {
			if (user.role === 'admin') return internalError(ctx);
			state.deleteUser(user);
			ok(ctx, {message: 'User deleted successfully'});
		}),
		true,
	);

	route(
		'POST',
		'/:id/balance',
		withUser((ctx, user) => {
			const body = parseBody(ctx, 'admin.UpdateBalanceRequest');
			if (!body) return;
			runIdempotent(state, ctx, 'admin.users.balance', () => {
				const error = validate('UpdateBalanceRequest', body, {
					balance: {type: 'number', required: true, gt: 0},
					operation: {type: 'string', required: true, oneof: ['set', 'add', 'subtract']},
					notes: {type: 'string'},
				});
				if (error) return failure(400, error);
				const next =
					body.operation === 'set'
						? body.balance
						: body.operation === 'add'
							? user.balance + body.balance
							: user.balance - body.balance;
				if (next < 0) {
					return state.isOld
						? failure(500, 'internal error')
						: failure(400, 'balance cannot be negative', 'INSUFFICIENT_BALANCE');
				}
				user.balance = Math.round(next * 1e8) / 1e8;
				user.updated_at = nowIso();
				return success(userDto(state, user));
			});
		}),
	);

	route(
		'GET',
		'/:id/api-keys',
		withUser((ctx, user) => {
			const rows = [...state.apiKeys.values()].filter((k) => !k.deleted_at && k.user_id === user.id);
			ok(
				ctx,
				paginate(
					ctx,
					state,
					rows.map((k) => apiKeyDto(state, k)),
				),
			);
		}),
		true,
	);

	route(
		'GET',
		'/:id/subscriptions',
		withUser((ctx, user) => {
			const rows = [...state.subscriptions.values()].filter((s) => !s.deleted_at && s.user_id === user.id);
			ok(
				ctx,
				rows.map((s) => subscriptionDto(state, s)),
			);
		}),
	);

	if (state.isOld) return;

	if (state.adminKeyCreation) {
		route(
			'POST',
			'/:id/api-keys',
			withUser((ctx, user) => {
				const body = parseBody(ctx, 'admin.CreateUserAPIKeyRequest');
				if (!body) return;
				const error = validate('CreateUserAPIKeyRequest', body, {name: {type: 'string', required: true}});
				if (error) return fail(ctx, 400, error);
				const key = newApiKey(state, user.id, body.name, null);
				ok(ctx, apiKeyDto(state, key), 201);
			}),
		);
	}

	router.add(
		'PUT',
		'/api/v1/admin/api-keys/:id',
		adminRoute(state, (ctx) => {
			const id = parseId(ctx, 'API key');
			if (id === null) return;
			const key = state.liveKey(id);
			if (!key) return fail(ctx, 404, 'api key not found', 'API_KEY_NOT_FOUND');
			const body = parseBody(ctx, 'admin.UpdateAPIKeyGroupRequest');
			if (!body) return;
			const error = validate('UpdateAPIKeyGroupRequest', body, {
				group_id: {type: 'int', nullable: true},
				reset_rate_limit_usage: {type: 'bool'},
			});
			if (error) return fail(ctx, 400, error);
			ok(ctx, rebindKey(state, key, body.group_id));
		}),
	);
}

function rebindKey(
	state: SandboxState,
	key: ApiKeyRow,
	groupId: number | null | undefined,
): Record<string, unknown> {
	const out: Record<string, unknown> = {auto_granted_group_access: false};
	if (groupId === 0) key.group_id = null;
	else if (typeof groupId === 'number') {
		const group = state.liveGroup(groupId);
		if (!group) throw Object.assign(new Error('group not found'), {status: 404, reason: 'GROUP_NOT_FOUND'});
		const user = state.liveUser(key.user_id);
		if (user && group.is_exclusive && !user.allowed_groups.includes(group.id)) {
			user.allowed_groups = [...user.allowed_groups, group.id];
			Object.assign(out, {
				auto_granted_group_access: true,
				granted_group_id: group.id,
				granted_group_name: group.name,
			});
		}
		key.group_id = group.id;
	}
	key.updated_at = nowIso();
	out.api_key = apiKeyDto(state, key);
	return out;
}
