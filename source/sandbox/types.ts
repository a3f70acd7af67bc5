// Public types of the sandbox host and the row shapes it keeps in memory.
import type {SandboxRateLimits} from './rate-limits.js';
import type {UpstreamSettings} from './upstream-billing.js';

export type {SandboxRateLimits, UpstreamSettings};
export type SandboxProfile = 'recent' | 'old' | 'gated';

export type UpstreamFault =
	| 'quota'
	| 'auth'
	| 'chat_fail'
	| 'server_error'
	| 'rate_limited'
	| 'down'
	/** Every request answers 500 with the caller's key quoted in the error message. */
	| 'echo_key'
	/** /models answers a 5 MiB list (chunked, no Content-Length). */
	| 'huge_body'
	/** /models adds ids with escape sequences, spaces, `*` and overlong ones; chat replies carry escape sequences. */
	| 'control_chars'
	| null;

export interface SandboxFaults {
	/** Each account's FIRST account test answers an SSE 403 error (HTTP 200); the account stays schedulable. */
	first_account_test_403: boolean;
	/** After each account creation, the first N gateway chat completions routed to it answer 503. */
	gateway_503_count: number;
	/** Per fake upstream pack id. */
	upstream: Record<string, UpstreamFault>;
	/** Added before every host and upstream response. */
	latency_ms: number;
	/** Host destroys every socket without answering. */
	host_down: boolean;
	/** Host accepts requests and never answers. */
	host_stall: boolean;
	/** Host answers every request with a 200 text/html SPA page. */
	host_html: boolean;
	/** Host answers /api/* with a truncated JSON body. */
	host_truncated_json: boolean;
	/** Next N /api/v1/admin/* requests get 429 RATE_LIMITED with Retry-After: 1. */
	admin_429: number;
	/** Admin requests with an x-api-key, and logins, answer 401 quoting the key or password sent. */
	host_401_echo: boolean;
	/** Admin user creates and updates that carry a password answer 400 quoting it. */
	host_400_echo: boolean;
	/** Host answers /api/* with a 200 of 9 MiB (chunked, no Content-Length). */
	host_huge_body: boolean;
	/**
	 * Per fake upstream pack: its next `count` model-list or chat requests answer a plain 429 (the
	 * provider's rate-limit body, not quota) with `Retry-After: retry_after_s`.
	 */
	upstream_429: Record<string, {count: number; retry_after_s: number}>;
	/**
	 * Per fake upstream pack: every chat answers with this business code in the provider's own
	 * dialect (MiniMax `base_resp`, GLM `error.code`) and this HTTP status (MiniMax 1008 is seen as
	 * 200, 402, 429 and 500).
	 */
	upstream_code: Record<string, {code: number; status: number} | null>;
	/** The gateway address (the second listening port) destroys every socket without answering. */
	gateway_down: boolean;
	/**
	 * The next create of `type` loses its answer (the socket is closed): `before` the host acts
	 * (nothing is made) or `after` it acted. `twin`: as the answer is lost, someone else makes a
	 * resource of the same name (group, account, user) without the caller's description or notes.
	 * Cleared once it fired.
	 */
	lose_create_answer: LoseCreateAnswer | null;
	/** Account tests accept the request, send test_start and never finish. */
	account_test_stall: boolean;
}

export type CreateType = 'group' | 'account' | 'user' | 'api_key' | 'subscription';

export interface LoseCreateAnswer {
	type: CreateType;
	when: 'before' | 'after';
	twin?: boolean;
}

export interface SandboxInfo {
	host_url: string;
	admin_api_key: string;
	admin_email: string;
	admin_password: string;
	admin_totp_code: string;
	control_url: string;
	/** A second address serving only the gateway routes (/v1/*), as users would call the host. */
	gateway_url: string;
	upstreams: Record<string, {base_url: string; api_key: string}>;
	/** GLM's coding-plan endpoint and a coding-plan key (which the general endpoint answers with 1113). */
	glm_coding: {base_url: string; api_key: string};
}

export interface GroupRow {
	id: number;
	name: string;
	description: string;
	platform: string;
	rate_multiplier: number;
	is_exclusive: boolean;
	status: string;
	subscription_type: string;
	daily_limit_usd: number | null;
	weekly_limit_usd: number | null;
	monthly_limit_usd: number | null;
	sort_order: number;
	created_at: string;
	updated_at: string;
	deleted_at: string | null;
}

