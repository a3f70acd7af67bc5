// Every secret the service learns (a provider key in a request body, the service token; what
// state.json holds is registered as it is read) enters the process-wide registry at once, and every
// answer, log line and event is redacted through it before it leaves (docs/architecture.md, Secrets).
import {redactText, registerSecret} from '../lib/secrets.js';

export function rememberSecret(value: string | null | undefined): void {
	registerSecret(value);
}

/** Text with every known secret (in every encoding) and every key-shaped substring masked. */
export function scrubText(text: string): string {
	return redactText(text);
}
