// Imports over HTTP (docs/cli.md, Service): start one (202 with the batch id at once), follow its
// steps live over SSE (late clients get the steps so far first; the stream ends with the import
// output), and the imports this service has run.
import {createRoute, z, type OpenAPIHono} from '@hono/zod-openapi';
import type {ServiceDeps} from '../deps.js';
import {badInput} from '../errors.js';
import {startImport} from '../import-runner.js';
import {requestSession} from '../operate.js';
import {
	BatchParam,
	errorResponses,
	EventStream,
	ImportAccepted,
	ImportBody,
	ImportsAnswer,
	LockWaitQuery,
} from '../schemas.js';
import {rememberSecret} from '../secrets.js';
import {hubStream, importsStream, recordedStream} from '../sse.js';

const security = [{bearer: []}];
const sse = (description: string) => ({
	description,
	content: {'text/event-stream': {schema: EventStream}},
});

export const importRoutes = {
	start: createRoute({
		method: 'post',
		path: '/api/v1/imports',
		summary: 'Start an import (crm import); answers once the batch exists',
		security,
		request: {
			query: LockWaitQuery,
			body: {required: true, content: {'application/json': {schema: ImportBody}}},
		},
		responses: {
			202: {description: 'Started', content: {'application/json': {schema: ImportAccepted}}},
			...errorResponses,
		},
	}),
	list: createRoute({
		method: 'get',
		path: '/api/v1/imports',
		summary: 'Imports this service has run (running first), with their event streams',
		security,
		responses: {
			200: {description: 'The imports', content: {'application/json': {schema: ImportsAnswer}}},
			401: errorResponses[401],
		},
	}),
	live: createRoute({
		method: 'get',
		path: '/api/v1/imports/events',
		summary: 'SSE: `event: import` for each running import, then every start and finish',
		security,
		responses: {200: sse('Import starts and finishes'), 401: errorResponses[401]},
	}),
	events: createRoute({
		method: 'get',
		path: '/api/v1/batches/{id}/events',
		summary: "SSE: a batch's step events (the steps so far first), then `end` with the import output",
		security,
		request: {
			params: BatchParam,
			headers: z.object({
				'last-event-id': z
					.string()
					.regex(/^\d+$/)
					.optional()
					.openapi({description: 'resume after this event id'}),
			}),
		},
		responses: {200: sse('The step events'), 401: errorResponses[401], 404: errorResponses[404]},
	}),
};

export function registerImportRoutes(app: OpenAPIHono, deps: ServiceDeps): void {
	app.openapi(importRoutes.start, async (c) => {
		const body = c.req.valid('json');
		rememberSecret(body.key);
		if (body.keep_key === true)
			throw badInput('keep_key', 'keeping the provider key is not in this build; leave keep_key out');
		const started = await startImport(deps, requestSession(deps, c.req.valid('query').wait_s, body), {
			host: body.host,
			pack: body.pack,
			url: body.url,
			key: body.key,
			access: body.access,
			smokeModel: body.smoke_model,
			user: body.user,
			force: body.force,
			continueOnUpstreamFailure: body.continue_on_upstream_failure,
			keepKey: body.keep_key,
		});
		return c.json(started, 202);
	});

	app.openapi(importRoutes.list, (c) => c.json({imports: deps.hub.imports()}, 200));

	app.openapi(importRoutes.live, (c) => importsStream(c, deps.hub, deps.stopping) as never);

	app.openapi(importRoutes.events, async (c) => {
		const {id} = c.req.valid('param');
		const after = Number(c.req.valid('header')['last-event-id'] ?? 0);
		if (deps.hub.has(id)) return hubStream(c, deps.hub, id, after) as never;
		return (await recordedStream(c, deps, id)) as never;
	});
}
