// A provider key's balance, read from the provider's own route (docs/domain.md "Health"): DeepSeek
// `GET /user/balance`, Moonshot/Kimi `GET /v1/users/me/balance`, StepFun `GET /v1/accounts`, and a
// relay as sub2api (`GET /v1/sub2api/billing` proves the dialect, `GET /v1/usage` holds the balance)
// or new-api/one-api (`GET /dashboard/billing/subscription` hard limit minus `.../usage`). Every other
// provider has no balance API and says so: the amount is null with a reason, never a guess.
import {z} from 'zod';
import {safeTarget, sendHttp, TransportError, type HttpResponse} from '../host/http.js';
import {DEFAULT_USER_AGENT} from '../host/transport.js';
import {classifyUpstreamAnswer} from './errors.js';

export interface BalanceReading {
	/** null when none could be read; `reason` says why. */
	amount: number | null;
	currency: string | null;
	/** Which route answered (`deepseek /user/balance`, `sub2api /v1/usage`, ...); null when none did. */
	source: string | null;
	reason: string | null;
}

export interface BalanceRequest {
	pack: string;
	baseUrl: string;
	apiKey: string;
	timeoutMs: number;
	signal?: AbortSignal;
}

/** Providers that have no key balance API (docs/domain.md "Health"). */
const NO_API: Record<string, string> = {
	minimax: 'MiniMax has no pay-as-you-go balance API',
	qwen: 'Qwen / DashScope has no key balance API',
	glm: 'Zhipu GLM has no pay-as-you-go balance API',
};

/** The provider's API root: the base without `/chat/completions` and a trailing version segment. */
export function apiRoot(baseUrl: string): string {
	const u = new URL(baseUrl.trim());
	const p = u.pathname
		.replace(/\/+$/, '')
		.replace(/\/chat\/completions$/i, '')
		.replace(/\/v\d+$/i, '');
	return `${u.protocol}//${u.host}${p}`;
}

/** Whether this pack has a balance route at all (the TUI and `crm balance` say so without a call). */
export function hasBalanceApi(pack: string): boolean {
	return ['deepseek', 'kimi', 'step', 'relay'].includes(pack);
}

export function noBalanceReason(pack: string): string {
	return NO_API[pack] ?? `no balance API is known for pack ${pack}`;
}

const none = (reason: string, source: string | null = null): BalanceReading => ({
	amount: null,
	currency: null,
	source,
	reason,
});

export async function readBalance(r: BalanceRequest): Promise<BalanceReading> {
	let root: string;
	try {
		root = apiRoot(r.baseUrl);
	} catch {
		return none('the provider base URL is not a URL');
	}
	switch (r.pack) {
		case 'deepseek':
			return deepseek(r, root);
		case 'kimi':
			return moonshot(r, root);
		case 'step':
			return stepfun(r, root);
		case 'relay':
			return relay(r, root);
		default:
			return none(noBalanceReason(r.pack));
	}
}

const numeric = z.union([
	z.number(),
	z
		.string()
		.regex(/^-?\d+(\.\d+)?$/)
		.transform(Number),
]);

const DeepSeekBalance = z.object({
	is_available: z.boolean().optional(),
	balance_infos: z.array(z.object({currency: z.string(), total_balance: numeric})).min(1),
});

async function deepseek(r: BalanceRequest, root: string): Promise<BalanceReading> {
	const source = 'deepseek /user/balance';
	const got = await getJson(r, `${root}/user/balance`, source);
	if ('reading' in got) return got.reading;
	const parsed = DeepSeekBalance.safeParse(got.json);
	if (!parsed.success) return none('the balance answer is not DeepSeek-shaped', source);
	// A key can hold CNY and USD balances; the CNY one is the account's own currency on the CN site.
	const info = parsed.data.balance_infos.find((b) => b.currency === 'CNY') ?? parsed.data.balance_infos[0]!;
	return {amount: info.total_balance, currency: info.currency, source, reason: null};
}

const MoonshotBalance = z.object({
	data: z.object({available_balance: z.number()}),
});

async function moonshot(r: BalanceRequest, root: string): Promise<BalanceReading> {
	if (/api\.kimi\.com$/i.test(new URL(root).host))
		return none('Kimi For Coding keys have no balance route (the plan shows its own usage)');
	const source = 'moonshot /v1/users/me/balance';
	const got = await getJson(r, `${root}/v1/users/me/balance`, source);
	if ('reading' in got) return got.reading;
	const parsed = MoonshotBalance.safeParse(got.json);
	if (!parsed.success) return none('the balance answer is not Moonshot-shaped', source);
	// Moonshot bills in USD on api.moonshot.ai and in CNY on api.moonshot.cn.
	const currency = /\.ai$/i.test(new URL(root).host) ? 'USD' : 'CNY';
	return {amount: parsed.data.data.available_balance, currency, source, reason: null};
}