export interface AccountRow {
	id: number;
	name: string;
	notes: string;
	platform: string;
	type: string;
	credentials: Record<string, any>;
	extra: Record<string, any>;
	proxy_id: number | null;
	concurrency: number;
	priority: number;
	rate_multiplier: number;
	status: string;
	error_message: string;
	schedulable: boolean;
	rate_limited_at: string | null;
	rate_limit_reset_at: string | null;
	overload_until: string | null;
	temp_unschedulable_until: string | null;
	expires_at: number | null;
	group_ids: number[];
	created_at: string;
	updated_at: string;
	deleted_at: string | null;
}

export interface UserRow {
	id: number;
	email: string;
	username: string;
	notes: string;
	role: string;
	balance: number;
	concurrency: number;
	status: string;
	allowed_groups: number[];
	totp_enabled: boolean;
	token_version: number;
	created_at: string;
	updated_at: string;
	deleted_at: string | null;
}

export interface ApiKeyRow {
	id: number;
	user_id: number;
	key: string;
	name: string;
	group_id: number | null;
	status: string;
	expires_at: string | null;
	last_used_at: string | null;
	created_at: string;
	updated_at: string;
	deleted_at: string | null;
}

export interface SubscriptionRow {
	id: number;
	user_id: number;
	group_id: number;
	starts_at: string;
	expires_at: string;
	status: string;
	daily_window_start: string | null;
	weekly_window_start: string | null;
	monthly_window_start: string | null;
	daily_usage_usd: number;
	weekly_usage_usd: number;
	monthly_usage_usd: number;
	assigned_by: number;
	assigned_at: string;
	notes: string;
	created_at: string;
	updated_at: string;
	deleted_at: string | null;
}

export interface UpstreamLogEntry {
	pack: string;
	method: string;
	path: string;
	status: number;
	model: string | null;
	stream: boolean;
	at: number;
}

export interface SandboxSnapshot {
	profile: SandboxProfile;
	sandbox: true;
	groups: GroupRow[];
	accounts: AccountRow[];
	users: UserRow[];
	api_keys: ApiKeyRow[];
	subscriptions: SubscriptionRow[];
	compliance_acknowledged_user_ids: number[];
	/** Requests received by each fake upstream (every path under its prefix). */
	upstream_requests: Record<string, number>;
	upstream_log: UpstreamLogEntry[];
	faults: SandboxFaults;
	rate_limits: SandboxRateLimits;
	/** Requests refused with 429 RATE_LIMITED so far, per limit (login, refresh, user). */
	rate_limited: Record<string, number>;
	/** Balances, extra accepted keys and the relay's billing dialect (control route POST /upstreams). */
	upstream_settings: UpstreamSettings;
	/** The most host requests answered at once since start. */
	max_in_flight: number;
}

export interface RequestLogEntry {
	method: string;
	path: string;
	status: number;
	at: number;
	/** Which address the request came in on: the admin address or the gateway address. */
	via: 'admin' | 'gateway';
}

export interface SandboxHandle {
	info: SandboxInfo;
	profile: SandboxProfile;
	setFaults(p: Partial<SandboxFaults>): void;
	/** Changes the host's rate limits (rate-limits.ts); 0 turns one off. */
	setRateLimits(p: Partial<SandboxRateLimits>): void;
	/** Balances, extra accepted keys, relay billing dialect (all or nothing; throws naming the field). */
	setUpstream(p: Partial<UpstreamSettings>): void;
	snapshot(): SandboxSnapshot;
	requestLog(): RequestLogEntry[];
	close(): Promise<void>;
}

export interface SandboxOptions {
	port?: number;
	upstreamPort?: number;
	/** Port of the gateway address (0 or absent: any free port). */
	gatewayPort?: number;
	profile?: SandboxProfile;
	latencyMs?: number;
	faults?: Partial<SandboxFaults>;
	/** The host's rate limits; default the host's (docs/domain.md "The host": login 20, refresh 30, user 240 per minute). */
	rateLimits?: Partial<SandboxRateLimits>;
	/** Register POST /api/v1/admin/users/:id/api-keys (recent/gated builds that have it). Default off. */
	adminKeyCreation?: boolean;
}
