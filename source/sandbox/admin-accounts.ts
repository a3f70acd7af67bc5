// /api/v1/admin/accounts (§5), except the SSE account test (account-test.ts).
import {createHash} from 'node:crypto';
import {runAccountTest} from './account-test.js';
import {adminRoute} from './auth.js';
import {accountDto, paginate} from './dto.js';
import {
	type Ctx,
	fail,
	header,
	type Handler,
	ok,
	parseBody,
	parseId,
	type Router,
	sendJson,
	sendRaw,
} from './http-util.js';
import {failure, type Result, runIdempotent, success} from './idempotency.js';
import {mappingOf} from './routing.js';
import {nowIso, OPENAI_DEFAULT_MODELS, CLAUDE_DEFAULT_MODELS, type SandboxState} from './state.js';
import type {AccountRow} from './types.js';
import {type FieldSpec, validate} from './validate.js';

const OLD_TYPES = ['oauth', 'setup-token', 'apikey'];
const RECENT_TYPES = ['oauth', 'setup-token', 'apikey', 'upstream', 'bedrock', 'service_account'];
const SENSITIVE = ['api_key', 'access_token', 'refresh_token', 'id_token', 'session_key', 'cookie'];

function accountSpec(state: SandboxState, create: boolean): Record<string, FieldSpec> {
	const spec: Record<string, FieldSpec> = {
		name: {type: 'string', required: create, max: 100},
		platform: {type: 'string', required: create},
		type: {type: 'string', required: create, oneof: state.isOld ? OLD_TYPES : RECENT_TYPES},
		credentials: {type: 'object', required: create},
		extra: {type: 'object'},
		proxy_id: {type: 'int', nullable: true},
		concurrency: {type: 'int'},
		priority: {type: 'int'},
		group_ids: {type: 'int_array', nullable: true},
		rate_multiplier: {type: 'number'},
		expires_at: {type: 'int', nullable: true},
		auto_pause_on_expired: {type: 'bool'},
		confirm_mixed_channel_risk: {type: 'bool'},
		schedulable: {type: 'bool'},
	};
	if (!state.isOld) spec.notes = {type: 'string'};
	if (!create)
		spec.status = {
			type: 'string',
			oneof: state.isOld ? ['active', 'inactive'] : ['active', 'inactive', 'error'],
		};
	return spec;
}

function checkGroups(state: SandboxState, ids: number[]): Result | null {
	for (const id of ids) if (!state.liveGroup(id)) return failure(404, 'group not found', 'GROUP_NOT_FOUND');
	return null;
}

export function createAccount(state: SandboxState, body: Record<string, any>): Result {
	const error = validate('CreateAccountRequest', body, accountSpec(state, true));
	if (error) return failure(400, error);
	if (!state.isOld && typeof body.rate_multiplier === 'number' && body.rate_multiplier < 0) {
		return failure(400, 'rate_multiplier must be >= 0');
	}
	let groupIds: number[] = [...new Set<number>(body.group_ids ?? [])];
	const groupError = checkGroups(state, groupIds);
	if (groupError) return groupError;
	if (groupIds.length === 0 && !state.isOld) {
		const fallback = [...state.groups.values()].find(
			(g) => !g.deleted_at && g.status === 'active' && g.name === `${body.platform}-default`,
		);
		if (fallback) groupIds = [fallback.id];
	}
	const now = nowIso();
	const account: AccountRow = {
		id: state.nextId('account'),
		name: body.name,
		// Old builds have no account notes: the field is ignored and never shown (§5).
		notes: state.isOld ? '' : (body.notes ?? ''),
		platform: body.platform,
		type: body.type,
		credentials: structuredClone(body.credentials),
		extra: structuredClone(body.extra ?? {}),
		proxy_id: body.proxy_id ?? null,
		concurrency: body.concurrency ?? (state.isOld ? 3 : 0),
		priority: body.priority ?? 50,
		rate_multiplier: body.rate_multiplier ?? 1,
		status: 'active',
		error_message: '',
		schedulable: true,
		rate_limited_at: null,
		rate_limit_reset_at: null,
		overload_until: null,
		temp_unschedulable_until: null,
		expires_at: state.isOld ? null : (body.expires_at ?? null),
		group_ids: groupIds,
		created_at: now,
		updated_at: now,
		deleted_at: null,
	};
	// gorm applies DB defaults to zero values on old builds.
	if (state.isOld && account.concurrency === 0) account.concurrency = 3;
	if (state.isOld && account.priority === 0) account.priority = 50;
	state.accounts.set(account.id, account);
	state.accountMeta.set(account.id, {tests: 0, warmup503Left: state.faults.gateway_503_count});
	return success(accountDto(state, account));
}

