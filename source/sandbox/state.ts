// In-memory tables of the sandbox host, sessions, and the snapshot copy.
import {randomBytes, randomInt} from 'node:crypto';
import {defaultFaults} from './faults.js';
import {defaultRateLimits, RateLimiter} from './rate-limits.js';
import {defaultUpstreamSettings, type UpstreamSettings} from './upstream-billing.js';
import type {
	AccountRow,
	ApiKeyRow,
	GroupRow,
	RequestLogEntry,
	SandboxFaults,
	SandboxProfile,
	SandboxSnapshot,
	SubscriptionRow,
	UpstreamLogEntry,
	UserRow,
} from './types.js';

export const OPENAI_DEFAULT_MODELS = [
	'gpt-5.2',
	'gpt-5.2-codex',
	'gpt-5.1-codex-max',
	'gpt-5.1-codex',
	'gpt-5.1',
	'gpt-5.1-codex-mini',
	'gpt-5',
];
export const CLAUDE_DEFAULT_MODELS = [
	'claude-opus-4-5-20251101',
	'claude-sonnet-4-5-20250929',
	'claude-haiku-4-5-20251001',
];
export const DEFAULT_TEST_MODEL = 'gpt-5.1-codex';

export interface Family {
	id: string;
	userId: number;
	userAgent: string;
	tokenVersion: number;
	revoked: boolean;
	stepUpUntil: number;
}

export interface AccessToken {
	familyId: string;
	expiresAt: number;
}

export interface RefreshToken {
	familyId: string;
	used: boolean;
	expiresAt: number;
}

export interface TempToken {
	userId: number;
	expiresAt: number;
}

export interface ComplianceAck {
	version: string;
	language: string;
	accepted_at: string;
	ip: string;
	user_agent: string;
}

export interface AccountMeta {
	tests: number;
	warmup503Left: number;
}

export interface IdempotentAnswer {
	fingerprint: string;
	status: number;
	body: unknown;
}

export function hex(bytes: number): string {
	return randomBytes(bytes).toString('hex');
}

export function nowIso(): string {
	return new Date().toISOString();
}

export class SandboxState {
	readonly profile: SandboxProfile;
	readonly adminKeyCreation: boolean;
	readonly faults: SandboxFaults = defaultFaults();
	/** Balances, extra accepted keys and the relay's billing dialect of the fake upstreams. */
	readonly upstream: UpstreamSettings = defaultUpstreamSettings();
	/** Host requests being answered now, and the most at once (the watch benchmark's per-host bound). */
	inFlight = 0;
	maxInFlight = 0;
	readonly adminApiKey = `admin-${hex(32)}`;
	readonly adminEmail = 'admin@crm-sandbox.invalid';
	readonly adminPassword = `pw-${hex(12)}`;
	readonly totpCode = String(randomInt(0, 1_000_000)).padStart(6, '0');
	/** Set once the host listens. */
	hostUrl = '';

	readonly groups = new Map<number, GroupRow>();
	readonly accounts = new Map<number, AccountRow>();
	readonly users = new Map<number, UserRow>();
	readonly apiKeys = new Map<number, ApiKeyRow>();
	readonly subscriptions = new Map<number, SubscriptionRow>();
	readonly passwords = new Map<number, string>();
	readonly accountMeta = new Map<number, AccountMeta>();
	readonly complianceAcks = new Map<number, ComplianceAck>();

	readonly families = new Map<string, Family>();
	readonly accessTokens = new Map<string, AccessToken>();
	readonly refreshTokens = new Map<string, RefreshToken>();
	readonly tempTokens = new Map<string, TempToken>();
	readonly idempotency = new Map<string, IdempotentAnswer>();

	readonly upstreamCounts: Record<string, number> = {};
	readonly upstreamLog: UpstreamLogEntry[] = [];
	readonly requestLog: RequestLogEntry[] = [];

	private readonly nextIds: Record<string, number> = {
		group: 1,
		account: 1,
		user: 1,
		api_key: 1,
		subscription: 1,
	};

	/** The host's login and panel rate limits (rate-limits.ts). */
	readonly limiter: RateLimiter;

	constructor(profile: SandboxProfile, adminKeyCreation: boolean) {
		this.profile = profile;
		this.limiter = new RateLimiter(defaultRateLimits(profile));
		this.adminKeyCreation = adminKeyCreation && profile !== 'old';
		const now = nowIso();
		const admin: UserRow = {
			id: this.nextId('user'),
			email: this.adminEmail,
			username: 'admin',
			notes: '',
			role: 'admin',
			balance: 0,
			concurrency: 5,
			status: 'active',
			allowed_groups: [],
			totp_enabled: profile === 'gated',
			token_version: 0,
			created_at: now,
			updated_at: now,
			deleted_at: null,
		};
		this.users.set(admin.id, admin);
		this.passwords.set(admin.id, this.adminPassword);
	}

	get isOld(): boolean {
		return this.profile === 'old';
	}

	get isGated(): boolean {
		return this.profile === 'gated';
	}

	get version(): string {
		return this.isOld ? '0.1.1' : '0.1.180';
	}

	get maxPageSize(): number {
		return this.isOld ? 100 : 1000;
	}

	nextId(table: string): number {
		const id = this.nextIds[table];
		this.nextIds[table] = id + 1;
		return id;
	}

