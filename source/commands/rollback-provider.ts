// `crm rollback --host HOST --pack PACK [--url URL] [--dry-run] [--yes] [--json]` (docs/cli.md):
// every batch of that provider on the host not yet rolled back, newest first, each with the
// per-batch safety rules. Output `{"batches":[<the per-batch rollback output>]}`.
import {CrmError, EXIT} from '../lib/errors.js';
import type {ProviderRef} from '../app/rollback-provider.js';
import type {RollbackResult} from '../app/drift.js';
import {flagString, sessionFor, withRun, type CommandContext} from './context.js';
import {table} from './output.js';

function batchLines(r: RollbackResult): string[] {
	return [
		`rollback of ${r.batch_id}: ${r.batch_status}`,
		...r.deleted.map((d) => `  deleted  ${d.resource_type} ${d.host_resource_id} ${d.name} (${d.detail})`),
		...r.skipped.map((d) => `  skipped  ${d.resource_type} ${d.host_resource_id} ${d.name}: ${d.detail}`),
		...r.failed.map((d) => `  FAILED   ${d.resource_type} ${d.host_resource_id} ${d.name}: ${d.detail}`),
	];
}

const nothingLeft = (pack: string) =>
	`nothing to roll back: every batch of ${pack} on this host is already rolled back`;

export async function rollbackProviderCommand(ctx: CommandContext): Promise<number> {
	if (flagString(ctx.flags, 'batch') !== undefined)
		throw new CrmError(
			'usage',
			'give either --batch BATCH, or --host HOST --pack PACK [--url URL], not both',
			{
				field: 'batch',
			},
		);
	const ref: ProviderRef = {
		host: flagString(ctx.flags, 'host'),
		pack: flagString(ctx.flags, 'pack'),
		url: flagString(ctx.flags, 'url'),
	};
	const {planRollbackProvider, rollbackProvider, providerRolledBack} =
		await import('../app/rollback-provider.js');
	if (ctx.flags.dryRun) {
		const plan = await planRollbackProvider(await sessionFor(ctx), {...ref, force: ctx.flags.force === true});
		ctx.out.result({batches: plan.batches}, () =>
			plan.batches.length === 0
				? nothingLeft(plan.pack)
				: plan.batches
						.map((p) =>
							[
								`rollback plan for ${p.batch_id} (dry run: nothing changes${p.checked_on_host ? '; each record read back from the host' : ''})`,
								...(p.note ? [`note: ${p.note}`] : []),
								table(
									['ACTION', 'TYPE', 'HOST ID', 'NAME', 'WHY'],
									p.plan.map((i) => [i.action, i.resource_type, i.host_resource_id, i.name, i.reason]),
								),
							].join('\n'),
						)
						.join('\n\n'),
		);
		return EXIT.ok;
	}
	if (!ctx.flags.yes)
		throw new CrmError(
			'usage',
			'rolling back a provider deletes resources on the host: pass --yes to confirm (or --dry-run to see the plan)',
			{field: 'yes'},
		);
	const session = await sessionFor(ctx);
	const result = await withRun(ctx, (run) =>
		rollbackProvider(session, {...ref, force: ctx.flags.force === true}, run),
	);
	ctx.out.result({batches: result.batches, not_run: result.not_run}, () =>
		result.batches.length === 0
			? nothingLeft(result.pack)
			: [
					...result.batches.flatMap(batchLines),
					...result.not_run.map((id) => `not started (stopped by the operator): ${id}`),
				].join('\n'),
	);
	return providerRolledBack(result) ? EXIT.ok : EXIT.failed;
}
