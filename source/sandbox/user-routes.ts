// Normal-user plane with a user JWT: /api/v1/keys and /api/v1/groups/available (§8).
import {userRoute} from './auth.js';
import {apiKeyDto, groupDto, paginate} from './dto.js';
import {type Ctx, fail, ok, parseBody, parseId, type Router} from './http-util.js';
import {hex, nowIso, type SandboxState} from './state.js';
import type {ApiKeyRow, UserRow} from './types.js';
import {validate} from './validate.js';

export function newApiKey(
	state: SandboxState,
	userId: number,
	name: string,
	groupId: number | null,
	custom?: string,
): ApiKeyRow {
	const now = nowIso();
	const key: ApiKeyRow = {
		id: state.nextId('api_key'),
		user_id: userId,
		key: custom ?? `sk-${hex(32)}`,
		name,
		group_id: groupId,
		status: 'active',
		expires_at: null,
		last_used_at: null,
		created_at: now,
		updated_at: now,
		deleted_at: null,
	};
	state.apiKeys.set(key.id, key);
	return key;
}

/** Checks a group binding for `user`; answers the error and returns false when not allowed. */
function checkBind(state: SandboxState, ctx: Ctx, user: UserRow, groupId: number): boolean {
	const group = state.liveGroup(groupId);
	if (!group) {
		fail(ctx, 404, 'group not found', 'GROUP_NOT_FOUND');
		return false;
	}
	if (!state.canBindGroup(user, group)) {
		fail(ctx, 403, 'user is not allowed to bind this group', 'GROUP_NOT_ALLOWED');
		return false;
	}
	return true;
}

export function registerUserRoutes(router: Router, state: SandboxState): void {
	const route = (method: string, path: string, handler: (ctx: Ctx) => void): void =>
		router.add(method, path, userRoute(state, handler));
	const withKey =
		(handler: (ctx: Ctx, key: ApiKeyRow) => void) =>
		(ctx: Ctx): void => {
			const id = parseId(ctx, 'API key');
			if (id === null) return;
			const key = state.liveKey(id);
			if (!key) return fail(ctx, 404, 'api key not found', 'API_KEY_NOT_FOUND');
			if (key.user_id !== ctx.actor!.id) return fail(ctx, 403, 'Not authorized to access this key');
			handler(ctx, key);
		};

	route('GET', '/api/v1/keys', (ctx) => {
		const rows = [...state.apiKeys.values()].filter((k) => !k.deleted_at && k.user_id === ctx.actor!.id);
		ok(
			ctx,
			paginate(
				ctx,
				state,
				rows.map((k) => apiKeyDto(state, k)),
			),
		);
	});

	route('POST', '/api/v1/keys', (ctx) => {
		const body = parseBody(ctx, 'handler.CreateAPIKeyRequest');
		if (!body) return;
		const error = validate('CreateAPIKeyRequest', body, {
			name: {type: 'string', required: true},
			group_id: {type: 'int', nullable: true},
			custom_key: {type: 'string', nullable: true},
		});
		if (error) return fail(ctx, 400, error);
		const custom: string | undefined = body.custom_key || undefined;
		if (custom !== undefined) {
			if (custom.length < 16)
				return fail(ctx, 400, 'api key must be at least 16 characters', 'API_KEY_TOO_SHORT');
			if (!/^[A-Za-z0-9_-]+$/.test(custom)) {
				return fail(ctx, 400, 'api key may only contain letters, digits, _ and -', 'API_KEY_INVALID_CHARS');
			}
			if ([...state.apiKeys.values()].some((k) => k.key === custom)) {
				return fail(ctx, 409, 'api key already exists', 'API_KEY_EXISTS');
			}
		}
		const groupId: number | null = body.group_id ?? null;
		if (groupId !== null && !checkBind(state, ctx, ctx.actor!, groupId)) return;
		ok(ctx, apiKeyDto(state, newApiKey(state, ctx.actor!.id, body.name, groupId, custom)));
	});

	route(
		'GET',
		'/api/v1/keys/:id',
		withKey((ctx, key) => ok(ctx, apiKeyDto(state, key))),
	);

	route(
		'PUT',
		'/api/v1/keys/:id',
		withKey((ctx, key) => {
			const body = parseBody(ctx, 'handler.UpdateAPIKeyRequest');
			if (!body) return;
			const error = validate('UpdateAPIKeyRequest', body, {
				name: {type: 'string'},
				group_id: {type: 'int', nullable: true},
				status: {type: 'string', oneof: ['active', 'inactive']},
			});
			if (error) return fail(ctx, 400, error);
			if (typeof body.group_id === 'number' && !checkBind(state, ctx, ctx.actor!, body.group_id)) return;
			if (body.name) key.name = body.name;
			if (body.status) key.status = body.status;
			if (typeof body.group_id === 'number') key.group_id = body.group_id;
			key.updated_at = nowIso();
			ok(ctx, apiKeyDto(state, key));
		}),
	);

	route(
		'DELETE',
		'/api/v1/keys/:id',
		withKey((ctx, key) => {
			key.deleted_at = nowIso();
			ok(ctx, {message: 'API key deleted successfully'});
		}),
	);

	route('GET', '/api/v1/groups/available', (ctx) => {
		const rows = [...state.groups.values()].filter(
			(g) => !g.deleted_at && g.status === 'active' && state.canBindGroup(ctx.actor!, g),
		);
		ok(
			ctx,
			rows.map((g) => groupDto(state, g)),
		);
	});
}
