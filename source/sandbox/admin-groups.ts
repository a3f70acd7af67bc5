// /api/v1/admin/groups (§4).
import {adminRoute} from './auth.js';
import {apiKeyDto, boolQuery, groupDto, paginate, subscriptionDto} from './dto.js';
import {type Ctx, fail, ok, parseBody, parseId, type Router} from './http-util.js';
import {nowIso, type SandboxState} from './state.js';
import type {GroupRow} from './types.js';
import {type FieldSpec, validate} from './validate.js';

const OLD_PLATFORMS = ['anthropic', 'openai', 'gemini'];
const RECENT_PLATFORMS = [
	'anthropic',
	'openai',
	'gemini',
	'antigravity',
	'grok',
	'cursor',
	'kimi',
	'zhipu',
	'deepseek',
	'minimax',
	'opencode_go',
	'composite',
];
const LIMIT_FIELDS = ['daily_limit_usd', 'weekly_limit_usd', 'monthly_limit_usd'] as const;

function groupSpec(state: SandboxState, create: boolean): Record<string, FieldSpec> {
	const spec: Record<string, FieldSpec> = {
		name: {type: 'string', required: create, max: 100},
		description: {type: 'string'},
		platform: {type: 'string', oneof: state.isOld ? OLD_PLATFORMS : RECENT_PLATFORMS},
		rate_multiplier: {type: 'number'},
		is_exclusive: {type: 'bool'},
		subscription_type: {type: 'string', oneof: ['standard', 'subscription']},
		sort_order: {type: 'int'},
	};
	if (!create) spec.status = {type: 'string', oneof: ['active', 'inactive']};
	return spec;
}

/** Parses the usd limit fields; returns an error message or the values to set. */
function parseLimits(
	state: SandboxState,
	struct: string,
	body: Record<string, any>,
): string | Record<string, number | null> {
	const out: Record<string, number | null> = {};
	for (const field of LIMIT_FIELDS) {
		if (!(field in body)) continue;
		const value = body[field];
		if (value === null || (value === '' && !state.isOld)) {
			out[field] = state.isOld ? null : -1;
		} else if (typeof value === 'number' && Number.isFinite(value)) {
			out[field] = value;
		} else if (
			!state.isOld &&
			typeof value === 'string' &&
			value.trim() !== '' &&
			Number.isFinite(Number(value))
		) {
			out[field] = Number(value);
		} else {
			return `Invalid request: json: cannot unmarshal ${typeof value} into Go struct field ${struct}.${field} of type float64`;
		}
	}
	return out;
}

function nameTaken(state: SandboxState, name: string, exceptId?: number): boolean {
	return [...state.groups.values()].some(
		(g) => g.name === name && g.id !== exceptId && (state.isOld || !g.deleted_at),
	);
}

