// `crm host set HOST [--gateway-url URL] [--allow-insecure-http] [--auto-pause on|off]
// [--pause-after N]` (docs/cli.md): flags -> source/app/host-set -> what changed.
import {EXIT} from '../lib/errors.js';
import {flagNumber, flagString, sessionFor, type CommandContext} from './context.js';

export async function hostSet(ctx: CommandContext, ref: string | undefined): Promise<number> {
	ctx.out.fields.host = 'HOST';
	const {setHost} = await import('../app/host-set.js');
	const result = await setHost(await sessionFor(ctx), {
		host: ref ?? flagString(ctx.flags, 'host'),
		gatewayUrl: flagString(ctx.flags, 'gatewayUrl'),
		allowInsecureHttp: ctx.flags.allowInsecureHttp === true,
		autoPause: flagString(ctx.flags, 'autoPause'),
		pauseAfter: flagNumber(ctx.flags, 'pauseAfter'),
	});
	const pause = result.auto_pause;
	ctx.out.result(result, () =>
		[
			`Updated ${result.host.name} (${result.host.host_id})`,
			...result.changed.map((c) => `  ${c.field}: ${JSON.stringify(c.from)} -> ${JSON.stringify(c.to)}`),
			result.changed.length === 0 ? '  (already so: nothing changed)' : '',
			`  auto-pause ${pause.enabled ? `on, after ${pause.pause_after} consecutive quota/auth failures` : 'off'}`,
		]
			.filter(Boolean)
			.join('\n'),
	);
	return EXIT.ok;
}
