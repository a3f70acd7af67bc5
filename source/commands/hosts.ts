// `crm host add|list|show|remove`.
import {CrmError, invalidInput} from '../lib/errors.js';
import {removeHost} from '../core/hosts/removal.js';
import {hostView, resolveHost} from '../core/hosts/lookup.js';
import {StateStore} from '../store/state-store.js';
import {flagString, type CommandContext} from './context.js';
import {table} from './output.js';

export async function hostCommand(ctx: CommandContext): Promise<number> {
	const [sub, ...rest] = ctx.args;
	switch (sub) {
		case 'list':
			return hostList(ctx);
		case 'show':
			return hostShow(ctx, rest[0]);
		case 'remove':
			return hostRemove(ctx, rest[0]);
		case 'add': {
			const {hostAdd} = await import('./host-add.js');
			return hostAdd(ctx);
		}
		default:
			throw new CrmError('usage', 'use one of: crm host add | list | show HOST | remove HOST');
	}
}

async function hostList(ctx: CommandContext): Promise<number> {
	const store = await StateStore.open(ctx.dataDir);
	const hosts = store.data.hosts.map(hostView);
	ctx.out.result({hosts}, () =>
		hosts.length === 0
			? 'No hosts registered. Add one with: crm host add --name NAME --url URL --admin-key-env VAR'
			: table(
					['HOST ID', 'NAME', 'URL', 'VERSION', 'AUTH', 'LAST PROBE'],
					hosts.map((h) => [h.host_id, h.name, h.url, h.version, h.auth_type, h.last_probe_at]),
				),
	);
	return 0;
}

async function hostShow(ctx: CommandContext, ref: string | undefined): Promise<number> {
	const store = await StateStore.open(ctx.dataDir);
	const host = hostView(resolveHost(store.data, ref ?? flagString(ctx.flags, 'host'), 'HOST'));
	ctx.out.result(host, () =>
		[
			`${host.name} (${host.host_id})`,
			`  url:          ${host.url}`,
			`  version:      ${host.version ?? 'unknown'}`,
			`  auth:         ${host.auth_type}`,
			`  naming:       prefix ${host.prefix}, users @${host.user_domain}`,
			`  last probe:   ${host.last_probe_at ?? 'never'}`,
			`  capabilities: ${Object.entries(host.capabilities)
				.filter(([, v]) => typeof v === 'boolean')
				.map(([k, v]) => `${k}=${v ? 'yes' : 'no'}`)
				.join(' ')}`,
		].join('\n'),
	);
	return 0;
}

async function hostRemove(ctx: CommandContext, ref: string | undefined): Promise<number> {
	const hostRef = ref ?? flagString(ctx.flags, 'host');
	if (!hostRef) throw invalidInput('HOST', 'HOST is required: a host id or name (see crm host list)');
	const store = await StateStore.open(ctx.dataDir, {lock: {command: 'crm host remove', existing: true}});
	try {
		const host = await removeHost(store, hostRef, ctx.flags.force === true);
		ctx.out.result(
			{removed: host.host_id},
			() => `Removed host ${host.name} (${host.host_id}) from this data folder.`,
		);
		return 0;
	} finally {
		store.release();
	}
}
