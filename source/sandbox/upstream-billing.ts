// Balance routes of the fake upstreams, with balances a test can set (docs/domain.md "Health"): each
// provider's real 2026 route and answer shape. DeepSeek `GET /user/balance`, Moonshot
// `GET /v1/users/me/balance`, StepFun `GET /v1/accounts`, and the relay as a sub2api relay
// (`/v1/sub2api/billing` + `/v1/usage`) or a new-api one (`/dashboard/billing/subscription` +
// `/dashboard/billing/usage`); MiniMax, Qwen and GLM have none (404).

export type RelayBilling = 'sub2api' | 'new-api' | 'none';
export const RELAY_BILLINGS: readonly RelayBilling[] = ['sub2api', 'new-api', 'none'];

/** What a test can change about the fake upstreams besides faults (control route POST /upstreams). */
export interface UpstreamSettings {
	/** Balance per pack id (CNY for deepseek/kimi/step, USD for the relay). */
	balances: Record<string, number>;
	/** Further keys each pack accepts besides its own (a rotated key, a second account's key). */
	accept_keys: Record<string, string[]>;
	relay_billing: RelayBilling;
	/** The new-api relay's hard limit in USD (its balance is the limit minus the usage). */
	relay_hard_limit_usd: number;
}

export function defaultUpstreamSettings(): UpstreamSettings {
	return {
		balances: {deepseek: 110.5, kimi: 42, step: 30, relay: 20},
		accept_keys: {},
		relay_billing: 'sub2api',
		relay_hard_limit_usd: 100,
	};
}

type Answer = [number, unknown];

/** Merges a partial update, all or nothing; throws an Error naming the bad field. */
export function mergeUpstreamSettings(
	current: UpstreamSettings,
	patch: unknown,
	packs: readonly string[],
): UpstreamSettings {
	if (patch === null || typeof patch !== 'object' || Array.isArray(patch))
		throw new Error('upstream settings must be an object');
	const p = patch as Record<string, unknown>;
	const next = structuredClone(current);
	for (const key of Object.keys(p)) {
		if (!['balances', 'accept_keys', 'relay_billing', 'relay_hard_limit_usd'].includes(key))
			throw new Error(`unknown upstream setting: ${key}`);
	}
	const object = (name: string): Record<string, unknown> => {
		const v = p[name];
		if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error(`${name} must be an object`);
		return v as Record<string, unknown>;
	};
	if ('balances' in p) {
		for (const [pack, amount] of Object.entries(object('balances'))) {
			if (!packs.includes(pack)) throw new Error(`unknown upstream pack: ${pack}`);
			if (typeof amount !== 'number' || !Number.isFinite(amount))
				throw new Error(`balances.${pack} must be a number`);
			next.balances[pack] = amount;
		}
	}
	if ('accept_keys' in p) {
		for (const [pack, keys] of Object.entries(object('accept_keys'))) {
			if (!packs.includes(pack)) throw new Error(`unknown upstream pack: ${pack}`);
			if (!Array.isArray(keys) || keys.some((k) => typeof k !== 'string' || k.length < 8))
				throw new Error(`accept_keys.${pack} must be a list of keys (8+ characters)`);
			next.accept_keys[pack] = [...keys] as string[];
		}
	}
	if ('relay_billing' in p) {
		if (!RELAY_BILLINGS.includes(p.relay_billing as RelayBilling))
			throw new Error(`relay_billing must be one of ${RELAY_BILLINGS.join(', ')}`);
		next.relay_billing = p.relay_billing as RelayBilling;
	}
	if ('relay_hard_limit_usd' in p) {
		const v = p.relay_hard_limit_usd;
		if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
			throw new Error('relay_hard_limit_usd must be a non-negative number');
		next.relay_hard_limit_usd = v;
	}
	Object.assign(current, next);
	return current;
}

const money = (n: number) => n.toFixed(2);

/** The answer of a balance route, or null when `path` is none of them (the caller answers 404). */
export function balanceAnswer(
	settings: UpstreamSettings,
	pack: string,
	method: string,
	path: string,
): Answer | null {
	if (method !== 'GET') return null;
	const balance = settings.balances[pack] ?? 0;
	if (pack === 'deepseek' && (path === '/deepseek/user/balance' || path === '/deepseek/v1/user/balance')) {
		return [
			200,
			{
				is_available: balance > 0,
				balance_infos: [
					{
						currency: 'CNY',
						total_balance: money(balance),
						granted_balance: '0.00',
						topped_up_balance: money(balance),
					},
				],
			},
		];
	}
	if (pack === 'kimi' && path === '/kimi/v1/users/me/balance') {
		return [
			200,
			{
				code: 0,
				data: {available_balance: balance, voucher_balance: 0, cash_balance: balance},
				scode: '0x0',
				status: true,
			},
		];
	}
	if (pack === 'step' && path === '/step/v1/accounts') {
		return [
			200,
			{
				object: 'account',
				type: 'prepaid',
				balance,
				total_cash_balance: balance,
				total_voucher_balance: 0,
			},
		];
	}
	if (pack === 'relay') return relayAnswer(settings, balance, path);
	return null;
}

function relayAnswer(settings: UpstreamSettings, balance: number, path: string): Answer | null {
	if (settings.relay_billing === 'sub2api') {
		if (path === '/relay/v1/sub2api/billing') {
			return [
				200,
				{
					object: 'sub2api.key_billing',
					schema_version: 1,
					billing_scope: 'token',
					group_rate_multiplier: 1,
					resolved_rate_multiplier: 1,
					peak_rate_enabled: false,
					effective_rate_multiplier: 1,
					observed_at: new Date().toISOString(),
				},
			];
		}
		if (path === '/relay/v1/usage') {
			return [
				200,
				{
					mode: 'unrestricted',
					isValid: true,
					planName: '钱包余额',
					balance,
					remaining: balance,
					unit: 'USD',
				},
			];
		}
	}
	if (settings.relay_billing === 'new-api') {
		if (
			path === '/relay/dashboard/billing/subscription' ||
			path === '/relay/v1/dashboard/billing/subscription'
		) {
			const limit = settings.relay_hard_limit_usd;
			return [
				200,
				{
					object: 'billing_subscription',
					has_payment_method: true,
					soft_limit_usd: limit,
					hard_limit_usd: limit,
					system_hard_limit_usd: limit,
					access_until: 0,
				},
			];
		}
		if (path === '/relay/dashboard/billing/usage' || path === '/relay/v1/dashboard/billing/usage') {
			// OpenAI's shape: total_usage in cents.
			const used = Math.max(0, settings.relay_hard_limit_usd - balance);
			return [200, {object: 'list', total_usage: Math.round(used * 100)}];
		}
	}
	return null;
}
