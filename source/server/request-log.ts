// One line per call on stderr: method, route (the pattern, e.g. /api/v1/batches/:id, so neither a
// query string nor a token in it is ever written), status and duration. Never a body or a header.
// Hono's logger prints the raw path instead, hence this small middleware.
import type {MiddlewareHandler} from 'hono';
import {matchedRoutes} from 'hono/route';
import {scrubText} from './secrets.js';

export type LogFormat = 'text' | 'json';

function route(c: Parameters<MiddlewareHandler>[0]): string {
	// Middleware is registered for every method (ALL); the route that answered has its own method.
	const handlers = matchedRoutes(c).filter((r) => r.method !== 'ALL');
	return handlers.at(-1)?.path ?? '(no route)';
}

export function requestLog(write: (line: string) => void, format: LogFormat): MiddlewareHandler {
	return async (c, next) => {
		const started = performance.now();
		try {
			await next();
		} finally {
			const ms = Math.round(performance.now() - started);
			const entry = {method: c.req.method, route: route(c), status: c.res.status, ms};
			const line =
				format === 'json'
					? JSON.stringify({at: new Date().toISOString(), ...entry})
					: `${entry.method} ${entry.route} ${entry.status} ${ms} ms`;
			write(scrubText(line));
		}
	};
}