	liveGroup(id: number | null | undefined): GroupRow | undefined {
		const row = id === null || id === undefined ? undefined : this.groups.get(id);
		return row && !row.deleted_at ? row : undefined;
	}

	liveAccount(id: number): AccountRow | undefined {
		const row = this.accounts.get(id);
		return row && !row.deleted_at ? row : undefined;
	}

	liveUser(id: number): UserRow | undefined {
		const row = this.users.get(id);
		return row && !row.deleted_at ? row : undefined;
	}

	liveKey(id: number): ApiKeyRow | undefined {
		const row = this.apiKeys.get(id);
		return row && !row.deleted_at ? row : undefined;
	}

	liveSubscription(id: number): SubscriptionRow | undefined {
		const row = this.subscriptions.get(id);
		return row && !row.deleted_at ? row : undefined;
	}

	firstAdmin(): UserRow | undefined {
		return [...this.users.values()].find((u) => !u.deleted_at && u.role === 'admin');
	}

	/** The subscription of (user, group) that is not deleted, if any. */
	subscriptionOf(userId: number, groupId: number): SubscriptionRow | undefined {
		return [...this.subscriptions.values()].find(
			(s) => !s.deleted_at && s.user_id === userId && s.group_id === groupId,
		);
	}

	/** An active, unexpired subscription of (user, group). */
	activeSubscription(userId: number, groupId: number): SubscriptionRow | undefined {
		const sub = this.subscriptionOf(userId, groupId);
		if (!sub || sub.status !== 'active' || Date.parse(sub.expires_at) <= Date.now()) return undefined;
		return sub;
	}

	/** §8 bind rule. */
	canBindGroup(user: UserRow, group: GroupRow): boolean {
		if (group.subscription_type === 'subscription')
			return Boolean(this.activeSubscription(user.id, group.id));
		if (user.allowed_groups.includes(group.id)) return true;
		return user.allowed_groups.length === 0 && !group.is_exclusive;
	}

	isRateLimited(account: AccountRow): boolean {
		return Boolean(account.rate_limit_reset_at && Date.parse(account.rate_limit_reset_at) > Date.now());
	}

	isSchedulable(account: AccountRow): boolean {
		return (
			!account.deleted_at &&
			account.status === 'active' &&
			account.schedulable &&
			!this.isRateLimited(account) &&
			!(account.overload_until && Date.parse(account.overload_until) > Date.now()) &&
			!(account.temp_unschedulable_until && Date.parse(account.temp_unschedulable_until) > Date.now())
		);
	}

	/** Soft-deletes a group with the §4 cascade. */
	deleteGroup(group: GroupRow): void {
		const now = nowIso();
		if (group.subscription_type === 'subscription') {
			for (const sub of [...this.subscriptions.values()]) {
				if (sub.group_id !== group.id || sub.deleted_at) continue;
				if (this.isOld) this.subscriptions.delete(sub.id);
				else sub.deleted_at = now;
			}
		}
		for (const key of this.apiKeys.values()) {
			if (key.group_id === group.id) {
				key.group_id = null;
				key.updated_at = now;
			}
		}
		for (const user of this.users.values()) {
			if (user.allowed_groups.includes(group.id)) {
				user.allowed_groups = user.allowed_groups.filter((id) => id !== group.id);
			}
		}
		for (const account of this.accounts.values()) {
			if (account.group_ids.includes(group.id)) {
				account.group_ids = account.group_ids.filter((id) => id !== group.id);
			}
		}
		group.deleted_at = now;
		group.updated_at = now;
	}

	/** Soft-deletes a user; recent builds delete the user's API keys too. */
	deleteUser(user: UserRow): void {
		const now = nowIso();
		user.deleted_at = now;
		if (!this.isOld) {
			for (const key of this.apiKeys.values()) {
				if (key.user_id === user.id && !key.deleted_at) key.deleted_at = now;
			}
		}
		for (const [token, access] of this.accessTokens) {
			if (this.families.get(access.familyId)?.userId === user.id) this.accessTokens.delete(token);
		}
	}

	/** Revokes a subscription: hard delete on old, soft delete on recent. */
	deleteSubscription(sub: SubscriptionRow): void {
		if (this.isOld) this.subscriptions.delete(sub.id);
		else sub.deleted_at = nowIso();
	}

	countUpstream(entry: UpstreamLogEntry): void {
		this.upstreamCounts[entry.pack] = (this.upstreamCounts[entry.pack] ?? 0) + 1;
		this.upstreamLog.push(entry);
		if (this.upstreamLog.length > 5000) this.upstreamLog.shift();
	}

	snapshot(): SandboxSnapshot {
		const copy = <T>(rows: Map<number, T>): T[] => structuredClone([...rows.values()]);
		return {
			profile: this.profile,
			sandbox: true,
			groups: copy(this.groups),
			accounts: copy(this.accounts),
			users: copy(this.users),
			api_keys: copy(this.apiKeys),
			subscriptions: copy(this.subscriptions),
			compliance_acknowledged_user_ids: [...this.complianceAcks.keys()],
			upstream_requests: {...this.upstreamCounts},
			upstream_log: structuredClone(this.upstreamLog),
			faults: structuredClone(this.faults),
			rate_limits: {...this.limiter.limits},
			rate_limited: {...this.limiter.refused},
			upstream_settings: structuredClone(this.upstream),
			max_in_flight: this.maxInFlight,
		};
	}
}
