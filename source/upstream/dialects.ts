// Provider business codes that decide an answer's meaning whatever its HTTP status (docs/domain.md
// rule 5): MiniMax wraps errors in `base_resp.status_code` (seen with HTTP 200, 402, 429 and 500),
// Zhipu GLM puts a string code in `error.code` next to its HTTP status.
import type {UpstreamErrorKind} from './errors.js';

export interface BusinessCode {
	provider: 'minimax' | 'glm';
	code: number;
	message: string;
}

/** MiniMax `base_resp` codes: 1008 balance, 1028 / 1030 token-plan quota, 2061 model not in the plan. */
const MINIMAX: Record<number, UpstreamErrorKind> = {
	1001: 'timeout',
	1002: 'rate_limited',
	1004: 'auth',
	1008: 'quota',
	1028: 'quota',
	1030: 'quota',
	2061: 'not_in_plan',
};

/**
 * GLM `error.code`: 1113 in arrears (also what a coding-plan key gets on the general endpoint; the
 * import step tells the two apart), 1308 / 1310 plan usage caps, 1309 plan expired, 1311 model not
 * in the plan.
 */
const GLM: Record<number, UpstreamErrorKind> = {
	1113: 'quota',
	1308: 'quota',
	1309: 'quota',
	1310: 'quota',
	1311: 'not_in_plan',
};

function parse(body: string): unknown {
	try {
		return JSON.parse(body) as unknown;
	} catch {
		return null;
	}
}

/** The business code an answer carries, if it is one of the dialects above. */
export function businessCode(body: string | unknown): BusinessCode | null {
	const json = typeof body === 'string' ? parse(body) : body;
	if (!json || typeof json !== 'object') return null;
	const baseResp = (json as {base_resp?: {status_code?: unknown; status_msg?: unknown}}).base_resp;
	if (baseResp && typeof baseResp.status_code === 'number' && baseResp.status_code !== 0) {
		return {provider: 'minimax', code: baseResp.status_code, message: String(baseResp.status_msg ?? '')};
	}
	const error = (json as {error?: {code?: unknown; message?: unknown}}).error;
	const raw = error && typeof error === 'object' ? error.code : undefined;
	const code = typeof raw === 'string' && /^\d{4}$/.test(raw) ? Number(raw) : null;
	if (code !== null && code in GLM) return {provider: 'glm', code, message: String(error?.message ?? '')};
	return null;
}

/** The kind a business code decides, or null when the HTTP status should decide. */
export function kindFromBusinessCode(code: BusinessCode | null): UpstreamErrorKind | null {
	if (!code) return null;
	const table = code.provider === 'minimax' ? MINIMAX : GLM;
	const known = table[code.code];
	if (known) return known;
	if (code.provider === 'minimax' && /balance|quota|insufficient/i.test(code.message)) return 'quota';
	return code.provider === 'minimax' ? 'bad_response' : null;
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date; null when absent or unreadable. */
export function retryAfterMs(value: string | null, now = Date.now()): number | null {
	if (!value) return null;
	const trimmed = value.trim();
	if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
	const at = Date.parse(trimmed);
	return Number.isNaN(at) ? null : Math.max(0, at - now);
}
