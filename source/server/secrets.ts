// Every secret the service learns (a provider key in a request body, the service token; what
// state.json holds is registered as it is read) enters the process-wide registry at once, and every
// answer, log line and event is redacted through it before it leaves (docs/architecture.md, Secrets).
import type {MiddlewareHandler} from 'hono';
import {redactText, registerSecret, registerSecretsIn, secretsGeneration} from '../lib/secrets.js';

export function rememberSecret(value: string | null | undefined): void {
	registerSecret(value);
}

/** Text with every known secret (in every encoding) and every key-shaped substring masked. */
export function scrubText(text: string): string {
	return redactText(text);
}

/** A JSON answer serialised and scrubbed once, with the registry's size it was scrubbed against. */
export interface ScrubbedJson {
	text: string;
	generation: number;
}

export function scrubbedJson(value: unknown): ScrubbedJson {
	const generation = secretsGeneration();
	return {text: redactText(JSON.stringify(value)), generation};
}

/** Answers the scrub middleware passes as they are: scrubbed against every secret known now. */
const scrubbed = new WeakSet<Response>();

/**
 * The answer for a kept ScrubbedJson: scrubbed again only when a secret was registered since (then
 * kept so), so 50 clients asking for the same status share one serialisation and one scrub.
 */
export function scrubbedAnswer(kept: ScrubbedJson, status = 200): Response {
	const now = secretsGeneration();
	if (kept.generation !== now) {
		kept.text = redactText(kept.text);
		kept.generation = now;
	}
	const res = new Response(kept.text, {status, headers: {'content-type': 'application/json'}});
	scrubbed.add(res);
	return res;
}

export const isScrubbed = (res: Response) => scrubbed.has(res);

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
