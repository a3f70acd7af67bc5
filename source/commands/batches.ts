// `crm batches`, `crm batch show BATCH`, `crm status`: reads only, never locks (docs/cli.md).
import {CrmError} from '../lib/errors.js';
import {flagString, sessionFor, type CommandContext} from './context.js';
import {table} from './output.js';
import type {WordKind} from '../app/reads.js';

const reads = () => import('../app/reads.js');

export async function batchesCommand(ctx: CommandContext): Promise<number> {
	const r = await reads();
	const session = await sessionFor(ctx);
	const batches = await r.listBatches(session, {host: flagString(ctx.flags, 'host')});
	const names = batches.length ? await r.hostNames(session) : new Map<string, string>();
	ctx.out.result({batches}, () =>
		batches.length === 0
			? 'No batches yet.'
			: [
					table(
						['BATCH', 'HOST', 'PACK', 'MODE', 'STATUS', 'ACCESS', 'CREATED'],
						batches.map((b) => [
							b.batch_id,
							names.get(b.host_id) ?? b.host_id,
							b.pack,
							b.access_mode,
							b.batch_status,
							r.accessWord(b.batch_status, b.access_status),
							b.created_at,
						]),
					),
					...r.legendText(
						batches.flatMap((b): Array<[WordKind, string]> => [
							['batch', b.batch_status],
							['access', r.accessWord(b.batch_status, b.access_status)],
						]),
					),
				].join('\n'),
	);
	return 0;
}

export async function batchCommand(ctx: CommandContext): Promise<number> {
	const [sub, id] = ctx.args;
	if (sub !== 'show') throw new CrmError('usage', 'use: crm batch show BATCH');
	ctx.out.fields.batch = 'BATCH';
	const {showBatch, batchDocument, accessWord, legendText, resourceLabel} = await reads();
	const doc = batchDocument(
		await showBatch(await sessionFor(ctx), {batch: id ?? flagString(ctx.flags, 'batch')}),
	);
	const access = accessWord(doc.batch_status, doc.access_status);
	ctx.out.result(doc, () =>
		[
			`batch ${doc.batch_id} · ${doc.pack} · ${doc.access_mode} · ${doc.batch_status} · access ${access}`,
			doc.failure_class ? `failure ${doc.failure_class} at ${doc.stopped_at_step}` : '',
			'',
			table(
				['STEP', 'STATUS', 'MS', 'MESSAGE'],
				doc.steps.map((s) => [s.name, s.status, s.duration_ms, s.message]),
			),
			'',
			table(
				['RESOURCE', 'STATUS'],
				doc.resources.map((r) => [resourceLabel(r.resource_type, r.host_resource_id, r.name), r.status]),
			),
			'',
			doc.reconcile_runs.length
				? table(
						['RECONCILE', 'STATUS', 'AT'],
						doc.reconcile_runs.map((r) => [r.run_id, r.reconcile_status, r.at]),
					)
				: 'no reconcile runs',
			`evidence ${doc.artifacts_dir}`,
			...legendText([
				['batch', doc.batch_status],
				['access', access],
				['provider', doc.provider_status],
				['failure', doc.failure_class],
			]),
		].join('\n'),
	);
	return 0;
}

export async function statusCommand(ctx: CommandContext): Promise<number> {
	const session = await sessionFor(ctx);
	const {statusDocument, providerAccessWord, legendText} = await reads();
	const {hosts} = statusDocument((await session.read()).data, {host: flagString(ctx.flags, 'host')});
	ctx.out.result({hosts}, () =>
		hosts.length === 0
			? 'No hosts registered.'
			: hosts
					.map(
						(h) =>
							`${h.name} ${h.url}${h.gateway_url === h.url ? '' : ` · gateway ${h.gateway_url}`} · sub2api ${h.version ?? 'version unknown'}\n` +
							(h.providers.length
								? table(
										['PACK', 'BASE URL', 'PROVIDER', 'ACCESS', 'LATEST BATCH', 'LAST RECONCILE'],
										h.providers.map((p) => [
											p.pack,
											p.base_url,
											p.warnings.length
												? `${p.provider_status} (${p.warnings.join(', ')})`
												: p.provider_status,
											providerAccessWord(p),
											p.latest_batch,
											p.last_reconcile?.reconcile_status ?? null,
										]),
									)
								: '  no imports yet'),
					)
					.concat(
						legendText(
							hosts.flatMap((h) =>
								h.providers.flatMap((p): Array<[WordKind, string | null]> => [
									['access', providerAccessWord(p)],
									['provider', p.provider_status],
									['reconcile', p.last_reconcile?.reconcile_status ?? null],
								]),
							),
						).join('\n'),
					)
					.filter(Boolean)
					.join('\n\n'),
	);
	return 0;
}
