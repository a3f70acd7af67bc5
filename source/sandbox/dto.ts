// Response DTOs (what the host returns for its rows) and pagination.
import type {Ctx} from './http-util.js';
import type {SandboxState} from './state.js';
import type {AccountRow, ApiKeyRow, GroupRow, SubscriptionRow, UserRow} from './types.js';

const SENSITIVE_CREDENTIAL_KEYS = [
	'api_key',
	'access_token',
	'refresh_token',
	'id_token',
	'session_key',
	'cookie',
	'aws_secret_access_key',
	'private_key',
];

export function groupDto(state: SandboxState, group: GroupRow): Record<string, unknown> {
	const accounts = [...state.accounts.values()].filter(
		(a) => !a.deleted_at && a.group_ids.includes(group.id),
	);
	const {deleted_at: _deleted, sort_order, ...rest} = group;
	const dto: Record<string, unknown> = {...rest, account_count: accounts.length};
	if (!state.isOld) {
		dto.sort_order = sort_order;
		dto.active_account_count = accounts.filter((a) => state.isSchedulable(a)).length;
		dto.rate_limited_account_count = accounts.filter((a) => state.isRateLimited(a)).length;
		dto.rpm_limit = 0;
	}
	return dto;
}

export function accountDto(state: SandboxState, account: AccountRow): Record<string, unknown> {
	const {deleted_at: _deleted, ...rest} = account;
	const groups = account.group_ids
		.map((id) => state.groups.get(id))
		.filter((g): g is GroupRow => Boolean(g))
		.map((g) => ({id: g.id, name: g.name, platform: g.platform}));
	const dto: Record<string, unknown> = {...structuredClone(rest), groups};
	if (state.isOld) {
		delete dto.notes; // old builds keep no account notes
		return dto;
	}
	const credentials = {...(dto.credentials as Record<string, unknown>)};
	const status: Record<string, boolean> = {};
	for (const key of SENSITIVE_CREDENTIAL_KEYS) {
		status[`has_${key}`] = typeof credentials[key] === 'string' && credentials[key] !== '';
		delete credentials[key];
	}
	dto.credentials = credentials;
	dto.credentials_status = status;
	dto.current_concurrency = 0;
	return dto;
}

export function userDto(state: SandboxState, user: UserRow): Record<string, unknown> {
	const {deleted_at, totp_enabled, token_version: _version, ...rest} = user;
	const dto: Record<string, unknown> = {...structuredClone(rest)};
	if (state.isOld) dto.wechat = '';
	else {
		dto.rpm_limit = 0;
		dto.totp_enabled = totp_enabled;
		if (deleted_at) dto.deleted_at = deleted_at;
	}
	return dto;
}

export function apiKeyDto(state: SandboxState, key: ApiKeyRow): Record<string, unknown> {
	const base: Record<string, unknown> = {
		id: key.id,
		user_id: key.user_id,
		key: key.key,
		name: key.name,
		group_id: key.group_id,
		status: key.status,
		created_at: key.created_at,
		updated_at: key.updated_at,
	};
	if (!state.isOld) {
		Object.assign(base, {
			ip_whitelist: [],
			ip_blacklist: [],
			last_used_at: key.last_used_at,
			quota: 0,
			quota_used: 0,
			expires_at: key.expires_at,
		});
	}
	const group = state.groups.get(key.group_id ?? -1);
	if (group) base.group = {id: group.id, name: group.name, platform: group.platform};
	return base;
}

export function subscriptionDto(_state: SandboxState, sub: SubscriptionRow): Record<string, unknown> {
	const {deleted_at: _deleted, ...rest} = sub;
	return {...rest};
}

/** page/page_size (alias limit) with the host's silent fallback to defaults. */
export function pageParams(ctx: Ctx, maxPageSize: number): {page: number; pageSize: number} {
	const rawPage = ctx.query.get('page');
	const rawSize = ctx.query.get('page_size') ?? ctx.query.get('limit');
	let page = rawPage !== null && /^\d+$/.test(rawPage) ? Number(rawPage) : 1;
	if (page < 1) page = 1;
	let pageSize = rawSize !== null && /^\d+$/.test(rawSize) ? Number(rawSize) : 20;
	if (pageSize < 1 || pageSize > maxPageSize) pageSize = 20;
	return {page, pageSize};
}

export function paginate<T>(ctx: Ctx, state: SandboxState, rows: T[]): Record<string, unknown> {
	const {page, pageSize} = pageParams(ctx, state.maxPageSize);
	const total = rows.length;
	return {
		items: rows.slice((page - 1) * pageSize, page * pageSize),
		total,
		page,
		page_size: pageSize,
		pages: Math.max(1, Math.ceil(total / pageSize)),
	};
}

export function boolQuery(ctx: Ctx, name: string): boolean | undefined {
	const raw = ctx.query.get(name);
	if (raw === 'true') return true;
	if (raw === 'false') return false;
	return undefined;
}
