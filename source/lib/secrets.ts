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

/** How many secrets have been registered: a text scrubbed at one count needs no new scrub until it grows. */
let generation = 0;
export const secretsGeneration = () => generation;

/** Secrets that need escaping somewhere (JSON, URLs): every form kept as a string, below. */
const registry = new Set<string>();

/**
 * Every form of every such secret in one set, and the lengths of the forms sharing each first
 * MIN_SECRET_LENGTH characters (one number for a prefix one form has, the common case; longest first
 * otherwise). Few secrets need this: keys, passwords and tokens are plain (see `plain` below).
 */
const allForms = new Set<string>();
const lengthsByPrefix = new Map<string, number | number[]>();

/**
 * One bit per prefix hash of every form of either kind (its top 20 bits): one pass over a text
 * (Rabin-Karp) tests each position with a typed-array read, at a cost that does not grow with the
 * number of secrets. A few lines do this without a multi-pattern matching dependency.
 */
const prefixBits = new Uint32Array(1 << 15);
const bitOf = (h: number) => h >>> 12;
const hasPrefix = (h: number) => (prefixBits[bitOf(h) >>> 5]! & (1 << (bitOf(h) & 31))) !== 0;
const setPrefix = (h: number) => {
	const bit = bitOf(h);
	prefixBits[bit >>> 5]! |= 1 << (bit & 31);
};
// A polynomial hash in 32-bit integer arithmetic (it wraps: modulo 2^32), cheap to roll by one character.
const HASH_BASE = 131;
let HASH_DROP = 1; // HASH_BASE^(MIN_SECRET_LENGTH - 1): takes the leading character out
for (let k = 1; k < MIN_SECRET_LENGTH; k++) HASH_DROP = Math.imul(HASH_DROP, HASH_BASE);

