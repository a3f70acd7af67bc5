// `crm accept`: a fresh-host acceptance run with a numbered evidence folder (docs/cli.md `crm accept`):
// flags -> input -> source/app/acceptance -> the verdict.
import type {AcceptanceResult} from '../app/acceptance.js';
import {nextStep} from '../app/reads.js';
import {EXIT} from '../lib/errors.js';
import {flagString, sessionFor, withRun, type CommandContext} from './context.js';
import {providerKeyFromFlags} from './secret-input.js';
import {paint, table} from './output.js';

export async function acceptCommand(ctx: CommandContext): Promise<number> {
	const {accept, validateAcceptAccess} = await import('../app/acceptance.js');
	// Input checks that need no state come first: a bad --access exits 2 before the key is read.
	validateAcceptAccess(flagString(ctx.flags, 'access'));
	const input = {
		host: flagString(ctx.flags, 'host'),
		pack: flagString(ctx.flags, 'pack'),
		url: flagString(ctx.flags, 'url'),
		key: await providerKeyFromFlags(ctx),
		access: flagString(ctx.flags, 'access'),
		smokeModel: flagString(ctx.flags, 'smokeModel'),
	};
	const session = await sessionFor(ctx);
	const result = await withRun(ctx, (run) =>
		accept(session, input, {
			...run,
			onRun: (id, dir) => ctx.out.note(`acceptance run ${id}: evidence in ${dir}`),
			onBatch: (id, mode) => ctx.out.note(`batch ${id} (${mode})`),
		}),
	);
	ctx.out.result(result, () => humanAcceptance(result));
	return result.result === 'ready' ? EXIT.ok : EXIT.failed;
}

export function humanAcceptance(r: AcceptanceResult): string {
	const verdict =
		r.result === 'ready' ? paint('green', `ready (${r.access_status})`) : paint('red', r.result);
	const lines = [
		`acceptance ${r.run_id}: ${verdict}`,
		`  host ${r.host} (sub2api ${r.host_version ?? 'unknown'}) · pack ${r.pack} · access ${r.access} · tool ${r.tool_version}`,
		table(
			['MODE', 'BATCH', 'STATUS', 'ACCESS', 'FAILURE', 'RECONCILE'],
			r.batches.map((b) => [
				b.access_mode,
				b.batch_id,
				b.batch_status,
				b.access_status,
				b.failure_class,
				b.reconcile_status,
			]),
		)
			.split('\n')
			.map((l) => `  ${l}`)
			.join('\n'),
	];
	for (const e of r.errors)
		lines.push(`  ${e.step}${e.access_mode ? ` (${e.access_mode})` : ''}: ${e.failure_class}: ${e.message}`);
	if (r.failure_class) lines.push(`  next: ${nextStep(r.failure_class)}`);
	lines.push(`  evidence ${r.evidence_dir}`);
	lines.push(`  keep it as final evidence: crm evidence keep ${r.run_id}`);
	return lines.join('\n');
}
