// `crm evidence list|keep RUN|archive|export RUN --out FILE.tar.gz`: acceptance-run retention
// (docs/cli.md `crm evidence`): arguments -> input -> source/app/evidence -> the result.
import type {RunView} from '../app/evidence.js';
import {CrmError, EXIT, invalidInput} from '../lib/errors.js';
import {flagString, sessionFor, type CommandContext} from './context.js';
import {table} from './output.js';

const USAGE = 'crm evidence list | keep RUN | archive | export RUN --out FILE.tar.gz';

const evidence = () => import('../app/evidence.js');

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
	const runs = await (await evidence()).listEvidence(await sessionFor(ctx));
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

async function keep(ctx: CommandContext, run: string | undefined): Promise<number> {
	if (!run) throw invalidInput('RUN', 'name the acceptance run (see crm evidence list)');
	const view = await (await evidence()).keepEvidence(await sessionFor(ctx), {run});
	ctx.out.result(view, () => `${view.run_id} kept as final evidence in ${view.evidence_dir}`);
	return EXIT.ok;
}

async function archive(ctx: CommandContext): Promise<number> {
	const done = await (await evidence()).archiveEvidence(await sessionFor(ctx));
	const {archive_dir, main_dir, ...result} = done;
	ctx.out.result(result, () =>
		[
			result.archived.length
				? `archived ${result.archived.length} run(s) to ${archive_dir}:`
				: 'nothing to archive: every run in acceptance/ is final',
			...result.archived.map((a) => `  ${a.run_id}`),
			`${result.kept.length} final run(s) stay in ${main_dir}`,
			...result.missing.map((m) => `  warning: the folder of ${m} is gone; nothing moved`),
		].join('\n'),
	);
	return EXIT.ok;
}

async function exportCmd(ctx: CommandContext, run: string | undefined): Promise<number> {
	const result = await (
		await evidence()
	).exportEvidence(await sessionFor(ctx), {
		run,
		out: flagString(ctx.flags, 'out'),
		overwrite: ctx.flags.force === true,
	});
	ctx.out.result(
		result,
		() => `${result.run_id}: ${result.entries.length} files, ${result.bytes} bytes -> ${result.out}`,
	);
	return EXIT.ok;
}
