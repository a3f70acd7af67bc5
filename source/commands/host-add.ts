// `crm host add`: a side-effect-free probe, then the host is saved with its credential (0600 state).
// A wrong credential, an unreachable URL or a non-sub2api URL: exit 1, nothing saved.
// docs/cli.md `crm host add`: flags -> input -> source/app/hosts -> the result.
import type {StepEvent} from '../core/pipeline/events.js';
import {flagString, sessionFor, withRun, type CommandContext} from './context.js';
import {readAdminCredential} from './secret-input.js';

export async function hostAdd(ctx: CommandContext): Promise<number> {
	const credential = readAdminCredential(ctx.flags, (m) => ctx.out.warn(m));
	const input = {
		name: flagString(ctx.flags, 'name'),
		url: flagString(ctx.flags, 'url'),
		credential,
		prefix: flagString(ctx.flags, 'prefix'),
		userDomain: flagString(ctx.flags, 'userDomain'),
		gatewayUrl: flagString(ctx.flags, 'gatewayUrl') ?? null,
		allowInsecureHttp: ctx.flags.allowInsecureHttp === true,
	};
	const session = await sessionFor(ctx);
	const {registerHost} = await import('../app/hosts.js');
	const host = await withRun(
		ctx,
		(run) => registerHost(session, input, run),
		(e: StepEvent) => {
			if (e.type === 'progress') ctx.out.note(`${e.message}…`);
		},
	);
	const out = {
		host_id: host.host_id,
		name: host.name,
		url: host.url,
		gateway_url: host.gateway_url,
		version: host.version,
		auth_type: host.auth_type,
		capabilities: host.capabilities,
	};
	ctx.out.result(out, () => {
		const caps = host.capabilities;
		const flags = Object.entries(caps)
			.filter(([, v]) => typeof v === 'boolean')
			.map(([k, v]) => `${k}=${v ? 'yes' : 'no'}`);
		const warn = caps.chat_completions
			? ''
			: '\nwarning: this host has no /v1/chat/completions; imports will end as host_compatibility_gap';
		const gateway = host.gateway_url === host.url ? '' : `\n  gateway address ${host.gateway_url}`;
		const clear = host.allow_insecure_http ? '\n  cleartext http:// allowed for this host' : '';
		return `Registered ${host.name} (${host.host_id}): sub2api ${host.version ?? 'version unknown'}${gateway}${clear}\n  ${flags.join(' ')}${warn}`;
	});
	return 0;
}
