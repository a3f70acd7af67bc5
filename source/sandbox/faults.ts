// Fault switches: defaults, validation and merging of partial updates.
import type {CreateType, LoseCreateAnswer, SandboxFaults, UpstreamFault} from './types.js';

export const UPSTREAM_FAULTS: ReadonlyArray<Exclude<UpstreamFault, null>> = [
	'quota',
	'auth',
	'chat_fail',
	'server_error',
	'rate_limited',
	'down',
	'echo_key',
	'huge_body',
	'control_chars',
];

export function defaultFaults(): SandboxFaults {
	return {
		first_account_test_403: false,
		gateway_503_count: 0,
		upstream: {},
		latency_ms: 0,
		host_down: false,
		host_stall: false,
		host_html: false,
		host_truncated_json: false,
		admin_429: 0,
		upstream_429: {},
		upstream_code: {},
		gateway_down: false,
		host_401_echo: false,
		host_400_echo: false,
		host_huge_body: false,
		lose_create_answer: null,
		account_test_stall: false,
	};
}

export const CREATE_TYPES: readonly CreateType[] = ['group', 'account', 'user', 'api_key', 'subscription'];

function loseCreateAnswer(value: unknown): LoseCreateAnswer | null {
	if (value === null) return null;
	if (typeof value !== 'object' || Array.isArray(value))
		throw new Error('lose_create_answer must be an object or null');
	const v = value as Record<string, unknown>;
	for (const key of Object.keys(v))
		if (!['type', 'when', 'twin'].includes(key)) throw new Error(`lose_create_answer: unknown field ${key}`);
	if (!CREATE_TYPES.includes(v.type as CreateType))
		throw new Error(`lose_create_answer.type must be one of ${CREATE_TYPES.join(', ')}`);
	if (v.when !== 'before' && v.when !== 'after')
		throw new Error('lose_create_answer.when must be before or after');
	if (v.twin !== undefined && typeof v.twin !== 'boolean')
		throw new Error('lose_create_answer.twin must be a boolean');
	if (v.twin && !['group', 'account', 'user'].includes(v.type as string))
		throw new Error('lose_create_answer.twin supports group, account and user');
	return {type: v.type as CreateType, when: v.when, ...(v.twin ? {twin: true} : {})};
}

const BOOLEAN_KEYS = [
	'first_account_test_403',
	'host_down',
	'host_stall',
	'host_html',
	'host_truncated_json',
	'gateway_down',
	'host_401_echo',
	'host_400_echo',
	'host_huge_body',
	'account_test_stall',
] as const;
const COUNT_KEYS = ['gateway_503_count', 'latency_ms', 'admin_429'] as const;

/** Merges a partial update into `faults` in place, all or nothing. Throws an Error naming the bad field. */
export function mergeFaults(faults: SandboxFaults, patch: unknown, packs: readonly string[]): SandboxFaults {
	if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) {
		throw new Error('faults must be an object');
	}
	const p = patch as Record<string, unknown>;
	const next = structuredClone(faults);
	for (const key of Object.keys(p)) {
		if (
			!(BOOLEAN_KEYS as readonly string[]).includes(key) &&
			!(COUNT_KEYS as readonly string[]).includes(key) &&
			key !== 'upstream' &&
			key !== 'upstream_429' &&
			key !== 'upstream_code' &&
			key !== 'lose_create_answer'
		) {
			throw new Error(`unknown fault: ${key}`);
		}
	}
	for (const key of BOOLEAN_KEYS) {
		if (key in p) {
			if (typeof p[key] !== 'boolean') throw new Error(`${key} must be a boolean`);
			next[key] = p[key];
		}
	}
	for (const key of COUNT_KEYS) {
		if (key in p) {
			const value = p[key];
			if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
				throw new Error(`${key} must be a non-negative integer`);
			}
			next[key] = value;
		}
	}
	if ('lose_create_answer' in p) next.lose_create_answer = loseCreateAnswer(p.lose_create_answer);
	if ('upstream' in p) {
		const upstream = p.upstream;
		if (upstream === null || typeof upstream !== 'object' || Array.isArray(upstream)) {
			throw new Error('upstream must be an object');
		}
		for (const [pack, fault] of Object.entries(upstream as Record<string, unknown>)) {
			if (!packs.includes(pack)) throw new Error(`unknown upstream pack: ${pack}`);
			if (fault !== null && !(UPSTREAM_FAULTS as readonly unknown[]).includes(fault)) {
				throw new Error(`unknown upstream fault for ${pack}: ${String(fault)}`);
			}
			next.upstream[pack] = fault as UpstreamFault;
		}
	}
	if ('upstream_429' in p) mergePerPack(next.upstream_429, p.upstream_429, 'upstream_429', packs, check429);
	if ('upstream_code' in p)
		mergePerPack(next.upstream_code, p.upstream_code, 'upstream_code', packs, checkCode);
	Object.assign(faults, next);
	return faults;
}

const isInt = (v: unknown, min: number, max: number): v is number =>
	typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;

function check429(pack: string, value: unknown): {count: number; retry_after_s: number} | null {
	if (value === null) return null;
	const v = value as {count?: unknown; retry_after_s?: unknown};
	if (!v || typeof v !== 'object' || !isInt(v.count, 0, 1_000_000) || !isInt(v.retry_after_s, 0, 3600))
		throw new Error(`upstream_429.${pack} must be {count, retry_after_s} (non-negative integers) or null`);
	return {count: v.count, retry_after_s: v.retry_after_s};
}

function checkCode(pack: string, value: unknown): {code: number; status: number} | null {
	if (value === null) return null;
	const v = value as {code?: unknown; status?: unknown};
	if (!v || typeof v !== 'object' || !isInt(v.code, 1, 99_999) || !isInt(v.status, 200, 599))
		throw new Error(`upstream_code.${pack} must be {code, status} (an HTTP status 200..599) or null`);
	if (pack !== 'minimax' && pack !== 'glm')
		throw new Error(`upstream_code is for minimax and glm (their business-code dialects), not ${pack}`);
	return {code: v.code, status: v.status};
}

function mergePerPack<T>(
	into: Record<string, T | null>,
	patch: unknown,
	name: string,
	packs: readonly string[],
	check: (pack: string, value: unknown) => T | null,
): void {
	if (patch === null || typeof patch !== 'object' || Array.isArray(patch))
		throw new Error(`${name} must be an object`);
	for (const [pack, value] of Object.entries(patch as Record<string, unknown>)) {
		if (!packs.includes(pack)) throw new Error(`unknown upstream pack: ${pack}`);
		const checked = check(pack, value);
		if (checked === null) delete into[pack];
		else into[pack] = checked;
	}
}
