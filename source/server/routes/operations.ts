// Operations that change the host or the data folder (docs/cli.md, Service): register and forget
// hosts, reconcile, roll back (a dry run, or a confirmation naming the batch), repair, smoke again;
// and the validation matrix. Each runs through source/app as the CLI's command does and answers with
// the CLI's JSON; a busy data folder answers 409 naming the holder (or waits with ?wait_s=).
import {createRoute, type OpenAPIHono} from '@hono/zod-openapi';
import {registerHost, removeHost} from '../../app/hosts.js';
import {planRollback, reconcile, repair, rollback, smokeAgain} from '../../app/drift.js';
import {planRollbackProvider, rollbackProvider} from '../../app/rollback-provider.js';
import {validationMatrix} from '../../app/acceptance.js';
import type {ServiceDeps} from '../deps.js';
import {badInput} from '../errors.js';
import {operate, requestSession} from '../operate.js';
import {
	errorResponses,
	HostAddAnswer,
	HostAddBody,
	HostParam,
	HostRemoveQuery,
	LockWaitQuery,
	MatrixAnswer,
	ReconcileAnswer,
	ReconcileBody,
	RemovedAnswer,
	RepairAnswer,
	RepairBody,
	RollbackAnswer,
	RollbackBody,
	SmokeAnswer,
	SmokeBody,
} from '../schemas.js';
import {rememberSecret} from '../secrets.js';

const security = [{bearer: []}];
const json = <T>(schema: T, description: string) => ({description, content: {'application/json': {schema}}});
const body = <T>(schema: T) => ({required: true, content: {'application/json': {schema}}});

export const operationRoutes = {
	hostAdd: createRoute({
		method: 'post',
		path: '/api/v1/hosts',
		summary: 'Probe a sub2api host (reads only) and register it with its admin credential (crm host add)',
		security,
		request: {query: LockWaitQuery, body: body(HostAddBody)},
		responses: {201: json(HostAddAnswer, 'Registered'), ...errorResponses},
	}),
	hostRemove: createRoute({
		method: 'delete',
		path: '/api/v1/hosts/{host}',
		summary: 'Forget a host; its resources stay on the host (crm host remove)',
		security,
		request: {params: HostParam, query: HostRemoveQuery},
		responses: {200: json(RemovedAnswer, 'Forgotten'), ...errorResponses},
	}),
	reconcile: createRoute({
		method: 'post',
		path: '/api/v1/reconcile',
		summary: 'Compare recorded resources with the host: a host, or one batch (crm reconcile)',
		security,
		request: {query: LockWaitQuery, body: body(ReconcileBody)},
		responses: {
			200: json(ReconcileAnswer, 'The reconcile run (drifted is an answer, not an error)'),
			...errorResponses,
		},
	}),
	rollback: createRoute({
		method: 'post',
		path: '/api/v1/rollback',
		summary:
			'Roll back a batch (or every batch of a provider): "dry_run": true shows the plan; a real rollback needs "confirm" naming the batch (or "host/pack")',
		security,
		request: {query: LockWaitQuery, body: body(RollbackBody)},
		responses: {
			200: json(RollbackAnswer, 'The plan, or what was deleted, skipped and failed'),
			...errorResponses,
		},
	}),
	repair: createRoute({
		method: 'post',
		path: '/api/v1/repair',
		summary: "Recreate a drifted batch's access and run its smoke (crm repair)",
		security,
		request: {query: LockWaitQuery, body: body(RepairBody)},
		responses: {200: json(RepairAnswer, 'The repair output'), ...errorResponses},
	}),
	smoke: createRoute({
		method: 'post',
		path: '/api/v1/smoke',
		summary: "Run a batch's access smoke again and record it (crm smoke)",
		security,
		request: {query: LockWaitQuery, body: body(SmokeBody)},
		responses: {200: json(SmokeAnswer, 'The smoke outcome'), ...errorResponses},
	}),
	matrix: createRoute({
		method: 'get',
		path: '/api/v1/matrix',
		summary: 'The provider validation matrix: the latest acceptance result per host and pack (crm matrix)',
		security,
		responses: {200: json(MatrixAnswer, 'The matrix'), 401: errorResponses[401], 500: errorResponses[500]},
	}),
};

