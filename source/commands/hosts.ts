// `crm host add|list|show|remove`.
import {CrmError, invalidInput} from '../lib/errors.js';
import {removeHost} from '../core/hosts/removal.js';
import {addressView, HOST_BASE_ENV} from '../core/hosts/addresses.js';
import {hostView, resolveHost} from '../core/hosts/lookup.js';
import {StateStore} from '../store/state-store.js';
import {flagString, sessionFor, type CommandContext} from './context.js';
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
		case 'set':
			return hostSet(ctx, rest[0]);
		default:
			throw new CrmError('usage', 'use one of: crm host add | list | show HOST | set HOST | remove HOST');
	}
}

async function hostList(ctx: CommandContext): Promise<number> {
	const store = await StateStore.open(ctx.dataDir);
	const hosts = store.data.hosts.map(hostView);
	ctx.out.result({hosts}, () =>
		hosts.length === 0
			? 'No hosts registered. Add one with: crm host add --name NAME --url URL --admin-key-env VAR'
			: table(
					['HOST ID', 'NAME', 'ADMIN URL', 'GATEWAY URL', 'VERSION', 'AUTH', 'LAST PROBE'],
					hosts.map((h) => [
						h.host_id,
						h.name,
						h.url,
						h.gateway_url === h.url ? '(same)' : h.gateway_url,
						h.version,
						h.auth_type,
						h.last_probe_at,
					]),
				),
	);
	return 0;
}

async function hostShow(ctx: CommandContext, ref: string | undefined): Promise<number> {
	const store = await StateStore.open(ctx.dataDir);
	const record = resolveHost(store.data, ref ?? flagString(ctx.flags, 'host'), 'HOST');
	const host = {...hostView(record), admin_url_override: addressView(record).admin_url_override};
	ctx.out.result(host, () =>
		[
			`${host.name} (${host.host_id})`,
			`  admin url:    ${host.url}${host.admin_url_override ? ` (this run: ${HOST_BASE_ENV}=${host.admin_url_override})` : ''}`,
			`  gateway url:  ${host.gateway_url}${host.gateway_url === host.url ? ' (the admin address)' : ''}`,
			`  cleartext:    ${host.allow_insecure_http ? 'http:// allowed for this host (--allow-insecure-http)' : 'https only (http:// only to loopback)'}`,
			`  auto-pause:   ${host.auto_pause ? `on, after ${host.pause_after ?? 3} failures` : 'off'}`,
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

async function hostSet(ctx: CommandContext, ref: string | undefined): Promise<number> {
	const {setHost} = await import('../app/host-set.js');
	const session = await sessionFor(ctx, 'crm');
	const result = await setHost(session, {
		host: ref ?? flagString(ctx.flags, 'host'),
		gatewayUrl: flagString(ctx.flags, 'gatewayUrl'),
		allowInsecureHttp: ctx.flags.allowInsecureHttp === true,
		autoPause: flagString(ctx.flags, 'autoPause'),
		pauseAfter: typeof ctx.flags.pauseAfter === 'number' ? ctx.flags.pauseAfter : undefined,
	});
	ctx.out.result(result, () =>
		[
			`Updated ${result.host.name} (${result.host.host_id})`,
			...result.changed.map((c) => `  ${c.field}: ${JSON.stringify(c.from)} -> ${JSON.stringify(c.to)}`),
			result.changed.length === 0 ? '  (already so: nothing changed)' : '',
		]
			.filter(Boolean)
			.join('\n'),
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
