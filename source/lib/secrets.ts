// Secrets have one home (docs/domain.md "Secrets"): state.json. Everything else goes through these helpers
// before it is printed or written: fingerprints instead of keys, redaction of host answers.
import {createHash} from 'node:crypto';

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

const SECRET_FIELD =
	/^(api_?key|key|password|passwd|secret|token|access_token|refresh_token|temp_token|id_token|session_key|cookie|authorization|x-api-key|admin_api_key|totp_code)$/i;

/**
 * Deep copy with secret-looking fields replaced by `[redacted]` and known secret values scrubbed from
 * every string (old hosts echo api_key, error messages can quote a key).
 */
export function redact<T>(value: T, knownSecrets: readonly string[] = []): T {
	const secrets = knownSecrets.filter((s) => s && s.length >= 6);
	const walk = (v: unknown, keyName: string | null): unknown => {
		if (typeof v === 'string') {
			if (keyName && SECRET_FIELD.test(keyName) && v.length > 0) return '[redacted]';
			return scrub(v, secrets);
		}
		if (Array.isArray(v)) return v.map((item) => walk(item, null));
		if (v && typeof v === 'object') {
			const out: Record<string, unknown> = {};
			for (const [k, item] of Object.entries(v)) out[k] = walk(item, k);
			return out;
		}
		return v;
	};
	return walk(value, null) as T;
}

/** Replaces every occurrence of a known secret (raw, base64 or URL-encoded) inside a string. */
export function scrub(text: string, secrets: readonly string[]): string {
	let out = text;
	for (const secret of secrets) {
		for (const form of secretForms(secret)) {
			if (form.length >= 6 && out.includes(form)) out = out.split(form).join(maskSecret(secret));
		}
	}
	return out.replace(/\b(sk-[A-Za-z0-9_-]{12,}|admin-[a-f0-9]{32,})\b/g, (m) => maskSecret(m));
}

/** The encodings a secret could leak in; the test suite scans for the same forms. */
export function secretForms(secret: string): string[] {
	const forms = new Set([secret, encodeURIComponent(secret), Buffer.from(secret).toString('base64')]);
	return [...forms];
}
