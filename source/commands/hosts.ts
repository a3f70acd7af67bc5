// `crm host add|list|show|remove` (docs/cli.md `crm host`): arguments -> source/app/hosts -> output.
import {CrmError, invalidInput} from '../lib/errors.js';
import {flagString, sessionFor, type CommandContext} from './context.js';
import {table} from './output.js';

/** The env variable that overrides a host's admin address for one run (docs/cli.md). */
const HOST_BASE_ENV = 'CRM_HOST_BASE';

export async function hostCommand(ctx: CommandContext): Promise<number> {
	const [sub, ...rest] = ctx.args;
	switch (sub) {
		case 'list':
			return hostList(ctx);
		case 'show':
			return hostShow(ctx, rest[0]);
		case 'remove':
			return hostRemove(ctx, rest[0]);
		case 'set': {
			const {hostSet} = await import('./host-set.js');
			return hostSet(ctx, rest[0]);
		}
		case 'add': {
			const {hostAdd} = await import('./host-add.js');
			return hostAdd(ctx);
		}
		default:
			throw new CrmError('usage', 'use one of: crm host add | list | show HOST | set HOST | remove HOST');
	}
}

const hosts = () => import('../app/hosts.js');

/** The built-in sandbox that registered a host, as `host show` says it (the TUI's words). */
const SANDBOX_WORDS = {
	running: 'running (the built-in sandbox of a crm process that still runs)',
	stopped:
		'stopped: the sandbox that stopped with the previous run (its address answers no more); start it again from the TUI, or crm host remove',
} as const;

async function hostList(ctx: CommandContext): Promise<number> {
	const list = await (await hosts()).listHosts(await sessionFor(ctx));
	ctx.out.result({hosts: list}, () =>
		list.length === 0
			? 'No hosts registered. Add one with: crm host add --name NAME --url URL --admin-key-env VAR'
			: table(
					['HOST ID', 'NAME', 'ADMIN URL', 'GATEWAY URL', 'VERSION', 'AUTH', 'LAST PROBE', 'SANDBOX'],
					list.map((h) => [
						h.host_id,
						h.name,
						h.url,
						h.gateway_url === h.url ? '(same)' : h.gateway_url,
						h.version,
						h.auth_type,
						h.last_probe_at,
						h.sandbox ?? '-',
					]),
				),
	);
	return 0;
}

async function hostShow(ctx: CommandContext, ref: string | undefined): Promise<number> {
	ctx.out.fields.host = 'HOST';
	const host = await (
		await hosts()
	).showHost(await sessionFor(ctx), {host: ref ?? flagString(ctx.flags, 'host')});
	const override = host.admin_url_override;
	ctx.out.result(host, () =>
		[
			`${host.name} (${host.host_id})`,
			`  admin url:    ${host.url}${override ? ` (this run: ${HOST_BASE_ENV}=${override})` : ''}`,
			`  gateway url:  ${host.gateway_url}${host.gateway_url === host.url ? ' (the admin address)' : ''}`,
			`  cleartext:    ${host.allow_insecure_http ? 'http:// allowed for this host (--allow-insecure-http)' : 'https only (http:// only to loopback)'}`,
			`  auto-pause:   ${host.auto_pause.enabled ? `on, after ${host.auto_pause.pause_after} consecutive quota/auth failures` : 'off'}`,
			`  version:      ${host.version ?? 'unknown'}`,
			`  auth:         ${host.auth_type}`,
			`  naming:       prefix ${host.prefix}, users @${host.user_domain}`,
			`  last probe:   ${host.last_probe_at ?? 'never'}`,
			...(host.sandbox ? [`  sandbox:      ${SANDBOX_WORDS[host.sandbox]}`] : []),
			`  capabilities: ${Object.entries(host.capabilities)
				.filter(([, v]) => typeof v === 'boolean')
				.map(([k, v]) => `${k}=${v ? 'yes' : 'no'}`)
				.join(' ')}`,
		].join('\n'),
	);
	return 0;
}

async function hostRemove(ctx: CommandContext, ref: string | undefined): Promise<number> {
	ctx.out.fields.host = 'HOST';
	const hostRef = ref ?? flagString(ctx.flags, 'host');
	if (!hostRef) throw invalidInput('HOST', 'HOST is required: a host id or name (see crm host list)');
	const {removeHost} = await hosts();
	const host = await removeHost(await sessionFor(ctx), {host: hostRef, force: ctx.flags.force === true});
	ctx.out.result(
		{removed: host.host_id},
		() => `Removed host ${host.name} (${host.host_id}) from this data folder.`,
	);
	return 0;
}