function isPlaceholder(value: unknown): boolean {
	return (
		value === undefined ||
		value === '' ||
		(typeof value === 'string' && /^(\*{3,}|\.{3,})$/.test(value.trim()))
	);
}

function updateAccount(state: SandboxState, account: AccountRow, body: Record<string, any>): Result {
	const error = validate('UpdateAccountRequest', body, accountSpec(state, false));
	if (error) return failure(400, error);
	if (Array.isArray(body.group_ids)) {
		const groupError = checkGroups(state, body.group_ids);
		if (groupError) return groupError;
		account.group_ids = [...new Set<number>(body.group_ids)];
	}
	if (body.credentials && Object.keys(body.credentials).length > 0) {
		const next = structuredClone(body.credentials) as Record<string, any>;
		if (!state.isOld) {
			for (const key of SENSITIVE) {
				if (isPlaceholder(next[key]) && account.credentials[key] !== undefined)
					next[key] = account.credentials[key];
			}
		}
		account.credentials = next;
	}
	if (body.extra && Object.keys(body.extra).length > 0) account.extra = structuredClone(body.extra);
	for (const field of ['name', 'notes', 'platform', 'type', 'status'] as const) {
		if (field === 'notes' && state.isOld) continue;
		if (typeof body[field] === 'string' && body[field] !== '') (account as any)[field] = body[field];
	}
	for (const field of [
		'concurrency',
		'priority',
		'rate_multiplier',
		'schedulable',
		'proxy_id',
		'expires_at',
	] as const) {
		if (body[field] !== undefined) (account as any)[field] = body[field];
	}
	if (body.status === 'active') account.error_message = '';
	account.updated_at = nowIso();
	return success(accountDto(state, account));
}

function modelItem(id: string): Record<string, unknown> {
	return {id, object: 'model', type: 'model', display_name: id, created: 0, owned_by: 'openai'};
}

