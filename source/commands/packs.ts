// `crm packs [--json]`: the provider packs, with any pack file that failed its schema reported
// (docs/cli.md `crm packs`).
import {listPacks} from '../app/reads.js';
import {invalidInput} from '../lib/errors.js';
import type {CommandContext} from './context.js';
import {table} from './output.js';

export async function packsCommand(ctx: CommandContext): Promise<number> {
	const {packs, problems, views, dir} = await listPacks();
	const folder = problems.find((p) => p.field === '(folder)');
	if (folder)
		throw invalidInput('CRM_PACKS_DIR', `cannot read the packs folder ${folder.file}: ${folder.message}`);
	for (const p of problems) ctx.out.warn(`pack file ${p.file} skipped: ${p.field}: ${p.message}`);
	if (packs.length === 0)
		throw invalidInput(
			'CRM_PACKS_DIR',
			`no valid pack in ${dir}; point CRM_PACKS_DIR at a folder of pack files`,
		);
	ctx.out.result({packs: views}, () =>
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
