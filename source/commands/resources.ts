// `crm resources --host HOST [--json]` (docs/cli.md): every resource the tool recorded on a host, with
// its batch and whether it is live (active), deleted, or unknown to state. Reads only.
import {flagString, sessionFor, type CommandContext} from './context.js';
import {table} from './output.js';

export async function resourcesCommand(ctx: CommandContext): Promise<number> {
	const {listResources} = await import('../app/resources.js');
	const result = await listResources(await sessionFor(ctx), {host: flagString(ctx.flags, 'host')});
	const list = result.resources;
	const count = (state: string) => list.filter((r) => r.state === state).length;
	ctx.out.result({resources: list}, () =>
		list.length === 0
			? 'The tool has recorded no resources on this host.'
			: [
					table(
						['STATE', 'TYPE', 'HOST ID', 'NAME', 'BATCH', 'PACK', 'CREATED'],
						list.map((r) => [
							r.state,
							r.resource_type,
							r.host_resource_id,
							r.name,
							r.batch_id,
							r.pack,
							r.created_at,
						]),
					),
					`${count('active')} active · ${count('deleted')} deleted · ${count('unknown')} unknown`,
				].join('\n'),
	);
	return 0;
}
