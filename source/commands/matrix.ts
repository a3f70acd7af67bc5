// `crm matrix`: the provider validation matrix, the latest acceptance result per host, pack and endpoint
// (docs/cli.md `crm matrix`). Reads only.
import {EXIT} from '../lib/errors.js';
import {sessionFor, type CommandContext} from './context.js';
import {table} from './output.js';

export async function matrixCommand(ctx: CommandContext): Promise<number> {
	const {validationMatrix} = await import('../app/acceptance.js');
	const {rows, unvalidated} = await validationMatrix(await sessionFor(ctx));
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
		() =>
			[
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
				...unvalidated
					.filter((m) => m.packs.length > 0)
					.map((m) => `not validated on ${m.host}: ${m.packs.join(', ')}`),
			].join('\n'),
	);
	return EXIT.ok;
}
