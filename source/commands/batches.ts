// `crm batches`, `crm batch show BATCH`, `crm status`: reads only, never locks.
import {CrmError} from '../lib/errors.js';
import {shown} from '../core/input/validate.js';
import {gatewayUrl} from '../core/hosts/addresses.js';
import {resolveHost} from '../core/hosts/lookup.js';
import {batchListView, providerRows} from '../core/reads/status.js';
import {StateStore} from '../store/state-store.js';
import {flagString, type CommandContext} from './context.js';
import {table} from './output.js';

export async function batchesCommand(ctx: CommandContext): Promise<number> {
	const store = await StateStore.open(ctx.dataDir);
	const hostRef = flagString(ctx.flags, 'host');
	const hostId = hostRef !== undefined ? resolveHost(store.data, hostRef).host_id : undefined;
	const batches = store.data.batches
		.filter((b) => !hostId || b.host_id === hostId)
		.sort((a, b) => (a.created_at < b.created_at ? 1 : a.created_at > b.created_at ? -1 : 0))
		.map(batchListView);
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
	const store = await StateStore.open(ctx.dataDir);
	const batchId = id ?? flagString(ctx.flags, 'batch');
	const index = store.data.batches.find((b) => b.batch_id === batchId);
	if (!batchId || !index)
		throw new CrmError('invalid_input', `no batch ${shown(batchId ?? '')}; see crm batches`, {
			field: 'BATCH',
		});
	const file = await store.readBatch(index.batch_id);
	const doc = {
		...index,
		artifacts_dir: store.paths.artifacts(index.batch_id),
		input: file?.input ?? null,
		steps: file?.steps ?? [],
		resources: file?.resources ?? [],
		access_results: file?.access_results ?? [],
		reconcile_runs: file?.reconcile_runs ?? [],
		summary: file?.summary ?? null,
	};
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
		]
			.filter((l) => l !== null)
			.join('\n'),
	);
	return 0;
}

export async function statusCommand(ctx: CommandContext): Promise<number> {
	const store = await StateStore.open(ctx.dataDir);
	const hostRef = flagString(ctx.flags, 'host');
	const hostId = hostRef !== undefined ? resolveHost(store.data, hostRef).host_id : undefined;
	const hosts = store.data.hosts
		.filter((h) => !hostId || h.host_id === hostId)
		.map((h) => ({
			host_id: h.host_id,
			name: h.name,
			url: h.url,
			gateway_url: gatewayUrl(h),
			version: h.version,
			providers: providerRows(store.data, h.host_id),
		}));
	ctx.out.result({hosts}, () =>
		hosts.length === 0
			? 'No hosts registered.'
			: hosts
					.map(
						(h) =>
							`${h.name} (${h.host_id}) ${h.url}${h.gateway_url === h.url ? '' : ` · gateway ${h.gateway_url}`} · sub2api ${h.version ?? '?'}\n` +
							(h.providers.length
								? table(
										['PACK', 'BASE URL', 'PROVIDER', 'ACCESS', 'LATEST BATCH', 'LAST RECONCILE'],
										h.providers.map((p) => [
											p.pack,
											p.base_url,
											p.warnings.length
												? `${p.provider_status} (${p.warnings.join(', ')})`
												: p.provider_status,
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
