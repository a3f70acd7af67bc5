// `crm matrix`: the provider validation matrix, the latest acceptance result per host and pack.
import {matrixRows, unvalidatedPacks} from '../core/acceptance/index.js';
import {EXIT} from '../lib/errors.js';
import {loadPacks} from '../core/packs/packs.js';
import {StateStore} from '../store/state-store.js';
import type {CommandContext} from './context.js';
import {table} from './output.js';

export async function matrixCommand(ctx: CommandContext): Promise<number> {
	const store = await StateStore.open(ctx.dataDir); // reads only: no lock
	const packs = loadPacks();
	const rows = matrixRows(store.data, store.paths, packs);
	ctx.out.result(
		{
			rows: rows.map((r) => ({
				host: r.host,
				pack: r.pack,
				result: r.result,
				access_status: r.access_status,
				failure_class: r.failure_class,
				at: r.at,
				evidence_dir: r.evidence_dir,
				endpoint: r.endpoint,
				base_url: r.base_url,
				host_id: r.host_id,
				run_id: r.run_id,
				access: r.access,
				final: r.final,
			})),
		},
		() => {
			const packIds = packs.packs.map((p) => p.id);
			const missing = unvalidatedPacks(
				rows,
				store.data.hosts.map((h) => h.host_id),
				packIds,
			).filter((m) => m.packs.length > 0);
			const name = (id: string) => store.data.hosts.find((h) => h.host_id === id)?.name ?? id;
			return [
				rows.length
					? table(
							['HOST', 'PACK', 'ENDPOINT', 'RESULT', 'ACCESS', 'AT', 'EVIDENCE'],
							rows.map((r) => [
								r.host,
								r.pack,
								r.endpoint === 'official' ? 'official' : r.base_url,
								r.result,
								r.access_status,
								r.at,
								r.evidence_dir,
							]),
						)
					: 'no acceptance results yet; run crm accept --host HOST --pack PACK ...',
				...missing.map((m) => `not validated on ${name(m.host_id)}: ${m.packs.join(', ')}`),
			].join('\n');
		},
	);
	return EXIT.ok;
}
