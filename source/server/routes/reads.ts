// Reads (docs/cli.md, Service): packs, hosts, status, batches and one batch. They never take the lock,
// so they answer while an operation runs, and use the CLI's JSON shapes.
import {createRoute, type OpenAPIHono} from '@hono/zod-openapi';
import {batchesOf, listPacks, showBatch, statusOf} from '../../app/reads.js';
import {hostView} from '../../app/service-reads.js';
import type {ServiceDeps} from '../deps.js';
import {notFound} from '../errors.js';
import {
	BatchAnswer,
	BatchesAnswer,
	BatchesQuery,
	BatchParam,
	errorResponses,
	HostParam,
	HostQuery,
	HostsAnswer,
	HostView,
	PacksAnswer,
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

export function registerReadRoutes(app: OpenAPIHono, deps: ServiceDeps): void {
	app.openapi(readRoutes.packs, async (c) => {
		const {problems, views} = listPacks();
		for (const p of problems) deps.log(`warning: pack file ${p.file} skipped: ${p.field}: ${p.message}`);
		return c.json({packs: views}, 200);
	});

	app.openapi(readRoutes.hosts, async (c) => {
		const store = await deps.read();
		return c.json({hosts: store.data.hosts.map(hostView)}, 200);
	});

	app.openapi(readRoutes.host, async (c) => {
		const {host: ref} = c.req.valid('param');
		const {hosts} = (await deps.read()).data;
		const host = hosts.find((h) => h.host_id === ref) ?? hosts.find((h) => h.name === ref);
		if (!host) throw notFound('host', `no host ${JSON.stringify(ref)} is registered; see GET /api/v1/hosts`);
		return c.json(hostView(host), 200);
	});

	app.openapi(readRoutes.status, async (c) => {
		const host = c.req.valid('query').host;
		// Computed once per version of state.json: at 10,000 batches the rows take tens of ms.
		const hosts = await deps.derived(`status ${host ?? ''}`, (store) =>
			statusOf(store.data, {host}).map((h) => ({
				host_id: h.host_id,
				name: h.name,
				url: h.url,
				version: h.version,
				providers: h.providers,
			})),
		);
		return c.json({hosts}, 200);
	});

	app.openapi(readRoutes.batches, async (c) => {
		const {host, pack} = c.req.valid('query');
		const batches = batchesOf((await deps.read()).data, {host, pack});
		return c.json({batches}, 200);
	});

	app.openapi(readRoutes.batch, async (c) => {
		const doc = await batchDocument(deps, c.req.valid('param').id);
		return c.json(doc, 200);
	});
}

/** `crm batch show`'s document (404 for a batch the data folder does not have). */
export async function batchDocument(deps: ServiceDeps, id: string) {
	if (!(await deps.read()).data.batches.some((b) => b.batch_id === id))
		throw notFound('id', `no batch ${JSON.stringify(id)}; see GET /api/v1/batches`);
	const {
		file_present: _f,
		evidence_files: _e,
		smoke_model: _m,
		holds_resources: _h,
		smoke_again_applies: _s,
		...doc
	} = await showBatch(deps.session(), {batch: id});
	return doc;
}
