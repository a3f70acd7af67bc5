// Residue for tests and demos (control route POST /oob {"op":"seed_residue"}): what an earlier run of
// the tool (or someone imitating its names) left on the host, unknown to the data folder. One set is
// a subscription group, an account bound to it, a managed user allowed on it, the user's key bound to
// it and the user's subscription, all named with the tool's prefix. With `batch_id`, each carries
// the tool's marker `[crm:<batch_id>:<nonce>]` where the host keeps it (group description, account,
// user and subscription notes, key name); without, none does. `age_days` back-dates them.
import {randomBytes} from 'node:crypto';
import {nowIso, type SandboxState} from './state.js';
import type {AccountRow, GroupRow, SubscriptionRow, UserRow} from './types.js';
import {newApiKey} from './user-routes.js';

export interface SeedResidue {
	prefix?: string;
	user_domain?: string;
	/** The marker's batch id (b<yyyymmdd>-<hhmmss>-<6 hex>); absent or null: no markers. */
	batch_id?: string | null;
	age_days?: number;
	/** Name stem after the prefix (default: residue-<n>). */
	stem?: string;
}

const BATCH_ID = /^b\d{8}-\d{6}-[0-9a-f]{6}$/;

export function checkSeed(body: Record<string, unknown>): SeedResidue | string {
	const {prefix, user_domain, batch_id, age_days, stem} = body;
	if (prefix !== undefined && (typeof prefix !== 'string' || prefix === '')) return 'prefix must be a string';
	if (user_domain !== undefined && typeof user_domain !== 'string') return 'user_domain must be a string';
	if (
		batch_id !== undefined &&
		batch_id !== null &&
		(typeof batch_id !== 'string' || !BATCH_ID.test(batch_id))
	)
		return 'batch_id must be a batch id (b<yyyymmdd>-<hhmmss>-<6 hex>) or null';
	if (age_days !== undefined && (typeof age_days !== 'number' || age_days < 0 || age_days > 3650))
		return 'age_days must be a number from 0 to 3650';
	if (stem !== undefined && (typeof stem !== 'string' || !/^[a-z0-9-]{1,40}$/.test(stem)))
		return 'stem must be 1-40 lowercase letters, digits or dashes';
	return body as SeedResidue;
}

export function seedResidue(state: SandboxState, o: SeedResidue) {
	const prefix = o.prefix ?? 'crm-';
	const domain = o.user_domain ?? 'crm.invalid';
	const at = o.age_days ? new Date(Date.now() - o.age_days * 86_400_000).toISOString() : nowIso();
	const stamps = {created_at: at, updated_at: at, deleted_at: null};
	const mark = () => (o.batch_id ? ` [crm:${o.batch_id}:${randomBytes(6).toString('hex')}]` : '');
	const name = `${prefix}${o.stem ?? `residue-${state.groups.size + 1}`}`;
	const group: GroupRow = {
		id: state.nextId('group'),
		name,
		description: `Imported by sub2api-cn-relay-manager${mark()}`.trim(),
		platform: 'openai',
		rate_multiplier: 1,
		is_exclusive: false,
		status: 'active',
		subscription_type: 'subscription',
		daily_limit_usd: null,
		weekly_limit_usd: null,
		monthly_limit_usd: null,
		sort_order: 0,
		...stamps,
	};
	state.groups.set(group.id, group);
	const account: AccountRow = {
		id: state.nextId('account'),
		name,
		notes: mark().trim(),
		platform: 'openai',
		type: 'apikey',
		credentials: {api_key: `sk-residue-${randomBytes(8).toString('hex')}`, base_url: 'http://127.0.0.1:9/v1'},
		extra: {},
		proxy_id: null,
		concurrency: 1,
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
		group_ids: [group.id],
		...stamps,
	};
	state.accounts.set(account.id, account);
	state.accountMeta.set(account.id, {tests: 0, warmup503Left: 0});
	const user: UserRow = {
		id: state.nextId('user'),
		email: `${name}@${domain}`,
		username: '',
		notes: mark().trim(),
		role: 'user',
		balance: 0,
		concurrency: 3,
		status: 'active',
		allowed_groups: [group.id],
		totp_enabled: false,
		token_version: 0,
		...stamps,
	};
	state.users.set(user.id, user);
	state.passwords.set(user.id, `pw-${user.id}-${randomBytes(6).toString('hex')}`);
	const key = newApiKey(state, user.id, `${name}-key${mark()}`, group.id);
	Object.assign(key, stamps);
	const sub: SubscriptionRow = {
		id: state.nextId('subscription'),
		user_id: user.id,
		group_id: group.id,
		starts_at: at,
		expires_at: new Date(Date.parse(at) + 30 * 86_400_000).toISOString(),
		status: 'active',
		daily_window_start: null,
		weekly_window_start: null,
		monthly_window_start: null,
		daily_usage_usd: 0,
		weekly_usage_usd: 0,
		monthly_usage_usd: 0,
		assigned_by: 1,
		assigned_at: at,
		notes: mark().trim(),
		...stamps,
	};
	state.subscriptions.set(sub.id, sub);
	return {
		group_id: group.id,
		account_id: account.id,
		user_id: user.id,
		api_key_id: key.id,
		subscription_id: sub.id,
	};
}
