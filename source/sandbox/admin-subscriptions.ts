// /api/v1/admin/subscriptions (§9) and the small /admin/system, /admin/settings reads.
import {adminRoute} from './auth.js';
import {paginate, subscriptionDto} from './dto.js';
import {type Ctx, fail, type Handler, ok, parseBody, parseId, type Router, sendJson} from './http-util.js';
import {failure, type Result, success} from './idempotency.js';
import {nowIso, type SandboxState} from './state.js';
import type {SubscriptionRow} from './types.js';
import {validate} from './validate.js';

const DAY_MS = 86_400_000;

/** Assigns (user, group); old: duplicate → 409; recent: reuses the existing row. */
function assign(
	state: SandboxState,
	actorId: number,
	userId: number,
	groupId: number,
	days: number,
	notes: string,
): Result & {reused?: boolean} {
	const group = state.liveGroup(groupId);
	if (!group) return failure(404, 'group not found', 'GROUP_NOT_FOUND');
	if (!state.liveUser(userId)) return failure(404, 'user not found', 'USER_NOT_FOUND');
	if (group.subscription_type !== 'subscription') {
		return failure(400, 'group is not a subscription type', 'GROUP_NOT_SUBSCRIPTION_TYPE');
	}
	const now = new Date();
	const existing = state.subscriptionOf(userId, groupId);
	if (existing) {
		if (state.isOld) return failure(409, 'subscription already exists', 'SUBSCRIPTION_ALREADY_EXISTS');
		if (existing.status !== 'active' || Date.parse(existing.expires_at) <= now.getTime()) {
			existing.status = 'active';
			existing.starts_at = now.toISOString();
			existing.expires_at = new Date(now.getTime() + days * DAY_MS).toISOString();
			existing.updated_at = now.toISOString();
		}
		return {...success(subscriptionDto(state, existing)), reused: true};
	}
	const iso = now.toISOString();
	const sub: SubscriptionRow = {
		id: state.nextId('subscription'),
		user_id: userId,
		group_id: groupId,
		starts_at: iso,
		expires_at: new Date(now.getTime() + days * DAY_MS).toISOString(),
		status: 'active',
		daily_window_start: null,
		weekly_window_start: null,
		monthly_window_start: null,
		daily_usage_usd: 0,
		weekly_usage_usd: 0,
		monthly_usage_usd: 0,
		assigned_by: actorId,
		assigned_at: iso,
		notes,
		created_at: iso,
		updated_at: iso,
		deleted_at: null,
	};
	state.subscriptions.set(sub.id, sub);
	return success(subscriptionDto(state, sub));
}

function validityDays(state: SandboxState, value: unknown): number | string {
	const days = typeof value === 'number' ? value : 0;
	if (!state.isOld && days > 36_500) return 'validity_days must be at most 36500';
	return days <= 0 ? 30 : days;
}

export function registerSubscriptionRoutes(router: Router, state: SandboxState): void {
	const base = '/api/v1/admin/subscriptions';
	const route = (method: string, path: string, handler: Handler): void =>
		router.add(method, base + path, adminRoute(state, handler));
	const withSub =
		(handler: (ctx: Ctx, sub: SubscriptionRow) => void) =>
		(ctx: Ctx): void => {
			const id = parseId(ctx, 'subscription');
			if (id === null) return;
			const sub = state.liveSubscription(id);
			if (!sub) return fail(ctx, 404, 'subscription not found', 'SUBSCRIPTION_NOT_FOUND');
			handler(ctx, sub);
		};

	route('GET', '', (ctx) => {
		let rows = [...state.subscriptions.values()].filter((s) => !s.deleted_at);
		for (const field of ['user_id', 'group_id'] as const) {
			const value = ctx.query.get(field);
			if (value) rows = rows.filter((s) => String(s[field]) === value);
		}
		const status = ctx.query.get('status');
		if (status) rows = rows.filter((s) => s.status === status);
		ok(
			ctx,
			paginate(
				ctx,
				state,
				rows.map((s) => subscriptionDto(state, s)),
			),
		);
	});

	route('POST', '/assign', (ctx) => {
		const body = parseBody(ctx, 'admin.AssignSubscriptionRequest');
		if (!body) return;
		const error = validate('AssignSubscriptionRequest', body, {
			user_id: {type: 'int', required: true},
			group_id: {type: 'int', required: true},
			validity_days: {type: 'int'},
			notes: {type: 'string'},
		});
		if (error) return fail(ctx, 400, error);
		const days = validityDays(state, body.validity_days);
		if (typeof days === 'string') return fail(ctx, 400, days);
		const result = assign(state, ctx.actor!.id, body.user_id, body.group_id, days, body.notes ?? '');
		sendJson(ctx, result.status, result.body);
	});

	route('POST', '/bulk-assign', (ctx) => {
		const body = parseBody(ctx, 'admin.BulkAssignSubscriptionRequest');
		if (!body) return;
		const error = validate('BulkAssignSubscriptionRequest', body, {
			user_ids: {type: 'int_array', required: true, min: 1},
			group_id: {type: 'int', required: true},
			validity_days: {type: 'int'},
			notes: {type: 'string'},
		});
		if (error) return fail(ctx, 400, error);
		const days = validityDays(state, body.validity_days);
		if (typeof days === 'string') return fail(ctx, 400, days);
		const subscriptions: unknown[] = [];
		const errors: string[] = [];
		let reused = 0;
		for (const userId of body.user_ids as number[]) {
			const result = assign(state, ctx.actor!.id, userId, body.group_id, days, body.notes ?? '');
			const envelope = result.body as any;
			if (result.status === 200) {
				subscriptions.push(envelope.data);
				if (result.reused) reused++;
			} else errors.push(`user ${userId}: ${envelope.message}`);
		}
		const data: Record<string, unknown> = {
			success_count: subscriptions.length,
			failed_count: errors.length,
			subscriptions,
			errors,
		};
		if (!state.isOld)
			Object.assign(data, {created_count: subscriptions.length - reused, reused_count: reused});
		ok(ctx, data);
	});

	route(
		'GET',
		'/:id',
		withSub((ctx, sub) => ok(ctx, subscriptionDto(state, sub))),
	);

	route(
		'POST',
		'/:id/extend',
		withSub((ctx, sub) => {
			const body = parseBody(ctx, 'admin.ExtendSubscriptionRequest');
			if (!body) return;
			const error = validate('ExtendSubscriptionRequest', body, {
				days: {type: 'int', required: true, min: 1, max: state.isOld ? undefined : 36_500},
			});
			if (error) return fail(ctx, 400, error);
			const from = Date.parse(sub.expires_at);
			sub.expires_at = new Date(from + body.days * DAY_MS).toISOString();
			if (Date.parse(sub.expires_at) > Date.now()) sub.status = 'active';
			sub.updated_at = nowIso();
			ok(ctx, subscriptionDto(state, sub));
		}),
	);

	route(
		'DELETE',
		'/:id',
		withSub((ctx, sub) => {
			state.deleteSubscription(sub);
			ok(ctx, {message: 'Subscription revoked successfully'});
		}),
	);

	router.add(
		'GET',
		'/api/v1/admin/system/version',
		adminRoute(state, (ctx) => ok(ctx, {version: state.version})),
	);
	router.add(
		'GET',
		'/api/v1/admin/settings/admin-api-key',
		adminRoute(
			state,
			(ctx) =>
				ok(ctx, {
					exists: true,
					masked_key: `${state.adminApiKey.slice(0, 10)}...${state.adminApiKey.slice(-4)}`,
				}),
			{stepUp: true},
		),
	);
}
