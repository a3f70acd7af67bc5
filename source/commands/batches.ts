// `crm batches`, `crm batch show BATCH`, `crm status`: reads only, never locks (docs/cli.md).
import {CrmError} from '../lib/errors.js';
import {flagString, sessionFor, type CommandContext} from './context.js';
import {table} from './output.js';

const reads = () => import('../app/reads.js');

export async function batchesCommand(ctx: CommandContext): Promise<number> {
	const batches = await (
		await reads()
	).listBatches(await sessionFor(ctx), {host: flagString(ctx.flags, 'host')});
	ctx.out.result({batches}, () =>
		batches.length === 0
			? 'No batches yet.'
			: table(
					['BATCH', 'HOST', 'PACK', 'MODE', 'STATUS', 'ACCESS', 'CREATED'],
					batches.map((b) => [
						b.batch_id,
						b.host_id,
						b.pack,
						b.access_mode,
						b.batch_status,
						b.access_status,
						b.created_at,
					]),
				),
	);
	return 0;
}

export async function batchCommand(ctx: CommandContext): Promise<number> {
	const [sub, id] = ctx.args;
	if (sub !== 'show') throw new CrmError('usage', 'use: crm batch show BATCH');
	ctx.out.fields.batch = 'BATCH';
	const {showBatch, batchDocument} = await reads();
	const doc = batchDocument(
		await showBatch(await sessionFor(ctx), {batch: id ?? flagString(ctx.flags, 'batch')}),
	);
	ctx.out.result(doc, () =>
		[
			`batch ${doc.batch_id} · ${doc.pack} · ${doc.access_mode} · ${doc.batch_status} · access ${doc.access_status}`,
			doc.failure_class ? `failure ${doc.failure_class} at ${doc.stopped_at_step}` : '',
			'',
			table(
				['STEP', 'STATUS', 'MS', 'MESSAGE'],
				doc.steps.map((s) => [s.name, s.status, s.duration_ms, s.message]),
			),
			'',
			table(
				['RESOURCE', 'HOST ID', 'STATUS', 'NAME'],
				doc.resources.map((r) => [r.resource_type, r.host_resource_id, r.status, r.name]),
			),
			'',
			doc.reconcile_runs.length
				? table(
						['RECONCILE', 'STATUS', 'AT'],
						doc.reconcile_runs.map((r) => [r.run_id, r.reconcile_status, r.at]),
					)
				: 'no reconcile runs',
			`evidence ${doc.artifacts_dir}`,
		].join('\n'),
	);
	return 0;
}

export async function statusCommand(ctx: CommandContext): Promise<number> {
	const session = await sessionFor(ctx);
	const {statusDocument} = await reads();
	const {hosts} = statusDocument((await session.read()).data, {host: flagString(ctx.flags, 'host')});
	ctx.out.result({hosts}, () =>
		hosts.length === 0
			? 'No hosts registered.'
			: hosts
					.map(
						(h) =>
							`${h.name} (${h.host_id}) ${h.url} · sub2api ${h.version ?? '?'}\n` +
							(h.providers.length
								? table(
										['PACK', 'BASE URL', 'PROVIDER', 'ACCESS', 'LATEST BATCH', 'LAST RECONCILE'],
										h.providers.map((p) => [
											p.pack,
											p.base_url,
											p.provider_status,
											p.access_status,
											p.latest_batch,
											p.last_reconcile?.reconcile_status ?? null,
										]),
									)
								: '  no imports yet'),
					)
					.join('\n\n'),
	);
	return 0;
}