export function registerAccountRoutes(router: Router, state: SandboxState): void {
	const base = '/api/v1/admin/accounts';
	const route = (method: string, path: string, handler: Handler, stepUp = false): void =>
		router.add(method, base + path, adminRoute(state, handler, {stepUp}));
	const withAccount =
		(handler: (ctx: Ctx, account: AccountRow) => void | Promise<void>) =>
		async (ctx: Ctx): Promise<void> => {
			const id = parseId(ctx, 'account');
			if (id === null) return;
			const account = state.liveAccount(id);
			if (!account) return fail(ctx, 404, 'Account not found', 'ACCOUNT_NOT_FOUND');
			await handler(ctx, account);
		};

	route('GET', '', (ctx) => {
		let rows = [...state.accounts.values()].filter((a) => !a.deleted_at);
		for (const field of ['platform', 'type', 'status'] as const) {
			const value = ctx.query.get(field);
			if (value) rows = rows.filter((a) => a[field] === value);
		}
		const search = ctx.query.get('search');
		if (search) rows = rows.filter((a) => a.name.toLowerCase().includes(search.toLowerCase()));
		const group = ctx.query.get('group');
		if (group && !state.isOld) {
			rows =
				group === 'ungrouped'
					? rows.filter((a) => a.group_ids.length === 0)
					: rows.filter((a) => a.group_ids.includes(Number(group)));
		}
		if (state.isOld) rows.sort((a, b) => b.id - a.id);
		else {
			const by = ctx.query.get('sort_by') || 'name';
			const desc = ctx.query.get('sort_order') === 'desc' ? -1 : 1;
			rows.sort((a, b) => {
				const left = (a as any)[by] ?? a.name;
				const right = (b as any)[by] ?? b.name;
				return (left < right ? -1 : left > right ? 1 : a.id - b.id) * desc;
			});
		}
		const data = paginate(
			ctx,
			state,
			rows.map((a) => accountDto(state, a)),
		);
		if (state.isOld) return ok(ctx, data);
		const etag = `"${createHash('sha1').update(JSON.stringify(data)).digest('hex')}"`;
		if (header(ctx, 'if-none-match') === etag) return sendRaw(ctx, 304, 'application/json', '', {etag});
		ok(ctx, data, 200, {etag});
	});

	route(
		'POST',
		'',
		(ctx) => {
			const body = parseBody(ctx, 'admin.CreateAccountRequest');
			if (!body) return;
			runIdempotent(state, ctx, 'admin.accounts.create', () => createAccount(state, body));
		},
		true,
	);

	route(
		'POST',
		'/batch',
		(ctx) => {
			const body = parseBody(ctx, 'admin.BatchCreateAccountsRequest');
			if (!body) return;
			if (!Array.isArray(body.accounts) || body.accounts.length === 0) {
				return fail(
					ctx,
					400,
					"Invalid request: Key: 'BatchCreateAccountsRequest.Accounts' Error:Field validation for 'Accounts' failed on the 'min' tag",
				);
			}
			runIdempotent(state, ctx, 'admin.accounts.batch', () => {
				const results = body.accounts.map((item: any) => {
					const result = createAccount(state, item && typeof item === 'object' ? item : {});
					const envelope = result.body as any;
					return result.status === 200
						? {name: item.name, id: envelope.data.id, success: true}
						: {name: item?.name ?? '', success: false, error: envelope.message};
				});
				const succeeded = results.filter((r: any) => r.success).length;
				return success({success: succeeded, failed: results.length - succeeded, results});
			});
		},
		true,
	);

	route(
		'GET',
		'/:id',
		withAccount((ctx, account) => ok(ctx, accountDto(state, account))),
	);

	route(
		'PUT',
		'/:id',
		withAccount((ctx, account) => {
			const body = parseBody(ctx, 'admin.UpdateAccountRequest');
			if (!body) return;
			const result = updateAccount(state, account, body);
			sendJson(ctx, result.status, result.body);
		}),
		true,
	);

	route(
		'DELETE',
		'/:id',
		withAccount((ctx, account) => {
			account.deleted_at = nowIso();
			ok(ctx, {message: 'Account deleted successfully'});
		}),
		true,
	);

	route(
		'POST',
		'/:id/schedulable',
		withAccount((ctx, account) => {
			const body = parseBody(ctx, 'admin.SetSchedulableRequest');
			if (!body) return;
			const error = validate('SetSchedulableRequest', body, {schedulable: {type: 'bool'}});
			if (error) return fail(ctx, 400, error);
			account.schedulable = body.schedulable === true;
			account.updated_at = nowIso();
			ok(ctx, accountDto(state, account));
		}),
	);

	route(
		'POST',
		'/:id/clear-error',
		withAccount((ctx, account) => {
			account.status = 'active';
			account.error_message = '';
			account.updated_at = nowIso();
			ok(ctx, accountDto(state, account));
		}),
	);

	route(
		'POST',
		'/:id/clear-rate-limit',
		withAccount((ctx, account) => {
			account.rate_limited_at = null;
			account.rate_limit_reset_at = null;
			account.updated_at = nowIso();
			ok(ctx, {message: 'Rate limit cleared successfully'});
		}),
	);

	route(
		'GET',
		'/:id/models',
		withAccount((ctx, account) => {
			const keys = Object.keys(mappingOf(account));
			const passthrough = !state.isOld && account.extra?.openai_responses_mode === 'passthrough';
			if (keys.length > 0 && !passthrough) return ok(ctx, keys.map(modelItem));
			ok(ctx, (account.platform === 'openai' ? OPENAI_DEFAULT_MODELS : CLAUDE_DEFAULT_MODELS).map(modelItem));
		}),
	);

	route(
		'POST',
		'/:id/test',
		withAccount((ctx, account) => runAccountTest(state, ctx, account)),
	);
}
