// `crm host set HOST [--auto-pause on|off] [--pause-after N]` (docs/cli.md).
import {EXIT} from '../lib/errors.js';
import {flagNumber, flagString, sessionFor, type CommandContext} from './context.js';

export async function hostSet(ctx: CommandContext, ref: string | undefined): Promise<number> {
	const {setHostSettings, checkHostSettings} = await import('../app/host-settings.js');
	const input = {
		host: ref ?? flagString(ctx.flags, 'host'),
		autoPause: flagString(ctx.flags, 'autoPause'),
		pauseAfter: flagNumber(ctx.flags, 'pauseAfter'),
	};
	checkHostSettings(input);
	const session = await sessionFor(ctx);
	const host = await setHostSettings(session, input);
	ctx.out.result(
		host,
		() =>
			`${host.name} (${host.host_id}): auto-pause ${host.auto_pause.enabled ? `on, after ${host.auto_pause.pause_after} consecutive quota/auth failures` : 'off'}`,
	);
	return EXIT.ok;
}
