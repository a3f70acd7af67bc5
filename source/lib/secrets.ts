// Secrets have one home (docs/domain.md, "Secrets have one home"): state.json. This module holds the
// ONE registry of every secret the process knows. A secret enters it the moment it is known (typed,
// read from a variable, file or stdin, generated, issued by the host, loaded from state.json), and
// every byte the process writes or prints passes through redactText()/redactValue(), which replace
// each known secret in every encoding it could leak in (raw, JSON-escaped, URL-encoded, base64), plus
// anything shaped like a key, token or password. Objects are redacted before they are serialised.
import {createHash} from 'node:crypto';

export const REDACTED = '[redacted]';

/**
 * Shorter values are not registered: a 4-character "secret" would mask unrelated text everywhere
 * (a TOTP code would mask the digits of a batch id). Every credential the tool handles is longer.
 */
export const MIN_SECRET_LENGTH = 6;

/** A stable, non-reversible id for a provider key: used for import identity and duplicate checks. */
export function keyFingerprint(key: string): string {
	return 'sha256:' + createHash('sha256').update(key.trim()).digest('hex').slice(0, 16);
}

/** What an operator sees where a key must be named: `sk-…a1b2`. Never more than 4 trailing characters. */
export function maskSecret(secret: string): string {
	const trimmed = secret.trim();
	if (trimmed.length <= 8) return '…';
	const dash = trimmed.indexOf('-');
	const prefix = dash > 0 && dash <= 6 ? trimmed.slice(0, dash + 1) : '';
	return `${prefix}…${trimmed.slice(-4)}`;
}

const PLAIN = /^[A-Za-z0-9_.~-]*$/;

/** The encodings a secret could leak in; the test suite's leak scan looks for the same forms. */
export function secretForms(secret: string): string[] {
	// Most keys and generated passwords need no escaping: raw, JSON and URL forms are one.
	if (PLAIN.test(secret)) return [secret, Buffer.from(secret).toString('base64')];
	const json = JSON.stringify(secret).slice(1, -1);
	const forms = new Set([
		secret,
		json, // inside a JSON string: a quote or backslash is escaped
		JSON.stringify(json).slice(1, -1), // a JSON string inside a JSON string (an SSE event's text)
		encodeURIComponent(secret),
		Buffer.from(secret).toString('base64'),
	]);
	return [...forms];
}

// ---- the registry ----

const registry = new Set<string>();

/**
 * Every form of every secret in one set, and the lengths of the forms sharing each first
 * MIN_SECRET_LENGTH characters (one number for a prefix one form has, the common case; longest first
 * otherwise), and the prefixes' rolling hashes: one pass over a text (Rabin-Karp) finds them all at a
 * cost that does not grow with the number of secrets (state.json at 10,000 batches holds 20,000:
 * every managed user's password and key), and registering one costs a set entry and a map entry, no
 * object per form. A few lines do this without a multi-pattern matching dependency.
 */
const allForms = new Set<string>();
const lengthsByPrefix = new Map<string, number | number[]>();
/** One bit per prefix hash (its top 20 bits): a typed-array test per position, far cheaper than a Set. */
const prefixBits = new Uint32Array(1 << 15);
const bitOf = (h: number) => h >>> 12;
const hasPrefix = (h: number) => (prefixBits[bitOf(h) >>> 5]! & (1 << (bitOf(h) & 31))) !== 0;
// A polynomial hash in 32-bit integer arithmetic (it wraps: modulo 2^32), cheap to roll by one character.
const HASH_BASE = 131;
let HASH_DROP = 1; // HASH_BASE^(MIN_SECRET_LENGTH - 1): takes the leading character out
for (let k = 1; k < MIN_SECRET_LENGTH; k++) HASH_DROP = Math.imul(HASH_DROP, HASH_BASE);

function prefixHash(text: string, i: number): number {
	let h = 0;
	for (let k = i; k < i + MIN_SECRET_LENGTH; k++) h = (Math.imul(h, HASH_BASE) + text.charCodeAt(k)) | 0;
	return h;
}

function indexForm(form: string): void {
	if (allForms.has(form)) return;
	allForms.add(form);
	const bit = bitOf(prefixHash(form, 0));
	prefixBits[bit >>> 5]! |= 1 << (bit & 31);
	const prefix = form.slice(0, MIN_SECRET_LENGTH);
	const known = lengthsByPrefix.get(prefix);
	if (known === undefined) lengthsByPrefix.set(prefix, form.length);
	else if (typeof known === 'number') {
		if (known !== form.length)
			lengthsByPrefix.set(prefix, [Math.max(known, form.length), Math.min(known, form.length)]);
	} else if (!known.includes(form.length)) {
		known.push(form.length);
		known.sort((x, y) => y - x);
	}
}

function formAt(text: string, i: number): number {
	const known = lengthsByPrefix.get(text.slice(i, i + MIN_SECRET_LENGTH));
	if (known === undefined) return 0;
	if (typeof known === 'number')
		return i + known <= text.length && allForms.has(text.slice(i, i + known)) ? known : 0;
	for (const length of known) {
		if (i + length <= text.length && allForms.has(text.slice(i, i + length))) return length;
	}
	return 0;
}

/** Adds a secret to the process-wide registry (and its trimmed form); short or empty values are ignored. */
export function registerSecret(value: string | null | undefined): void {
	if (typeof value !== 'string') return;
	add(value);
	const trimmed = value.trim();
	if (trimmed !== value) add(trimmed);
}

