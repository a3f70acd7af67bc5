// `crm reconcile`, `crm rollback`, `crm repair`, `crm smoke`, `crm adopt`: flags -> input ->
// source/app -> the result (docs/cli.md "Drift, repair, rollback").
import {CrmError, EXIT, invalidInput} from '../lib/errors.js';
import {flagString, sessionFor, withRun, type CommandContext} from './context.js';
import {table} from './output.js';
import {hostId, resourceLabel} from '../app/reads.js';

const drift = () => import('../app/drift.js');

/** `--batch` given and not empty: checked before the data folder is touched. */
function requireBatch(ctx: CommandContext): string {
	const batch = flagString(ctx.flags, 'batch');
	if (!batch) throw invalidInput('--batch', '--batch is required (see crm batches)');
	return batch;
}

export async function reconcileCommand(ctx: CommandContext): Promise<number> {
	const input = {host: flagString(ctx.flags, 'host'), batch: flagString(ctx.flags, 'batch')};
	if (input.batch === undefined && input.host === undefined)
		throw invalidInput(
			'--host',
			'--host is required: a host id or name (see crm host list), or give --batch',
		);
	const session = await sessionFor(ctx);
	const {reconcile} = await drift();
	const result = await withRun(ctx, (run) => reconcile(session, input, run));
	const {repair_applies: _, repair_batches: __, ...shown} = result;
	const {legendText, resourceLabel} = await import('../app/reads.js');
	ctx.out.result(shown, () =>
		[
			`reconcile ${result.run_id}: ${result.reconcile_status}`,
			result.items.length
				? table(
						['STATE', 'BATCH', 'RESOURCE', 'DETAIL'],
						result.items.map((i) => [
							i.state,
							i.batch_id ?? null,
							resourceLabel(i.resource_type, i.host_resource_id, i.name),
							i.detail,
						]),
					)
				: 'no recorded resources on this host',
			...legendText([
				['reconcile', result.reconcile_status],
				...result.items.map((i): ['item', string] => ['item', i.state]),
			]),
		].join('\n'),
	);
	return result.reconcile_status === 'in_sync' ? EXIT.ok : EXIT.drift;
}

async function rollbackPlanCommand(ctx: CommandContext, batch: string | undefined): Promise<number> {
	const session = await sessionFor(ctx);
	const plan = await (await drift()).planRollback(session, {batch, force: ctx.flags.force === true});
	ctx.out.result(plan, () =>
		[
			`rollback plan for ${plan.batch_id} (dry run: nothing changes${plan.checked_on_host ? '; each record read back from the host' : ''})`,
			...(plan.note ? [`note: ${plan.note}`] : []),
			table(
				['ACTION', 'TYPE', 'HOST ID', 'NAME', 'WHY'],
				plan.plan.map((p) => [p.action, p.resource_type, hostId(p.host_resource_id), p.name, p.reason]),
			),
		].join('\n'),
	);
	return EXIT.ok;
}

export async function rollbackCommand(ctx: CommandContext): Promise<number> {
	// --host --pack [--url]: every batch of a provider (--host with --batch keeps the per-batch form).
	const provider =
		flagString(ctx.flags, 'pack') !== undefined ||
		(flagString(ctx.flags, 'host') !== undefined && flagString(ctx.flags, 'batch') === undefined);
	if (provider) return (await import('./rollback-provider.js')).rollbackProviderCommand(ctx);
	const batch = requireBatch(ctx);
	// A dry run reads only: no lock; the host is read, never changed.
	if (ctx.flags.dryRun) return rollbackPlanCommand(ctx, batch);
	if (!ctx.flags.yes) {
		throw new CrmError(
			'usage',
			process.stdin.isTTY
				? 'confirm with --yes, or use the TUI (Drift & rollback) to confirm interactively'
				: 'rollback deletes resources on the host: pass --yes to confirm (or --dry-run to see the plan)',
			{field: '--yes'},
		);
	}
	const session = await sessionFor(ctx);
	const {rollback} = await drift();
	const result = await withRun(ctx, (run) =>
		rollback(session, {batch, force: ctx.flags.force === true}, run),
	);
	ctx.out.result(result, () =>
		[
			`rollback of ${result.batch_id}: ${result.batch_status}`,
			...result.deleted.map(
				(d) => `  deleted  ${resourceLabel(d.resource_type, d.host_resource_id, d.name)} (${d.detail})`,
			),
			...result.skipped.map(
				(d) => `  skipped  ${resourceLabel(d.resource_type, d.host_resource_id, d.name)}: ${d.detail}`,
			),
			...result.failed.map(
				(d) => `  FAILED   ${resourceLabel(d.resource_type, d.host_resource_id, d.name)}: ${d.detail}`,
			),
		].join('\n'),
	);
	return result.failed.length === 0 && result.batch_status === 'rolled_back' ? EXIT.ok : EXIT.failed;
}

