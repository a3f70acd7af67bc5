// Every secret the service learns (a provider key in a request body, the service token, what
// state.json holds) is known to the process at once, and every answer, log line and event is
// scrubbed of all of them before it leaves (docs/architecture.md, Secrets).
import {knownSecrets} from '../app/session.js';
import {scrub} from '../lib/secrets.js';

const learned = new Set<string>();

export function rememberSecret(value: string | null | undefined): void {
	if (value && value.length >= 6) learned.add(value);
}

export function serviceSecrets(): string[] {
	return [...learned, ...knownSecrets];
}

/** Text with every known secret (raw, base64, URL-encoded) masked. */
export function scrubText(text: string): string {
	return scrub(text, serviceSecrets());
}
