// Every secret the service learns (a provider key in a request body, the service token; what
// state.json holds is registered as it is read) enters the process-wide registry at once, and every
// answer, log line and event is redacted through it before it leaves (docs/architecture.md, Secrets).
import type {MiddlewareHandler} from 'hono';
import {redactText, registerSecret, registerSecretsIn} from '../lib/secrets.js';

export function rememberSecret(value: string | null | undefined): void {
	registerSecret(value);
}

/** Text with every known secret (in every encoding) and every key-shaped substring masked. */
export function scrubText(text: string): string {
	return redactText(text);
}

/**
 * Every secret-named field of a JSON body (`key`, `admin_key`, `password`, …) is registered before
 * the body is checked, so even a request refused for another field never echoes one. Hono keeps the
 * parsed body, so the route's validator reads the same one.
 */
export const learnBodySecrets: MiddlewareHandler = async (c, next) => {
	if (/^application\/json/i.test(c.req.header('content-type') ?? '')) {
		try {
			registerSecretsIn(await c.req.json());
		} catch {
			/* not JSON: the route's validator answers 400 */
		}
	}
	await next();
};
