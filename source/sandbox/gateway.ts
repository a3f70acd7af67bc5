// The user-key gateway at the root: pre-checks, /v1/models, /v1/usage, /v1/chat/completions (§10).
import type {IncomingMessage} from 'node:http';
import {type Ctx, gwFail, header, mwFail, type Router, sendJson} from './http-util.js';
import {
	baseUrlOf,
	chatCompletionsUrl,
	mapModel,
	mappingOf,
	postUpstream,
	readAll,
	responsesUrl,
	usesChatCompletions,
} from './routing.js';
import {CLAUDE_DEFAULT_MODELS, nowIso, OPENAI_DEFAULT_MODELS, type SandboxState} from './state.js';
import type {AccountRow, ApiKeyRow, GroupRow, UserRow} from './types.js';

interface GatewayAuth {
	key: ApiKeyRow;
	user: UserRow;
	group: GroupRow;
}

const FAILOVER = new Set([401, 403, 404, 429, 500, 502, 503, 504, 529]);

function extractKey(state: SandboxState, ctx: Ctx): string {
	const auth = header(ctx, 'authorization');
	const match = state.isOld ? /^Bearer (.+)$/.exec(auth) : /^bearer\s+(.+)$/i.exec(auth);
	if (match && match[1].trim() !== '') return match[1].trim();
	const direct = header(ctx, 'x-api-key') || header(ctx, 'x-goog-api-key');
	if (direct) return direct;
	return state.isOld ? (ctx.query.get('key') ?? ctx.query.get('api_key') ?? '') : '';
}

/** §10 pre-checks in order, in the middleware shape; answers and returns null on failure. */
function gatewayAuth(state: SandboxState, ctx: Ctx, skipBilling = false): GatewayAuth | null {
	if (!state.isOld && (ctx.query.has('key') || ctx.query.has('api_key'))) {
		mwFail(
			ctx,
			400,
			'api_key_in_query_deprecated',
			'API key in query parameters is no longer supported; use the Authorization header',
		);
		return null;
	}
	const raw = extractKey(state, ctx);
	if (raw === '') {
		mwFail(
			ctx,
			401,
			'API_KEY_REQUIRED',
			'API key is required in Authorization header (Bearer scheme), x-api-key header, or x-goog-api-key header',
		);
		return null;
	}
	const key = [...state.apiKeys.values()].find((k) => !k.deleted_at && k.key === raw);
	if (!key) {
		mwFail(ctx, 401, 'INVALID_API_KEY', 'Invalid API key');
		return null;
	}
	if (key.status !== 'active') {
		mwFail(ctx, 401, 'API_KEY_DISABLED', 'API key is disabled');
		return null;
	}
	if (!state.isOld && key.expires_at && Date.parse(key.expires_at) <= Date.now()) {
		mwFail(ctx, 403, 'API_KEY_EXPIRED', 'API key has expired');
		return null;
	}
	const user = state.liveUser(key.user_id);
	if (!user) {
		mwFail(ctx, 401, 'USER_NOT_FOUND', 'User not found');
		return null;
	}
	if (user.status !== 'active') {
		mwFail(ctx, 401, 'USER_INACTIVE', 'User account is not active');
		return null;
	}
	const group = key.group_id === null ? undefined : state.groups.get(key.group_id);
	if (key.group_id !== null && (!group || group.deleted_at)) {
		mwFail(ctx, 403, 'GROUP_DELETED', "API key's group has been deleted");
		return null;
	}
	if (group && !state.isOld && group.status !== 'active') {
		mwFail(ctx, 403, 'GROUP_DISABLED', "API key's group is disabled");
		return null;
	}
	if (!skipBilling) {
		if (group?.subscription_type === 'subscription') {
			const sub = state.subscriptionOf(user.id, group.id);
			if (!sub) {
				mwFail(ctx, 403, 'SUBSCRIPTION_NOT_FOUND', 'No active subscription found for this group');
				return null;
			}
			if (sub.status !== 'active' || Date.parse(sub.expires_at) <= Date.now()) {
				mwFail(ctx, 403, 'SUBSCRIPTION_INVALID', 'Subscription is invalid or expired');
				return null;
			}
		} else if (user.balance <= 0) {
			mwFail(ctx, 403, 'INSUFFICIENT_BALANCE', 'Insufficient account balance');
			return null;
		}
	}
	if (!group) {
		sendJson(ctx, 403, {
			type: 'error',
			error: {
				type: 'permission_error',
				message:
					'API Key is not assigned to any group and cannot be used. Please contact the administrator to assign it to a group.',
			},
		});
		return null;
	}
	key.last_used_at = nowIso();
	return {key, user, group};
}

function modelItem(id: string, ownedBy: string): Record<string, unknown> {
	return {id, object: 'model', created: 1_767_225_600, owned_by: ownedBy, type: 'model', display_name: id};
}

function groupAccounts(state: SandboxState, group: GroupRow): AccountRow[] {
	return [...state.accounts.values()]
		.filter((a) => !a.deleted_at && a.group_ids.includes(group.id) && a.platform === group.platform)
		.sort((a, b) => a.priority - b.priority || a.id - b.id);
}

function listModels(state: SandboxState, group: GroupRow): string[] {
	const fallback = group.platform === 'openai' ? OPENAI_DEFAULT_MODELS : CLAUDE_DEFAULT_MODELS;
	if (state.isOld) return fallback;
	const ids = new Set<string>();
	for (const account of groupAccounts(state, group)) {
		if (!state.isSchedulable(account)) continue;
		for (const key of Object.keys(mappingOf(account))) ids.add(key);
	}
	return ids.size > 0 ? [...ids] : fallback;
}