export function registerGroupRoutes(router: Router, state: SandboxState): void {
	const base = '/api/v1/admin/groups';
	const route = (method: string, path: string, handler: (ctx: Ctx) => void): void =>
		router.add(method, base + path, adminRoute(state, handler));

	route('GET', '', (ctx) => {
		let rows = [...state.groups.values()].filter((g) => !g.deleted_at);
		const platform = ctx.query.get('platform');
		const status = ctx.query.get('status');
		const exclusive = boolQuery(ctx, 'is_exclusive');
		const search = ctx.query.get('search');
		if (platform) rows = rows.filter((g) => g.platform === platform);
		if (status) rows = rows.filter((g) => g.status === status);
		if (exclusive !== undefined) rows = rows.filter((g) => g.is_exclusive === exclusive);
		// Old builds have no `search` filter: the parameter is silently ignored.
		if (search && !state.isOld) {
			if ([...search].length > 100) return fail(ctx, 400, 'search must be at most 100 characters');
			const needle = search.toLowerCase();
			rows = rows.filter(
				(g) => g.name.toLowerCase().includes(needle) || g.description.toLowerCase().includes(needle),
			);
		}
		rows.sort((a, b) => (state.isOld ? a.id - b.id : a.sort_order - b.sort_order || a.id - b.id));
		ok(
			ctx,
			paginate(
				ctx,
				state,
				rows.map((g) => groupDto(state, g)),
			),
		);
	});

	route('GET', '/all', (ctx) => {
		const platform = ctx.query.get('platform');
		const includeInactive = !state.isOld && boolQuery(ctx, 'include_inactive') === true;
		const rows = [...state.groups.values()].filter(
			(g) =>
				!g.deleted_at && (includeInactive || g.status === 'active') && (!platform || g.platform === platform),
		);
		ok(
			ctx,
			rows.map((g) => groupDto(state, g)),
		);
	});

	route('POST', '', (ctx) => {
		const body = parseBody(ctx, 'admin.CreateGroupRequest');
		if (!body) return;
		const error = validate('CreateGroupRequest', body, groupSpec(state, true));
		if (error) return fail(ctx, 400, error);
		const limits = parseLimits(state, 'CreateGroupRequest', body);
		if (typeof limits === 'string') return fail(ctx, 400, limits);
		if (nameTaken(state, body.name)) return fail(ctx, 409, 'group name already exists', 'GROUP_EXISTS');
		const now = nowIso();
		let rate = typeof body.rate_multiplier === 'number' ? body.rate_multiplier : state.isOld ? 1 : 0;
		if (state.isOld && rate === 0) rate = 1;
		const group: GroupRow = {
			id: state.nextId('group'),
			name: body.name,
			description: body.description ?? '',
			platform: body.platform || 'anthropic',
			rate_multiplier: rate,
			is_exclusive: body.is_exclusive ?? false,
			status: 'active',
			subscription_type: body.subscription_type || 'standard',
			daily_limit_usd: null,
			weekly_limit_usd: null,
			monthly_limit_usd: null,
			sort_order: body.sort_order ?? 0,
			created_at: now,
			updated_at: now,
			deleted_at: null,
			...limits,
		};
		state.groups.set(group.id, group);
		ok(ctx, groupDto(state, group));
	});

	const withGroup =
		(handler: (ctx: Ctx, group: GroupRow) => void) =>
		(ctx: Ctx): void => {
			const id = parseId(ctx, 'group');
			if (id === null) return;
			const group = state.liveGroup(id);
			if (!group) return fail(ctx, 404, 'group not found', 'GROUP_NOT_FOUND');
			handler(ctx, group);
		};

	route(
		'GET',
		'/:id',
		withGroup((ctx, group) => ok(ctx, groupDto(state, group))),
	);

	route(
		'PUT',
		'/:id',
		withGroup((ctx, group) => {
			const body = parseBody(ctx, 'admin.UpdateGroupRequest');
			if (!body) return;
			const error = validate('UpdateGroupRequest', body, groupSpec(state, false));
			if (error) return fail(ctx, 400, error);
			const limits = parseLimits(state, 'UpdateGroupRequest', body);
			if (typeof limits === 'string') return fail(ctx, 400, limits);
			if (body.name && body.name !== group.name && nameTaken(state, body.name, group.id)) {
				return fail(ctx, 409, 'group name already exists', 'GROUP_EXISTS');
			}
			if (body.name) group.name = body.name;
			for (const field of [
				'description',
				'platform',
				'rate_multiplier',
				'is_exclusive',
				'status',
				'subscription_type',
				'sort_order',
			] as const) {
				if (body[field] !== undefined && body[field] !== null && body[field] !== '')
					(group as any)[field] = body[field];
			}
			Object.assign(group, limits);
			group.updated_at = nowIso();
			ok(ctx, groupDto(state, group));
		}),
	);

	route(
		'DELETE',
		'/:id',
		withGroup((ctx, group) => {
			state.deleteGroup(group);
			ok(ctx, {message: 'Group deleted successfully'});
		}),
	);

	route(
		'GET',
		'/:id/stats',
		withGroup((ctx) =>
			ok(ctx, {total_requests: 0, total_tokens: 0, total_cost: 0, today_requests: 0, today_cost: 0}),
		),
	);

	route(
		'GET',
		'/:id/api-keys',
		withGroup((ctx, group) => {
			const rows = [...state.apiKeys.values()].filter((k) => !k.deleted_at && k.group_id === group.id);
			ok(
				ctx,
				paginate(
					ctx,
					state,
					rows.map((k) => apiKeyDto(state, k)),
				),
			);
		}),
	);

	route(
		'GET',
		'/:id/subscriptions',
		withGroup((ctx, group) => {
			const rows = [...state.subscriptions.values()].filter((s) => !s.deleted_at && s.group_id === group.id);
			ok(
				ctx,
				paginate(
					ctx,
					state,
					rows.map((s) => subscriptionDto(state, s)),
				),
			);
		}),
	);
}
