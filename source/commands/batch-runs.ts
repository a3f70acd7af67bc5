// `crm batch-runs [--host HOST]` and `crm batch-run show RUN` (docs/cli.md): past import-batch runs,
// and the document a run printed (its table). Reads only.
import {CrmError} from '../lib/errors.js';
import {flagString, sessionFor, type CommandContext} from './context.js';
import {humanBatch} from './import-batch.js';
import {table} from './output.js';

export async function batchRunsCommand(ctx: CommandContext): Promise<number> {
	const {listBatchRuns} = await import('../app/batch-runs.js');
	const runs = await listBatchRuns(await sessionFor(ctx), {host: flagString(ctx.flags, 'host')});
	ctx.out.result(
		{
			runs: runs.map((r) => ({
				run_id: r.run_id,
				host_id: r.host_id,
				file_sha256: r.file_sha256,
				rows: r.rows,
				totals: r.totals,
				started_at: r.started_at,
				finished_at: r.finished_at,
				status: r.status,
			})),
		},
		() =>
			runs.length === 0
				? 'No batch-import runs yet.'
				: table(
						['RUN', 'HOST', 'ROWS', 'OK', 'FAILED', 'SKIPPED', 'STATUS', 'STARTED'],
						runs.map((r) => [
							r.run_id,
							r.host_id,
							r.rows,
							r.totals?.succeeded ?? null,
							r.totals?.failed ?? null,
							r.totals?.skipped ?? null,
							r.status,
							r.started_at,
						]),
					),
	);
	return 0;
}

export async function batchRunCommand(ctx: CommandContext): Promise<number> {
	const [sub, id] = ctx.args;
	if (sub !== 'show') throw new CrmError('usage', 'use: crm batch-run show RUN (see crm batch-runs)');
	ctx.out.fields.run = 'RUN';
	const {showBatchRun} = await import('../app/batch-runs.js');
	const {run, document} = await showBatchRun(await sessionFor(ctx), {run: id});
	if (!document)
		throw new CrmError(
			'operation_failed',
			`run ${run.run_id} never finished (${run.status}); its rows are in their batches: crm batches --host ${run.host_id}`,
		);
	ctx.out.result(document, () => `run ${run.run_id} · ${run.finished_at ?? ''}\n${humanBatch(document)}`);
	return 0;
}