export function registerGatewayRoutes(router: Router, state: SandboxState): void {
	router.add('GET', '/v1/models', (ctx) => {
		const auth = gatewayAuth(state, ctx);
		if (!auth) return;
		const owner = auth.group.platform === 'openai' ? 'openai' : auth.group.platform;
		sendJson(ctx, 200, {
			object: 'list',
			data: listModels(state, auth.group).map((id) => modelItem(id, owner)),
		});
	});

	router.add('GET', '/v1/usage', (ctx) => {
		const auth = gatewayAuth(state, ctx, !state.isOld);
		if (!auth) return;
		const plan = auth.group.subscription_type === 'subscription' ? auth.group.name : '钱包余额';
		sendJson(ctx, 200, {isValid: true, planName: plan, remaining: auth.user.balance, unit: 'USD'});
	});

	if (state.isOld) return;
	router.add('POST', '/v1/chat/completions', (ctx) => chatCompletions(state, ctx));
	router.add('POST', '/chat/completions', (ctx) => chatCompletions(state, ctx));
}

async function chatCompletions(state: SandboxState, ctx: Ctx): Promise<void> {
	const auth = gatewayAuth(state, ctx);
	if (!auth) return;
	let body: any;
	try {
		body = JSON.parse(ctx.rawBody);
	} catch {
		return gwFail(ctx, 400, 'invalid_request_error', 'Failed to parse request body');
	}
	if (!body || typeof body !== 'object' || Array.isArray(body)) {
		return gwFail(ctx, 400, 'invalid_request_error', 'Failed to parse request body');
	}
	if (typeof body.model !== 'string' || body.model === '') {
		return gwFail(ctx, 400, 'invalid_request_error', 'model is required');
	}
	const model: string = body.model;
	const eligible =
		auth.group.platform === 'openai'
			? groupAccounts(state, auth.group).filter((a) => a.platform === 'openai' && mapModel(a, model) !== null)
			: [];
	const candidates = eligible.filter((a) => state.isSchedulable(a));
	if (candidates.length === 0) {
		const limited = eligible.some((a) => a.status === 'active' && a.schedulable && state.isRateLimited(a));
		if (limited)
			return gwFail(ctx, 429, 'rate_limit_error', 'Upstream rate limit exceeded, please retry later');
		return gwFail(ctx, 503, 'api_error', `No available accounts supporting model: ${model}`);
	}
	const meta = state.accountMeta.get(candidates[0].id);
	if (meta && meta.warmup503Left > 0) {
		meta.warmup503Left--;
		return gwFail(ctx, 503, 'api_error', 'No available accounts');
	}
	let last: {status: number; error?: Error} = {status: 0};
	for (const account of candidates.slice(0, 4)) {
		let upstream: IncomingMessage;
		try {
			upstream = await forward(state, ctx, account, body, model);
		} catch (error) {
			last = {status: 0, error: error as Error};
			continue;
		}
		const status = upstream.statusCode ?? 502;
		if (status < 400) {
			const headers: Record<string, string> = {
				'content-type': String(upstream.headers['content-type'] ?? 'application/json'),
			};
			if (upstream.headers['content-length'])
				headers['content-length'] = String(upstream.headers['content-length']);
			ctx.res.writeHead(status, headers);
			upstream.pipe(ctx.res);
			return;
		}
		const text = await readAll(upstream);
		markAccount(state, account, status, text);
		last = {status};
		if (!FAILOVER.has(status)) break;
	}
	answerUpstreamError(ctx, last.status);
}

function forward(
	state: SandboxState,
	ctx: Ctx,
	account: AccountRow,
	body: any,
	model: string,
): Promise<IncomingMessage> {
	const upstreamModel = mapModel(account, model) ?? model;
	const base = baseUrlOf(account);
	const apiKey = typeof account.credentials.api_key === 'string' ? account.credentials.api_key : '';
	const passHeaders: Record<string, string> = {};
	for (const name of ['accept-language', 'user-agent'])
		if (header(ctx, name)) passHeaders[name] = header(ctx, name);
	if (usesChatCompletions(state, account)) {
		const payload = {...body, model: upstreamModel};
		if (payload.stream === true) payload.stream_options = {...payload.stream_options, include_usage: true};
		return postUpstream(chatCompletionsUrl(base), apiKey, payload, passHeaders);
	}
	const payload = {model: upstreamModel, input: body.messages ?? [], stream: body.stream === true};
	return postUpstream(responsesUrl(state, base), apiKey, payload, passHeaders);
}

function markAccount(state: SandboxState, account: AccountRow, status: number, text: string): void {
	const now = nowIso();
	if (status === 401 || (status === 403 && state.isOld)) {
		account.status = 'error';
		account.error_message = `Upstream returned ${status}: ${text.slice(0, 200)}`;
		account.updated_at = now;
	} else if (status === 429) {
		account.rate_limited_at = now;
		account.rate_limit_reset_at = new Date(Date.now() + 5 * 60_000).toISOString();
		account.updated_at = now;
	}
}

function answerUpstreamError(ctx: Ctx, status: number): void {
	if (status === 401) {
		return gwFail(ctx, 502, 'upstream_error', 'Upstream authentication failed, please contact administrator');
	}
	if (status === 403)
		return gwFail(ctx, 502, 'upstream_error', 'Upstream access forbidden, please contact administrator');
	if (status === 429)
		return gwFail(ctx, 429, 'rate_limit_error', 'Upstream rate limit exceeded, please retry later');
	if (status === 529)
		return gwFail(ctx, 503, 'upstream_error', 'Upstream service overloaded, please retry later');
	if (status >= 500) return gwFail(ctx, 502, 'upstream_error', 'Upstream service temporarily unavailable');
	gwFail(ctx, 502, 'upstream_error', 'Upstream request failed');
}