function hostRoutes(app: OpenAPIHono, deps: ServiceDeps): void {
	app.openapi(operationRoutes.hostAdd, async (c) => {
		const b = c.req.valid('json');
		rememberSecret(b.admin_key);
		rememberSecret(b.password);
		const byKey = b.admin_key !== undefined;
		const byLogin = b.email !== undefined || b.password !== undefined;
		if (byKey === byLogin)
			throw badInput(
				'admin_key',
				'give the admin credential: "admin_key", or "email" and "password" (not both)',
			);
		if (byLogin && (b.email === undefined || b.password === undefined))
			throw badInput(
				b.email === undefined ? 'email' : 'password',
				'an admin login needs both "email" and "password"',
			);
		const credential = byKey
			? {type: 'admin_api_key' as const, key: b.admin_key!}
			: {type: 'login' as const, email: b.email!, password: b.password!};
		const session = requestSession(deps, c.req.valid('query').wait_s, b);
		const host = await operate(deps, 'host add', session, (s, run) =>
			registerHost(
				s,
				{name: b.name, url: b.url, credential, prefix: b.prefix, userDomain: b.user_domain},
				run,
			),
		);
		const {host_id, name, url, version, auth_type, capabilities} = host;
		return c.json({host_id, name, url, version, auth_type, capabilities}, 201);
	});

	app.openapi(operationRoutes.hostRemove, async (c) => {
		const {host} = c.req.valid('param');
		const q = c.req.valid('query');
		const removed = await operate(deps, 'host remove', requestSession(deps, q.wait_s), (s) =>
			removeHost(s, {host, force: q.force === 'true'}),
		);
		return c.json({removed: removed.host_id}, 200);
	});
}

function driftRoutes(app: OpenAPIHono, deps: ServiceDeps): void {
	app.openapi(operationRoutes.reconcile, async (c) => {
		const b = c.req.valid('json');
		if (b.host === undefined && b.batch === undefined)
			throw badInput('host', 'give "host" (a host id or name) or "batch" (a batch id)');
		const session = requestSession(deps, c.req.valid('query').wait_s, b);
		const result = await operate(deps, 'reconcile', session, (s, run) =>
			reconcile(s, {host: b.host, batch: b.batch}, run),
		);
		const {repair_applies: _, repair_batches: __, ...shown} = result;
		return c.json(shown, 200);
	});

	app.openapi(operationRoutes.rollback, async (c) => {
		const b = c.req.valid('json');
		const byProvider = b.host !== undefined || b.pack !== undefined;
		if ((b.batch !== undefined) === byProvider)
			throw badInput('batch', 'give "batch" (a batch id), or "host" and "pack" (every batch of a provider)');
		if (byProvider && (b.host === undefined || b.pack === undefined))
			throw badInput(
				b.host === undefined ? 'host' : 'pack',
				'a provider rollback needs both "host" and "pack"',
			);
		const session = requestSession(deps, c.req.valid('query').wait_s, b);
		if (byProvider) {
			const ref = {host: b.host, pack: b.pack, url: b.url, force: b.force === true};
			if (b.dry_run === true)
				return c.json({batches: (await planRollbackProvider(session, ref)).batches}, 200);
			const named = `${b.host}/${b.pack}`;
			if (b.confirm !== named)
				throw badInput(
					'confirm',
					`rolling back a provider deletes resources on the host: send "confirm": "${named}" to go ahead (or "dry_run": true to see the plan first)`,
				);
			const result = await operate(deps, 'rollback', session, (s, run) => rollbackProvider(s, ref, run));
			return c.json({batches: result.batches, not_run: result.not_run}, 200);
		}
		const batch = b.batch!;
		if (b.dry_run === true) return c.json(await planRollback(session, {batch}), 200);
		if (b.confirm !== batch)
			throw badInput(
				'confirm',
				`a rollback deletes resources on the host: send "confirm": "${batch}" to go ahead (or "dry_run": true to see the plan first)`,
			);
		const result = await operate(deps, 'rollback', session, (s, run) =>
			rollback(s, {batch, force: b.force === true}, run),
		);
		return c.json(result, 200);
	});

	app.openapi(operationRoutes.repair, async (c) => {
		const b = c.req.valid('json');
		const session = requestSession(deps, c.req.valid('query').wait_s, b);
		return c.json(await operate(deps, 'repair', session, (s, run) => repair(s, {batch: b.batch}, run)), 200);
	});

	app.openapi(operationRoutes.smoke, async (c) => {
		const b = c.req.valid('json');
		const session = requestSession(deps, c.req.valid('query').wait_s);
		return c.json(
			await operate(deps, 'smoke', session, (s, run) => smokeAgain(s, {batch: b.batch}, run)),
			200,
		);
	});
}

export function registerOperationRoutes(app: OpenAPIHono, deps: ServiceDeps): void {
	hostRoutes(app, deps);
	driftRoutes(app, deps);
	app.openapi(operationRoutes.matrix, async (c) => {
		const {rows} = await validationMatrix(deps.session());
		const shown = rows.map((r) => ({
			host: r.host,
			pack: r.pack,
			result: r.result,
			access_status: r.access_status,
			failure_class: r.failure_class,
			at: r.at,
			evidence_dir: r.evidence_dir,
			host_id: r.host_id,
			run_id: r.run_id,
			access: r.access,
			final: r.final,
		}));
		return c.json({rows: shown}, 200);
	});
}