function add(value: string): void {
	if (value.length < MIN_SECRET_LENGTH || registry.has(value)) return;
	registry.add(value);
	for (const form of secretForms(value)) indexForm(form);
}

/** Field names repeat (state.json holds thousands of `user_key`): each is judged once. */
const secretKeyNames = new Map<string, boolean>();
function secretKeyCached(name: string): boolean {
	let known = secretKeyNames.get(name);
	if (known === undefined) {
		known = isSecretKey(name);
		if (secretKeyNames.size < 10_000) secretKeyNames.set(name, known);
	}
	return known;
}

/** Registers every string a host answer holds under a secret-named field (issued keys, tokens). */
export function registerSecretsIn(value: unknown, depth = 0): void {
	if (depth > 32 || !value || typeof value !== 'object') return;
	if (Array.isArray(value)) {
		for (const item of value) registerSecretsIn(item, depth + 1);
		return;
	}
	for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
		if (typeof v === 'string') {
			if (secretKeyCached(k)) registerSecret(v);
		} else registerSecretsIn(v, depth + 1);
	}
}

/** The registered secrets (tests, and the acceptance run's own leak check). */
export function knownSecrets(): string[] {
	return [...registry];
}

/** Empties the registry. Tests only: a process never forgets a secret it has seen. */
export function resetSecretsForTests(): void {
	registry.clear();
	allForms.clear();
	lengthsByPrefix.clear();
	prefixBits.fill(0);
}

function scrubKnown(text: string): string {
	if (allForms.size === 0 || text.length < MIN_SECRET_LENGTH) return text;
	let out = '';
	let last = 0;
	let i = 0;
	const end = text.length - MIN_SECRET_LENGTH;
	let h = prefixHash(text, 0);
	while (i <= end) {
		const length = hasPrefix(h) ? formAt(text, i) : 0;
		if (length > 0) {
			out += text.slice(last, i) + REDACTED;
			i += length;
			last = i;
			if (i <= end) h = prefixHash(text, i);
			continue;
		}
		if (i < end) {
			const dropped = (h - Math.imul(text.charCodeAt(i), HASH_DROP)) | 0;
			h = (Math.imul(dropped, HASH_BASE) + text.charCodeAt(i + MIN_SECRET_LENGTH)) | 0;
		}
		i++;
	}
	return last === 0 ? text : out + text.slice(last);
}

// ---- shapes: secrets the process was never told about ----

const JWT = /\beyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]{4,}/g;
const USER_KEY = /\b(?:sk|ak|pk)-[A-Za-z0-9_-]{8,}/g; // provider and sub2api user keys
const ADMIN_KEY = /\badmin-[0-9a-f]{16,}/gi; // sub2api admin API key
const AUTH_HEADER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{6,}/gi;
const KEY_VALUE =
	/("?\b(?:api_key|apikey|password|access_token|refresh_token|temp_token|token|key)"?\s*[:=]\s*)"[^"]*"/gi;

/** Every shape above needs one of these; most strings hold none and are passed over on one test. */
const SHAPE_HINT = /[spa]k-|eyJ|admin-|bearer|basic|key|token|passw/i;

/** Every known secret (every encoding) and every key-, token- or password-shaped substring, masked. */
export function redactText(text: string): string {
	const known = scrubKnown(text);
	if (!SHAPE_HINT.test(known)) return known;
	return known
		.replace(KEY_VALUE, (_m, prefix: string) => `${prefix}"${REDACTED}"`)
		.replace(JWT, REDACTED)
		.replace(USER_KEY, REDACTED)
		.replace(ADMIN_KEY, REDACTED)
		.replace(AUTH_HEADER, (_m, scheme: string) => `${scheme} ${REDACTED}`);
}

const SECRET_KEY =
	/^(api_?key|key|keys|password|passwd|secret|client_secret|private_key|session_key|cookie|authorization|x-api-key|totp_code|custom_key)$/i;
const TOKEN_KEY = /token/i;
const SAFE_TOKEN_KEYS = new Set(['token_type']);

/** Field names whose values are secrets (`api_key`, `password`, `access_token`, `user_key`, ...). */
export function isSecretKey(name: string): boolean {
	if (SAFE_TOKEN_KEYS.has(name.toLowerCase())) return false;
	return SECRET_KEY.test(name) || TOKEN_KEY.test(name) || /(_|-)(key|secret|password)$/i.test(name);
}

/**
 * A deep copy, made before anything is serialised: secret-named fields become `[redacted]` (numbers
 * and booleans under token-ish names, `max_tokens`, are kept) and every other string and field name
 * goes through redactText(). Objects with toJSON() (errors, dates) are redacted as they serialise.
 */
export function redactValue<T>(value: T): T {
	return walk(value, 0) as T;
}

function walk(value: unknown, depth: number): unknown {
	if (depth > 32) return REDACTED;
	if (typeof value === 'string') return redactText(value);
	if (!value || typeof value !== 'object') return value;
	const json = (value as {toJSON?: unknown}).toJSON;
	if (typeof json === 'function') return walk((json as () => unknown).call(value), depth + 1);
	if (Array.isArray(value)) return value.map((v) => walk(v, depth + 1));
	const out: Record<string, unknown> = {};
	for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
		const secretField =
			isSecretKey(k) && v !== null && v !== undefined && typeof v !== 'number' && typeof v !== 'boolean';
		// Field names are the tool's own or a host's ids: only known secrets are looked for in them.
		out[scrubKnown(k)] = secretField ? REDACTED : walk(v, depth + 1);
	}
	return out;
}