function prefixHash(text: string, i: number): number {
	let h = 0;
	for (let k = i; k < i + MIN_SECRET_LENGTH; k++) h = (Math.imul(h, HASH_BASE) + text.charCodeAt(k)) | 0;
	return h;
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** The hash of the first MIN_SECRET_LENGTH (6) characters of an ASCII string's base64 form: its first 5 bytes. */
function base64PrefixHash(s: string): number {
	const b0 = s.charCodeAt(0);
	const b1 = s.charCodeAt(1);
	const b2 = s.charCodeAt(2);
	const b3 = s.charCodeAt(3);
	const b4 = s.charCodeAt(4);
	let h = BASE64.charCodeAt(b0 >> 2);
	h = (Math.imul(h, HASH_BASE) + BASE64.charCodeAt(((b0 & 3) << 4) | (b1 >> 4))) | 0;
	h = (Math.imul(h, HASH_BASE) + BASE64.charCodeAt(((b1 & 15) << 2) | (b2 >> 6))) | 0;
	h = (Math.imul(h, HASH_BASE) + BASE64.charCodeAt(b2 & 63)) | 0;
	h = (Math.imul(h, HASH_BASE) + BASE64.charCodeAt(b3 >> 2)) | 0;
	return (Math.imul(h, HASH_BASE) + BASE64.charCodeAt(((b3 & 3) << 4) | (b4 >> 4))) | 0;
}

/**
 * Plain secrets (letters, digits and `_.~-`: every generated password and issued key), whose raw,
 * JSON and URL forms are one string and whose base64 form follows from their characters. They are
 * kept in one set, and indexed by the rolling hash of each form's first MIN_SECRET_LENGTH characters
 * with the form's length: registering one costs a set entry and two integer hashes, with no string
 * made per form (state.json at 10,000 batches holds 20,000 secrets, registered by every command that
 * opens it). A scrub confirms a hit with one set lookup of the text there (its base64 decoded first).
 */
const plain = new Set<string>();

/**
 * (prefix hash, form length * 2 + kind) pairs, kind 0 the secret itself and 1 its base64 form, as a
 * chained hash table in typed arrays (a bucket's first node, each node's hash, entry and next node):
 * no object per secret. Secrets sharing their first characters and length (`sk-proj-…`) share a node.
 */
let bucketBits = 10;
let bucketHead = new Int32Array(1 << bucketBits).fill(-1);
let nodeHash = new Int32Array(1 << bucketBits);
let nodeEntry = new Int32Array(1 << bucketBits);
let nodeNext = new Int32Array(1 << bucketBits);
let nodes = 0;

const bucketOf = (h: number) => Math.imul(h, 0x9e3779b1) >>> (32 - bucketBits);

/** Room for `needed` nodes in all: the arrays grow to the next power of two, the buckets with them. */
function reserve(needed: number): void {
	if (needed <= nodeHash.length) return;
	while (1 << bucketBits < needed) bucketBits++;
	const size = 1 << bucketBits;
	const copy = (from: Int32Array) => {
		const to = new Int32Array(size);
		to.set(from.subarray(0, nodes));
		return to;
	};
	[nodeHash, nodeEntry, nodeNext] = [copy(nodeHash), copy(nodeEntry), copy(nodeNext)];
	bucketHead = new Int32Array(size).fill(-1);
	for (let n = 0; n < nodes; n++) {
		const b = bucketOf(nodeHash[n]!);
		nodeNext[n] = bucketHead[b]!;
		bucketHead[b] = n;
	}
}

function insert(h: number, entry: number): void {
	const b = Math.imul(h, 0x9e3779b1) >>> (32 - bucketBits); // bucketOf(h), inlined: 40,000 calls cold
	for (let n = bucketHead[b]!; n !== -1; n = nodeNext[n]!) {
		if (nodeHash[n] === h && nodeEntry[n] === entry) return;
	}
	const bit = h >>> 12; // setPrefix(h)
	prefixBits[bit >>> 5]! |= 1 << (bit & 31);
	nodeHash[nodes] = h;
	nodeEntry[nodes] = entry;
	nodeNext[nodes] = bucketHead[b]!;
	bucketHead[b] = nodes++;
}

function addPlain(value: string): void {
	if (plain.has(value)) return;
	plain.add(value);
	generation++;
	reserve(nodes + 2);
	insert(prefixHash(value, 0), value.length * 2);
	insert(base64PrefixHash(value), Math.ceil(value.length / 3) * 8 + 1); // 4 characters per 3 bytes
}

/** The longest of the plain secrets' forms hashed h that text holds at i (0: none). */
function plainAt(text: string, i: number, h: number): number {
	let best = 0;
	for (let n = bucketHead[bucketOf(h)]!; n !== -1; n = nodeNext[n]!) {
		const length = nodeEntry[n]! >> 1;
		if (nodeHash[n] !== h || length <= best || i + length > text.length) continue;
		const there = text.slice(i, i + length);
		if ((nodeEntry[n]! & 1) === 0) {
			if (plain.has(there)) best = length;
			continue;
		}
		const decoded = Buffer.from(there, 'base64').toString('latin1');
		if (plain.has(decoded) && Buffer.from(decoded).toString('base64') === there) best = length;
	}
	return best;
}

function indexForm(form: string): void {
	if (allForms.has(form)) return;
	allForms.add(form);
	setPrefix(prefixHash(form, 0));
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

/** The length of the longest form of a known secret at text[i] (0: none); h is the hash of its first characters. */
function formAt(text: string, i: number, h: number): number {
	const best = nodes > 0 ? plainAt(text, i, h) : 0;
	if (allForms.size === 0) return best;
	const known = lengthsByPrefix.get(text.slice(i, i + MIN_SECRET_LENGTH));
	if (known === undefined) return best;
	for (const length of typeof known === 'number' ? [known] : known) {
		if (length > best && i + length <= text.length && allForms.has(text.slice(i, i + length))) return length;
	}
	return best;
}

/** Adds a secret to the process-wide registry (and its trimmed form); short or empty values are ignored. */
export function registerSecret(value: string | null | undefined): void {
	if (typeof value !== 'string') return;
	add(value);
	const trimmed = value.trim();
	if (trimmed !== value) add(trimmed);
}

/**
 * Registers the given fields of many records at once (state.json's batch secrets): room for all of
 * them is made first, so the table grows once.
 */
export function registerSecretFields<T extends object>(
	records: Iterable<T>,
	fields: ReadonlyArray<keyof T>,
): void {
	const list = Array.isArray(records) ? (records as T[]) : [...records];
	reserve(nodes + 2 * list.length * fields.length);
	for (const record of list) {
		for (const field of fields) {
			const value = record[field];
			if (typeof value === 'string') registerSecret(value);
		}
	}
}

function add(value: string): void {
	if (value.length < MIN_SECRET_LENGTH) return;
	if (PLAIN.test(value)) return addPlain(value);
	if (registry.has(value)) return;
	registry.add(value);
	generation++;
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
	return [...registry, ...plain];
}

/** Empties the registry. Tests only: a process never forgets a secret it has seen. */
export function resetSecretsForTests(): void {
	registry.clear();
	plain.clear();
	bucketHead.fill(-1);
	nodes = 0;
	allForms.clear();
	lengthsByPrefix.clear();
	prefixBits.fill(0);
}

function scrubKnown(text: string): string {
	if ((allForms.size === 0 && plain.size === 0) || text.length < MIN_SECRET_LENGTH) return text;
	let out = '';
	let last = 0;
	let i = 0;
	const end = text.length - MIN_SECRET_LENGTH;
	let h = prefixHash(text, 0);
	while (i <= end) {
		const length = hasPrefix(h) ? formAt(text, i, h) : 0;
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
