// The service's HTTP app (docs/cli.md, Service): Hono with @hono/zod-openapi, so routes, request
// validation and the OpenAPI 3.1 document come from one set of zod schemas (no hand-written router or
// document). Middleware, in order: a log line per call, security headers (no CORS: Hono adds none, so
// browsers keep other origins out), the secret scrub of every answer, the bearer token on /api/v1, and
// the 1 MiB body limit.
import {OpenAPIHono} from '@hono/zod-openapi';
import type {MiddlewareHandler} from 'hono';
import {bodyLimit} from 'hono/body-limit';
import {NONCE, secureHeaders} from 'hono/secure-headers';
import {requireToken} from './auth.js';
import type {ServiceDeps} from './deps.js';
import {HttpError, notFound, sendError, validationError} from './errors.js';
import {requestLog, type LogFormat} from './request-log.js';
import {registerHealthRoutes} from './routes/health.js';
import {registerImportBatchRoutes} from './routes/import-batches.js';
import {registerImportRoutes} from './routes/imports.js';
import {registerMetaRoutes} from './routes/meta.js';
import {registerOperationRoutes} from './routes/operations.js';
import {registerPageRoutes} from './routes/page.js';
import {registerReadRoutes} from './routes/reads.js';
import {isScrubbed, learnBodySecrets, scrubText} from './secrets.js';

export const BODY_LIMIT = 1024 * 1024;

/** Every JSON or HTML answer is scrubbed of every secret the process knows before it leaves. */
const scrubAnswers: MiddlewareHandler = async (c, next) => {
	await next();
	if (isScrubbed(c.res)) return;
	const type = c.res.headers.get('content-type') ?? '';
	if (!/^(application\/json|text\/html)/.test(type)) return;
	const body = await c.res.text();
	const clean = scrubText(body);
	if (clean === body) {
		c.res = new Response(body, c.res);
		return;
	}
	const headers = new Headers(c.res.headers);
	headers.delete('content-length');
	const status = c.res.status;
	c.res = undefined as never;
	c.res = new Response(clean, {status, headers});
};

export function createServiceApp(deps: ServiceDeps, options: {logFormat?: LogFormat} = {}): OpenAPIHono {
	const app = new OpenAPIHono({
		defaultHook: (result, c) => {
			if (!result.success) return sendError(c, validationError(result.error, result.target));
		},
	});
	app.use('*', requestLog(deps.log, options.logFormat ?? 'text'));
	app.use(
		'*',
		secureHeaders({
			contentSecurityPolicy: {
				defaultSrc: ["'none'"],
				scriptSrc: [NONCE],
				styleSrc: [NONCE],
				connectSrc: ["'self'"],
				baseUri: ["'none'"],
				formAction: ["'none'"],
				frameAncestors: ["'none'"],
			},
		}),
	);
	app.use('*', scrubAnswers);
	app.use('/api/v1/*', requireToken(deps.token));
	app.use(
		'/api/v1/*',
		bodyLimit({
			maxSize: BODY_LIMIT,
			onError: (c) =>
				sendError(
					c,
					new HttpError(
						'payload_too_large',
						`the request body is over the limit of ${BODY_LIMIT} bytes (1 MiB)`,
						'body',
					),
				),
		}),
	);
	app.use('/api/v1/*', learnBodySecrets);
	registerMetaRoutes(app, deps);
	registerPageRoutes(app, deps);
	registerReadRoutes(app, deps);
	registerImportRoutes(app, deps);
	registerOperationRoutes(app, deps);
	registerImportBatchRoutes(app, deps);
	registerHealthRoutes(app, deps);
	app.notFound((c) =>
		sendError(c, notFound('path', `no route ${c.req.method} ${c.req.path}; see /openapi.json`)),
	);
	app.onError((error, c) => {
		const answer = sendError(c, error);
		if (answer.status >= 500)
			deps.log(`error: ${scrubText(error instanceof Error ? error.message : String(error))}`);
		return answer;
	});
	return app;
}