export async function repairCommand(ctx: CommandContext): Promise<number> {
	const batch = requireBatch(ctx);
	const session = await sessionFor(ctx);
	const {repair} = await drift();
	const {explain, legendText, resourceLabel} = await import('../app/reads.js');
	const result = await withRun(ctx, (run) => repair(session, {batch}, run));
	ctx.out.result(result, () =>
		[
			`repair of ${result.batch_id}: ${result.outcome} — ${explain('repair', result.outcome)}`,
			`  access ${result.access_status}${result.completion_preview ? ` · "${result.completion_preview}"` : ''}`,
			...(result.repaired.length
				? result.repaired.map(
						(r) => `  ${r.action} ${resourceLabel(r.resource_type, r.host_resource_id, r.name)}: ${r.reason}`,
					)
				: ['  nothing was created']),
			...result.not_mended.map(
				(i) =>
					`  not mended: ${resourceLabel(i.resource_type, i.host_resource_id, i.name)} ${i.state} (${i.detail}): ${i.advice}`,
			),
			...(result.outcome === 'drift_remains'
				? result.drift_remaining.map(
						(i) =>
							`  still ${i.state}: ${resourceLabel(i.resource_type, i.host_resource_id, i.name)} ${i.detail}`,
					)
				: []),
			...legendText([
				['repair', result.outcome],
				['access', result.access_status],
			]),
		].join('\n'),
	);
	return result.outcome === 'repaired' || result.outcome === 'in_sync' ? EXIT.ok : EXIT.failed;
}

export async function smokeCommand(ctx: CommandContext): Promise<number> {
	const batch = requireBatch(ctx);
	const session = await sessionFor(ctx);
	const {smokeAgain} = await drift();
	const result = await withRun(ctx, (run) => smokeAgain(session, {batch}, run));
	ctx.out.result(
		result,
		() =>
			`smoke of ${result.batch_id} with ${result.smoke_model}: ${result.access_status}${result.completion_ok ? ` — "${result.completion_preview}"` : ''}`,
	);
	return result.access_status.endsWith('_ready') ? EXIT.ok : EXIT.failed;
}

/** Asks on the terminal whether to record what was found (`--yes` answers for the operator). */
async function confirmOnTerminal(question: string): Promise<boolean> {
	const {createInterface} = await import('node:readline/promises');
	const rl = createInterface({input: process.stdin, output: process.stderr});
	try {
		return /^y(es)?$/i.test((await rl.question(question)).trim());
	} finally {
		rl.close();
	}
}

/** `crm adopt --batch B --type T --id ID [--yes]`: record a host resource as the batch's, once shown. */
export async function adoptCommand(ctx: CommandContext): Promise<number> {
	const {adoptResource, planAdopt} = await import('../app/adopt.js');
	const input = {
		batchId: flagString(ctx.flags, 'batch'),
		type: flagString(ctx.flags, 'type'),
		id: flagString(ctx.flags, 'id'),
	};
	planAdopt(input);
	const yes = ctx.flags.yes === true;
	if (!yes && !process.stdin.isTTY)
		throw new CrmError('usage', "adopt records a host resource as the batch's: pass --yes to confirm", {
			field: '--yes',
		});
	const session = await sessionFor(ctx);
	const result = await withRun(ctx, (run) =>
		adoptResource(session, input, {
			signal: run.signal,
			confirm: async (found) => {
				ctx.out.note(
					`${resourceLabel(found.resource_type, found.host_resource_id, found.name)} on the host:\n${JSON.stringify(found.snapshot, null, 2)}`,
				);
				return yes || confirmOnTerminal(`record it as batch ${found.batch_id}'s? [y/N] `);
			},
		}),
	);
	ctx.out.result(result, () =>
		result.adopted
			? `${resourceLabel(result.resource_type, result.host_resource_id)} is now recorded as batch ${result.batch_id}'s${result.replaces_unknown ? ' (it resolves the unknown record)' : ''}`
			: 'not adopted; nothing changed',
	);
	return result.adopted ? EXIT.ok : EXIT.usage;
}
