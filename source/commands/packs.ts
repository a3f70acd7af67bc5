// `crm packs [--json]`: the provider packs, with any pack file that failed its schema reported.
import {loadPacks, packView} from '../core/packs.js';
import type {CommandContext} from './context.js';
import {table} from './output.js';

export async function packsCommand(ctx: CommandContext): Promise<number> {
	const {packs, problems} = loadPacks();
	for (const p of problems) ctx.out.warn(`pack file ${p.file} skipped: ${p.field}: ${p.message}`);
	ctx.out.result({packs: packs.map(packView)}, () =>
		table(
			['PACK', 'NAME', 'BASE URL', 'SMOKE MODEL', 'ACCESS', 'MODELS'],
			packs.map((p) => [
				p.id,
				p.name,
				p.base_url ?? '(operator supplies)',
				p.smoke_test_model ?? '(from /models)',
				p.access_mode,
				p.models.map((m) => m.id).join(', ') || '(from /models)',
			]),
		),
	);
	return 0;
}
