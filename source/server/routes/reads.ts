// Reads (docs/cli.md, Service): packs, hosts, status, batches and one batch. They never take the lock,
// so they answer while an operation runs, and use the CLI's JSON shapes.
import {createRoute, type OpenAPIHono} from '@hono/zod-openapi';
import {hostOf, hostsOf} from '../../app/hosts.js';
import {batchDocumentOf, batchesOf, listPacks, statusDocument} from '../../app/reads.js';
import {resourcesOf} from '../../app/resources.js';
import type {ServiceDeps} from '../deps.js';
import {notFound} from '../errors.js';
import {scrubbedAnswer, scrubbedJson} from '../secrets.js';
import {
	BatchAnswer,
	BatchesAnswer,
	BatchesQuery,
	BatchParam,
	errorResponses,
	HostParam,
	HostQuery,
	HostRequiredQuery,
	HostsAnswer,
	HostView,
	PacksAnswer,
	ResourcesAnswer,
	StatusAnswer,
} from '../schemas.js';

const json = <T>(schema: T, description: string) => ({
	description,
	content: {'application/json': {schema}},
});
const security = [{bearer: []}];

export const readRoutes = {
	packs: createRoute({
		method: 'get',
		path: '/api/v1/packs',
		summary: 'The provider packs (crm packs --json)',
		security,
		responses: {200: json(PacksAnswer, 'The packs'), 401: errorResponses[401], 500: errorResponses[500]},
	}),
	hosts: createRoute({
		method: 'get',
		path: '/api/v1/hosts',
		summary: 'Registered hosts (crm host list --json)',
		security,
		responses: {200: json(HostsAnswer, 'The hosts'), 401: errorResponses[401], 500: errorResponses[500]},
	}),
	host: createRoute({
		method: 'get',
		path: '/api/v1/hosts/{host}',
		summary: 'One host (crm host show HOST --json)',
		security,
		request: {params: HostParam},
		responses: {
			200: json(HostView, 'The host'),
			401: errorResponses[401],
			404: errorResponses[404],
			500: errorResponses[500],
		},
	}),
	status: createRoute({
		method: 'get',
		path: '/api/v1/status',
		summary: 'Per host and provider: latest batch, access status, last reconcile (crm status --json)',
		security,
		request: {query: HostQuery},
		responses: {
			200: json(StatusAnswer, 'Status by host'),
			400: errorResponses[400],
			401: errorResponses[401],
			500: errorResponses[500],
		},
	}),
	resources: createRoute({
		method: 'get',
		path: '/api/v1/resources',
		summary: 'Every resource the tool recorded on a host: active, deleted or unknown (crm resources --json)',
		security,
		request: {query: HostRequiredQuery},
		responses: {
			200: json(ResourcesAnswer, 'The recorded resources, host-wide'),
			400: errorResponses[400],
			401: errorResponses[401],
			500: errorResponses[500],
		},
	}),
	batches: createRoute({
		method: 'get',
		path: '/api/v1/batches',
		summary: 'Import batches, newest first (crm batches --json)',
		security,
		request: {query: BatchesQuery},
		responses: {
			200: json(BatchesAnswer, 'The batches'),
			400: errorResponses[400],
			401: errorResponses[401],
			500: errorResponses[500],
		},
	}),
	batch: createRoute({
		method: 'get',
		path: '/api/v1/batches/{id}',
		summary: 'One batch with steps, resources and reconcile runs (crm batch show --json)',
		security,
		request: {params: BatchParam},
		responses: {
			200: json(BatchAnswer, 'The batch'),
			401: errorResponses[401],
			404: errorResponses[404],
			500: errorResponses[500],
		},
	}),
};

// Every read is source/app's, over the state the read cache holds (a `?host=` that names no host is
// a 400 naming `host`), so the service answers exactly what `crm … --json` prints.

export function registerReadRoutes(app: OpenAPIHono, deps: ServiceDeps): void {
	app.openapi(readRoutes.packs, async (c) => {
		const {views, problems} = await listPacks();
		for (const p of problems) deps.log(`warning: pack file ${p.file} skipped: ${p.field}: ${p.message}`);
		return c.json({packs: views}, 200);
	});

	app.openapi(readRoutes.hosts, async (c) => {
		return c.json({hosts: hostsOf((await deps.read()).data)}, 200);
	});

	app.openapi(readRoutes.host, async (c) => {
		const {host: ref} = c.req.valid('param');
		const host = hostOf((await deps.read()).data, ref);
		if (!host) throw notFound('host', `no host ${JSON.stringify(ref)} is registered; see GET /api/v1/hosts`);
		return c.json(host, 200);
	});

	app.openapi(readRoutes.status, async (c) => {
		const host = c.req.valid('query').host;
		// Computed, serialised and scrubbed once per version of state.json: at 10,000 batches the rows
		// take tens of ms and the answer is ~60 KB, so concurrent clients share one computation.
		const kept = await deps.derived(`status ${host ?? ''}`, (store) =>
			scrubbedJson(statusDocument(store.data, {host})),
		);
		// The kept bytes are the status document c.json would send; Hono's route types know only c.json.
		return scrubbedAnswer(kept) as never;
	});

	app.openapi(readRoutes.resources, async (c) => {
		const {resources} = await resourcesOf(await deps.read(), {host: c.req.valid('query').host});
		return c.json({resources}, 200);
	});

	app.openapi(readRoutes.batches, async (c) => {
		const {host, pack} = c.req.valid('query');
		const batches = batchesOf((await deps.read()).data, {host, pack});
		return c.json({batches}, 200);
	});

	app.openapi(readRoutes.batch, async (c) => {
		const {id} = c.req.valid('param');
		const doc = await batchDocumentOf(await deps.read(), id);
		if (!doc) throw notFound('id', `no batch ${JSON.stringify(id)}; see GET /api/v1/batches`);
		return c.json(doc, 200);
	});
}
