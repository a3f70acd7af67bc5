// `crm accept`: a fresh-host acceptance run with a numbered evidence folder (CLI.md).
import {runAcceptance, validateAcceptAccess, type AcceptanceResult} from '../core/acceptance/index.js';
import {EXIT} from '../lib/errors.js';
import {NEXT_STEP} from '../core/pipeline/failure.js';
import {loadPacks} from '../core/packs/packs.js';
import type {FailureClass} from '../store/schema.js';
import {flagString, type CommandContext} from './context.js';
import {engineOptions, openLocked} from './drift.js';
import {abortOnSignals, timingFromFlags} from './import.js';
import {paint, table} from './output.js';
import {readProviderKey} from './secret-input.js';

export async function acceptCommand(ctx: CommandContext): Promise<number> {
	// Input checks that need no state come first: a bad --access exits 2 before the lock is taken.
	const access = validateAcceptAccess(flagString(ctx.flags, 'access'));
	const key = await readProviderKey(ctx.flags, (m) => ctx.out.warn(m));
	const packs = loadPacks();
	for (const p of packs.problems) ctx.out.warn(`pack file ${p.file} skipped: ${p.field}: ${p.message}`);
	const store = await openLocked(ctx, 'crm accept');
	const {signal, dispose} = abortOnSignals(ctx);
	try {
		const {sink, operator} = engineOptions(ctx);
		const result = await runAcceptance({
			store,
			packs,
			hostRef: flagString(ctx.flags, 'host'),
			pack: flagString(ctx.flags, 'pack'),
			url: flagString(ctx.flags, 'url'),
			key: key.value,
			keySource: key.source.split(' ')[0] ?? '--key-env',
			access,
			smokeModel: flagString(ctx.flags, 'smokeModel'),
			sink,
			signal,
			operator,
			timing: timingFromFlags(ctx),
			onRun: (id, dir) => ctx.out.note(`acceptance run ${id}: evidence in ${dir}`),
			onBatch: (id, mode) => ctx.out.note(`batch ${id} (${mode})`),
		});
		ctx.out.result(result, () => humanAcceptance(result));
		return result.result === 'ready' ? EXIT.ok : EXIT.failed;
	} finally {
		dispose();
		store.release();
	}
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
	if (r.failure_class) lines.push(`  next: ${NEXT_STEP[r.failure_class as FailureClass]}`);
	lines.push(`  evidence ${r.evidence_dir}`);
	lines.push(`  keep it as final evidence: crm evidence keep ${r.run_id}`);
	return lines.join('\n');
}
