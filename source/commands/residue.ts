// `crm residue --host HOST [--delete --yes] [--json]` (docs/cli.md): host resources that look like the
// tool's but belong to no live record, with age and reason; `--delete --yes` deletes only those whose
// marker proves the tool made them (children first) and lists the rest untouched.
import {CrmError, EXIT} from '../lib/errors.js';
import type {ResidueItem} from '../core/drift/residue.js';
import {flagString, sessionFor, withRun, type CommandContext} from './context.js';
import {table} from './output.js';

function human(items: ResidueItem[], deleting: boolean): string {
	if (items.length === 0)
		return 'No residue: nothing on the host looks like the tool’s without a live record.';
	const deletable = items.filter((i) => i.deletable).length;
	return [
		table(
			[
				deleting ? 'ACTION' : 'DELETABLE',
				'TYPE',
				'HOST ID',
				'NAME',
				'AGE',
				'MARKER BATCH',
				deleting ? 'DETAIL' : 'REASON',
			],
			items.map((i) => [
				deleting ? i.action : i.deletable ? 'yes' : 'no',
				i.resource_type,
				i.host_resource_id,
				i.name,
				i.age_days === null ? null : `${i.age_days}d`,
				i.marker_batch_id,
				deleting ? i.detail : i.reason,
			]),
		),
		deleting
			? `${items.filter((i) => i.action === 'deleted' || i.action === 'deleted_with_user').length} deleted · ${items.filter((i) => i.action === 'kept').length} kept · ${items.filter((i) => i.action === 'failed').length} failed`
			: `${items.length} item(s), ${deletable} deletable (their marker proves the tool made them): crm residue --host HOST --delete --yes`,
	].join('\n');
}

export async function residueCommand(ctx: CommandContext): Promise<number> {
	const deleting = ctx.flags.delete === true;
	if (deleting && !ctx.flags.yes)
		throw new CrmError(
			'usage',
			'residue --delete deletes resources on the host: pass --yes to confirm (without --delete it only lists)',
			{field: 'yes'},
		);
	if (!deleting && ctx.flags.yes)
		throw new CrmError('usage', '--yes confirms --delete; without --delete crm residue only lists', {
			field: '--yes',
		});
	const session = await sessionFor(ctx);
	const {listResidue, removeResidue} = await import('../app/residue.js');
	const input = {host: flagString(ctx.flags, 'host')};
	const result = await withRun(ctx, (run) =>
		deleting ? removeResidue(session, input, run) : listResidue(session, input, run),
	);
	ctx.out.result({items: result.items, record: result.record}, () => human(result.items, deleting));
	return result.items.some((i) => i.action === 'failed') ? EXIT.failed : EXIT.ok;
}