const StepFunAccount = z.object({balance: z.number()});

async function stepfun(r: BalanceRequest, root: string): Promise<BalanceReading> {
	const source = 'stepfun /v1/accounts';
	const got = await getJson(r, `${root}/v1/accounts`, source);
	if ('reading' in got) return got.reading;
	const parsed = StepFunAccount.safeParse(got.json);
	if (!parsed.success) return none('the account answer is not StepFun-shaped', source);
	const currency = /\.ai$/i.test(new URL(root).host) ? 'USD' : 'CNY';
	return {amount: parsed.data.balance, currency, source, reason: null};
}

const Sub2apiBilling = z.object({object: z.literal('sub2api.key_billing')});
const Sub2apiUsage = z.object({
	balance: z.number().optional(),
	remaining: z.number().optional(),
	unit: z.string().optional(),
});
const NewApiSubscription = z.object({hard_limit_usd: z.number()});
const NewApiUsage = z.object({total_usage: z.number()});

async function relay(r: BalanceRequest, root: string): Promise<BalanceReading> {
	const billing = await getJson(r, `${root}/v1/sub2api/billing`, 'sub2api /v1/sub2api/billing', true);
	if ('json' in billing && Sub2apiBilling.safeParse(billing.json).success) {
		const source = 'sub2api /v1/usage';
		const usage = await getJson(r, `${root}/v1/usage`, source);
		if ('reading' in usage) return usage.reading;
		const parsed = Sub2apiUsage.safeParse(usage.json);
		const amount = parsed.success ? (parsed.data.balance ?? parsed.data.remaining ?? null) : null;
		if (amount === null) return none('the sub2api relay answered /v1/usage without a balance', source);
		return {amount, currency: parsed.data?.unit ?? 'USD', source, reason: null};
	}
	if ('reading' in billing && billing.status !== 404) return billing.reading;
	const source = 'new-api /dashboard/billing';
	const sub = await getJson(r, `${root}/dashboard/billing/subscription`, source, true);
	if ('reading' in sub) {
		return sub.status === 404
			? none('the relay offers neither sub2api nor new-api billing routes (both answered 404)')
			: sub.reading;
	}
	const limit = NewApiSubscription.safeParse(sub.json);
	if (!limit.success) return none('the relay billing answer has no hard_limit_usd', source);
	const usage = await getJson(r, `${root}/dashboard/billing/usage`, source);
	if ('reading' in usage) return usage.reading;
	const used = NewApiUsage.safeParse(usage.json);
	if (!used.success) return none('the relay usage answer has no total_usage', source);
	// OpenAI's billing shape, which new-api keeps: total_usage is in cents.
	const amount = Math.round((limit.data.hard_limit_usd - used.data.total_usage / 100) * 100) / 100;
	return {amount, currency: 'USD', source, reason: null};
}

type Got = {json: unknown} | {reading: BalanceReading; status: number | null};

/** One GET with the provider key: the parsed JSON, or a reading that says why there is none. */
async function getJson(r: BalanceRequest, url: string, source: string, probing = false): Promise<Got> {
	let res: HttpResponse;
	try {
		res = await sendHttp({
			method: 'GET',
			url,
			headers: {authorization: `Bearer ${r.apiKey}`, 'user-agent': DEFAULT_USER_AGENT},
			timeoutMs: r.timeoutMs,
			retries: 1,
			retryable: true,
			retryOnStatus: false,
			signal: r.signal,
		});
	} catch (error) {
		if (error instanceof TransportError && error.failure !== 'aborted') {
			const why = error.failure === 'timeout' ? `no answer within ${r.timeoutMs} ms` : 'unreachable';
			return {reading: none(`${safeTarget(url)}: ${why}`, source), status: null};
		}
		throw error;
	}
	if (res.status < 200 || res.status >= 300) {
		const kind = classifyUpstreamAnswer(res.status, res.body);
		const what = res.status === 404 && probing ? 'no such route' : kind;
		return {
			reading: none(`${safeTarget(url)} answered HTTP ${res.status} (${what})`, source),
			status: res.status,
		};
	}
	try {
		return {json: JSON.parse(res.body) as unknown};
	} catch {
		return {
			reading: none(`${safeTarget(url)} answered something that is not JSON`, source),
			status: res.status,
		};
	}
}
