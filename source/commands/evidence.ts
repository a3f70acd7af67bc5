// `crm evidence list|keep RUN|archive|export RUN --out FILE.tar.gz`: acceptance-run retention.
import {archiveRuns, exportRun, keepRun, listRuns, type RunView} from '../core/acceptance/index.js';
import {CrmError, EXIT, invalidInput} from '../lib/errors.js';
import {StateStore} from '../store/state-store.js';
import {flagString, type CommandContext} from './context.js';
import {openLocked} from './drift.js';
import {table} from './output.js';

const USAGE = 'crm evidence list | keep RUN | archive | export RUN --out FILE.tar.gz';

export async function evidenceCommand(ctx: CommandContext): Promise<number> {
	const [sub, runId, ...extra] = ctx.args;
	if (extra.length > 0) throw new CrmError('usage', `unexpected "${extra.join(' ')}"; usage: ${USAGE}`);
	switch (sub) {
		case 'list':
		case undefined:
			return list(ctx);
		case 'keep':
			return keep(ctx, runId);
		case 'archive':
			if (runId)
				throw new CrmError('usage', `crm evidence archive takes no run (it moves every run not kept)`);
			return archive(ctx);
		case 'export':
			return exportCmd(ctx, runId);
		default:
			throw new CrmError('usage', `unknown evidence command "${sub}"; usage: ${USAGE}`);
	}
}

function runRow(r: RunView) {
	return [
		r.run_id,
		r.result,
		r.host,
		r.pack,
		r.access_status,
		r.final ? 'final' : r.archived ? 'archived' : 'trial',
		r.finished_at ?? r.started_at,
	];
}

async function list(ctx: CommandContext): Promise<number> {
	const store = await StateStore.open(ctx.dataDir); // reads only: no lock
	const runs = listRuns(store);
	ctx.out.result({runs}, () =>
		runs.length === 0
			? 'no acceptance runs yet; start one with crm accept'
			: [
					table(['RUN', 'RESULT', 'HOST', 'PACK', 'ACCESS', 'KEPT', 'AT'], runs.map(runRow)),
					'',
					'final runs stay in acceptance/; crm evidence archive moves the others to acceptance/archive/',
				].join('\n'),
	);
	return EXIT.ok;
}

async function keep(ctx: CommandContext, runId: string | undefined): Promise<number> {
	if (!runId) throw invalidInput('RUN', 'name the acceptance run (see crm evidence list)');
	const store = await openLocked(ctx, 'crm evidence keep', true);
	try {
		const run = await keepRun(store, runId);
		ctx.out.result(run, () => `${run.run_id} kept as final evidence in ${run.evidence_dir}`);
		return EXIT.ok;
	} finally {
		store.release();
	}
}

async function archive(ctx: CommandContext): Promise<number> {
	const store = await openLocked(ctx, 'crm evidence archive', true);
	try {
		const result = await archiveRuns(store);
		ctx.out.result(result, () =>
			[
				result.archived.length
					? `archived ${result.archived.length} run(s) to ${store.paths.acceptanceArchive}:`
					: 'nothing to archive: every run in acceptance/ is final',
				...result.archived.map((a) => `  ${a.run_id}`),
				`${result.kept.length} final run(s) stay in ${store.paths.acceptance}`,
				...result.missing.map((m) => `  warning: the folder of ${m} is gone; nothing moved`),
			].join('\n'),
		);
		return EXIT.ok;
	} finally {
		store.release();
	}
}

async function exportCmd(ctx: CommandContext, runId: string | undefined): Promise<number> {
	// Reads state only (the bundle is written outside the data folder): no lock.
	const store = await StateStore.open(ctx.dataDir);
	const result = await exportRun(store, runId, flagString(ctx.flags, 'out'), {
		overwrite: ctx.flags.force === true,
	});
	ctx.out.result(
		result,
		() => `${result.run_id}: ${result.entries.length} files, ${result.bytes} bytes -> ${result.out}`,
	);
	return EXIT.ok;
}
