// Batch imports over HTTP (docs/cli.md, Service): start one (202 with the run id at once, the rows
// going on in the background as `crm import-batch` runs them), and read a run: each row's progress
// while it runs, then the CLI's `crm import-batch --json` document. Every row's key enters the secret
// registry when the body is read, before anything is checked; the rows are checked as the file's lines
// are, and a bad one answers 400 naming it (`rows.N.url`) before anything runs.
import {createRoute, type OpenAPIHono} from '@hono/zod-openapi';
import {checkListedRows, type ListedRow, type RowProblem} from '../../app/import-batch.js';
import type {ServiceDeps} from '../deps.js';
import {badInput, notFound, type HttpError} from '../errors.js';
import {BatchRuns, startImportBatch} from '../import-batch-runner.js';
import {requestSession} from '../operate.js';
import {
	errorResponses,
	ImportBatchAccepted,
	ImportBatchBody,
	ImportBatchRunAnswer,
	LockWaitQuery,
	RunParam,
} from '../schemas.js';
import {rememberSecret} from '../secrets.js';

const security = [{bearer: []}];
const json = <T>(schema: T, description: string) => ({description, content: {'application/json': {schema}}});

export const importBatchRoutes = {
	start: createRoute({
		method: 'post',
		path: '/api/v1/import-batches',
		summary:
			'Start a batch import (crm import-batch): rows of url and key (pack, access, smoke_model optional); answers once the run holds the data folder',
		security,
		request: {
			query: LockWaitQuery,
			body: {required: true, content: {'application/json': {schema: ImportBatchBody}}},
		},
		responses: {202: json(ImportBatchAccepted, 'Started'), ...errorResponses},
	}),
	run: createRoute({
		method: 'get',
		path: '/api/v1/import-batches/{run}',
		summary:
			"A batch import this service runs: each row's progress, then the crm import-batch --json document",
		security,
		request: {params: RunParam},
		responses: {
			200: json(ImportBatchRunAnswer, 'The run'),
			401: errorResponses[401],
			404: errorResponses[404],
			500: errorResponses[500],
		},
	}),
};

/** A row's problem as a 400 naming `rows.N.<field>` (N from 0, as the body lists them). */
function rowError(problem: RowProblem, listed: ListedRow[]): HttpError {
	const index = problem.line - 1;
	const row = listed[index];
	// Only a column count can make a line problem here: a smoke model this build's rows do not take.
	const field =
		problem.field === 'line' ? (row?.smoke_model !== undefined ? 'smoke_model' : 'url') : problem.field;
	const message =
		problem.field === 'line' && field === 'smoke_model'
			? 'a smoke model per row is not taken by this build; leave smoke_model out'
			: problem.message;
	return badInput(`rows.${index}.${field}`, `rows.${index}.${field}: ${message}`);
}

export function registerImportBatchRoutes(app: OpenAPIHono, deps: ServiceDeps): void {
	const runs = new BatchRuns();

	app.openapi(importBatchRoutes.start, async (c) => {
		const body = c.req.valid('json');
		for (const r of body.rows) rememberSecret(r.key);
		const session = requestSession(deps, c.req.valid('query').wait_s);
		const {rows, problems} = await checkListedRows(session, body.rows);
		if (problems.length > 0) throw rowError(problems[0]!, body.rows);
		const started = await startImportBatch(deps, runs, session, {
			host: body.host,
			rows,
			concurrency: body.concurrency,
		});
		return c.json(started, 202);
	});

	app.openapi(importBatchRoutes.run, (c) => {
		const {run} = c.req.valid('param');
		const view = runs.get(run);
		if (!view) throw notFound('run', `no batch import ${JSON.stringify(run)} in this service`);
		return c.json(view, 200);
	});
}
