// Health and rotation over HTTP (docs/cli.md, Service; "Health, balance, rotation"): per provider the
// health watch's last word (reads: no lock), one batch's health history (`crm health --json`), and
// rotating a batch's provider key in place (`crm rotate-key --json`). The new key enters the secret
// registry when the body is read (learnBodySecrets), before it is checked, so no answer, log line or
// event ever holds it; a busy data folder answers 409 naming the holder (or waits with ?wait_s=).
import {createRoute, type OpenAPIHono} from '@hono/zod-openapi';
import {batchHealth, healthSummary, providerHealthOf} from '../../app/health.js';
import {rotateProviderKey} from '../../app/rotate-key.js';
import type {ServiceDeps} from '../deps.js';
import {notFound} from '../errors.js';
import {operate, requestSession} from '../operate.js';
import {
	BatchHealthAnswer,
	BatchParam,
	errorResponses,
	HostQuery,
	LockWaitQuery,
	ProviderHealthAnswer,
	RotateKeyAnswer,
	RotateKeyBody,
} from '../schemas.js';
import {rememberSecret} from '../secrets.js';

const security = [{bearer: []}];
const json = <T>(schema: T, description: string) => ({description, content: {'application/json': {schema}}});

export const healthRoutes = {
	health: createRoute({
		method: 'get',
		path: '/api/v1/health',
		summary:
			"Per provider: the batch the health watch checks, its last check, balance and pause (the TUI's provider health)",
		security,
		request: {query: HostQuery},
		responses: {
			200: json(ProviderHealthAnswer, 'Health by provider'),
			400: errorResponses[400],
			401: errorResponses[401],
			500: errorResponses[500],
		},
	}),
	batchHealth: createRoute({
		method: 'get',
		path: '/api/v1/batches/{id}/health',
		summary: "A batch's health history, newest first (crm health --batch ID --json)",
		security,
		request: {params: BatchParam},
		responses: {
			200: json(BatchHealthAnswer, 'The history'),
			401: errorResponses[401],
			404: errorResponses[404],
			500: errorResponses[500],
		},
	}),
	rotateKey: createRoute({
		method: 'post',
		path: '/api/v1/rotate-key',
		summary:
			"Rotate a batch's provider key in place: the new key is checked with the provider first (refused: nothing changes), then the account updated and the smoke run again (crm rotate-key)",
		security,
		request: {
			query: LockWaitQuery,
			body: {required: true, content: {'application/json': {schema: RotateKeyBody}}},
		},
		responses: {200: json(RotateKeyAnswer, 'The rotation'), ...errorResponses},
	}),
};

export function registerHealthRoutes(app: OpenAPIHono, deps: ServiceDeps): void {
	app.openapi(healthRoutes.health, async (c) => {
		const {host} = c.req.valid('query');
		// The state as the read cache holds it; the watch's summary is a small file read afresh.
		const state = (await deps.read()).data;
		return c.json({providers: providerHealthOf(state, await healthSummary(deps.session()), {host})}, 200);
	});

	app.openapi(healthRoutes.batchHealth, async (c) => {
		const {id} = c.req.valid('param');
		if (!(await deps.read()).data.batches.some((b) => b.batch_id === id))
			throw notFound('id', `no batch ${JSON.stringify(id)}; see GET /api/v1/batches`);
		return c.json(await batchHealth(deps.session(), {batchId: id}), 200);
	});

	app.openapi(healthRoutes.rotateKey, async (c) => {
		const b = c.req.valid('json');
		rememberSecret(b.key);
		const session = requestSession(deps, c.req.valid('query').wait_s);
		const result = await operate(deps, 'rotate-key', session, (s, run) =>
			rotateProviderKey(s, {batchId: b.batch, key: b.key}, run),
		);
		return c.json(result, 200);
	});
}
