// Reads (docs/cli.md, Service): packs, hosts, status, batches and one batch. They never take the lock,
// so they answer while an operation runs, and use the CLI's JSON shapes.
import {createRoute, type OpenAPIHono} from '@hono/zod-openapi';
import {resolveHost, hostView} from '../../core/hosts/lookup.js';
import {loadPacks, packView} from '../../core/packs/packs.js';
import {batchListView, providerRows} from '../../core/reads/status.js';
import type {StateStore} from '../../store/state-store.js';
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

/** The host a `?host=` filter names (400 naming `host` when none matches). */
function hostFilter(store: StateStore, ref: string | undefined): string | undefined {
	return ref === undefined ? undefined : resolveHost(store.data, ref, 'host').host_id;
}

/** `crm batch show`'s document for one batch; null when the data folder has no such batch. */
export async function batchDocument(store: StateStore, batchId: string) {
	const index = store.data.batches.find((b) => b.batch_id === batchId);
	if (!index) return null;
	const file = await store.readBatch(index.batch_id);
	return {
		...index,
		artifacts_dir: store.paths.artifacts(index.batch_id),
		input: file?.input ?? null,
		steps: file?.steps ?? [],
		resources: file?.resources ?? [],
		access_results: file?.access_results ?? [],
		reconcile_runs: file?.reconcile_runs ?? [],
		summary: file?.summary ?? null,
	};
}

export function registerReadRoutes(app: OpenAPIHono, deps: ServiceDeps): void {
	app.openapi(readRoutes.packs, async (c) => {
		const {packs, problems} = loadPacks();
		for (const p of problems) deps.log(`warning: pack file ${p.file} skipped: ${p.field}: ${p.message}`);
		return c.json({packs: packs.map(packView)}, 200);
	});

	app.openapi(readRoutes.hosts, async (c) => {
		const store = await deps.read();
		return c.json({hosts: store.data.hosts.map(hostView)}, 200);
	});

	app.openapi(readRoutes.host, async (c) => {
		const {host: ref} = c.req.valid('param');
		const store = await deps.read();
		const host =
			store.data.hosts.find((h) => h.host_id === ref) ?? store.data.hosts.find((h) => h.name === ref);
		if (!host) throw notFound('host', `no host ${JSON.stringify(ref)} is registered; see GET /api/v1/hosts`);
		return c.json(hostView(host), 200);
	});

	app.openapi(readRoutes.status, async (c) => {
		const store = await deps.read();
		const hostId = hostFilter(store, c.req.valid('query').host);
		const hosts = store.data.hosts
			.filter((h) => !hostId || h.host_id === hostId)
			.map((h) => ({
				host_id: h.host_id,
				name: h.name,
				url: h.url,
				version: h.version,
				providers: providerRows(store.data, h.host_id),
			}));
		return c.json({hosts}, 200);
	});

	app.openapi(readRoutes.batches, async (c) => {
		const query = c.req.valid('query');
		const store = await deps.read();
		const hostId = hostFilter(store, query.host);
		const batches = store.data.batches
			.filter((b) => (!hostId || b.host_id === hostId) && (!query.pack || b.pack === query.pack))
			.sort((a, b) => (a.created_at < b.created_at ? 1 : a.created_at > b.created_at ? -1 : 0))
			.map(batchListView);
		return c.json({batches}, 200);
	});

	app.openapi(readRoutes.batch, async (c) => {
		const {id} = c.req.valid('param');
		const doc = await batchDocument(await deps.read(), id);
		if (!doc) throw notFound('id', `no batch ${JSON.stringify(id)}; see GET /api/v1/batches`);
		return c.json(doc, 200);
	});
}
