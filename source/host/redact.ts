// Redaction of host answers and free text before they are logged, stored or shown.
// Old hosts echo provider `api_key` in account credentials; JWTs and user keys come back from logins
// and key creation. Nothing from a host is written anywhere without passing through here.

export const REDACTED = '[redacted]';

const SECRET_KEY =
	/^(api_?key|key|keys|password|passwd|secret|client_secret|private_key|session_key|cookie|authorization|x-api-key|totp_code|custom_key)$/i;
const TOKEN_KEY = /token/i;
const SAFE_TOKEN_KEYS = new Set(['token_type']);

/** Field names whose values are secrets (`api_key`, `password`, `access_token`, ...). */
export function isSecretKey(name: string): boolean {
	if (SAFE_TOKEN_KEYS.has(name.toLowerCase())) return false;
	return SECRET_KEY.test(name) || TOKEN_KEY.test(name) || /(_|-)(key|secret|password)$/i.test(name);
}

const JWT = /\beyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]{4,}/g;
const USER_KEY = /\b(?:sk|ak|pk)-[A-Za-z0-9_-]{8,}/g; // provider and sub2api user keys
const ADMIN_KEY = /\badmin-[0-9a-f]{16,}/gi; // sub2api admin API key
const AUTH_HEADER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{6,}/gi;
const KEY_VALUE =
	/("?\b(?:api_key|apikey|password|access_token|refresh_token|temp_token|token|key)"?\s*[:=]\s*)"[^"]*"/gi;

/** Masks key-, token- and password-shaped substrings of a text; `extra` are literal secrets to hide too. */
export function redactText(text: string, extra: ReadonlyArray<string | null | undefined> = []): string {
	let out = text;
	for (const secret of extra) {
		if (secret && secret.length >= 4) out = out.split(secret).join(REDACTED);
	}
	return out
		.replace(KEY_VALUE, (_m, prefix: string) => `${prefix}"${REDACTED}"`)
		.replace(JWT, REDACTED)
		.replace(USER_KEY, REDACTED)
		.replace(ADMIN_KEY, REDACTED)
		.replace(AUTH_HEADER, (_m, scheme: string) => `${scheme} ${REDACTED}`);
}

/**
 * Deep copy of a host answer with secret-named fields replaced by `[redacted]` and secret-shaped strings
 * masked. Numbers and booleans under token-ish names (`max_tokens`) are kept.
 */
export function redactHostBody<T>(value: T): T {
	return redactValue(value, 0) as T;
}

function redactValue(value: unknown, depth: number): unknown {
	if (depth > 32) return REDACTED;
	if (typeof value === 'string') return redactText(value);
	if (Array.isArray(value)) return value.map((v) => redactValue(v, depth + 1));
	if (value && typeof value === 'object') {
		const out: Record<string, unknown> = {};
		for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
			if (
				isSecretKey(k) &&
				v !== null &&
				v !== undefined &&
				typeof v !== 'number' &&
				typeof v !== 'boolean'
			) {
				out[k] = REDACTED;
			} else {
				out[k] = redactValue(v, depth + 1);
			}
		}
		return out;
	}
	return value;
}
