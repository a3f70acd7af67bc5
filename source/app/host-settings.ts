// Per-host settings after registration (docs/cli.md `crm host set`): auto-pause on or off and after
// how many consecutive quota/auth failures. Changes state only; no host call.
import {invalidInput} from '../lib/errors.js';
import {hostView, resolveHost} from '../core/hosts/lookup.js';
import {autoPauseOf} from '../core/health/auto-pause.js';
import type {Session} from './session.js';

export interface HostSettingsInput {
	host: string | undefined;
	/** `on` or `off`. */
	autoPause?: string;
	pauseAfter?: number;
}

export function checkHostSettings(input: HostSettingsInput): {
	enabled: boolean | null;
	pauseAfter: number | null;
} {
	let enabled: boolean | null = null;
	if (input.autoPause !== undefined) {
		if (input.autoPause !== 'on' && input.autoPause !== 'off')
			throw invalidInput('auto_pause', (f) => `${f} must be on or off`);
		enabled = input.autoPause === 'on';
	}
	const n = input.pauseAfter;
	if (n !== undefined && (!Number.isInteger(n) || n < 1 || n > 100))
		throw invalidInput('pause_after', (f) => `${f} must be a whole number from 1 to 100`);
	if (enabled === null && n === undefined)
		throw invalidInput(
			'auto_pause',
			(f) => `nothing to set: give ${f} (on or off) and/or how many failures before a pause`,
		);
	return {enabled, pauseAfter: n ?? null};
}

export async function setHostSettings(session: Session, input: HostSettingsInput) {
	const checked = checkHostSettings(input);
	resolveHost((await session.read()).data, input.host, 'host');
	return session.withLock('host set', async (store) => {
		const host = resolveHost(store.data, input.host, 'host');
		const current = autoPauseOf(host);
		host.auto_pause = {
			enabled: checked.enabled ?? current.enabled,
			pause_after: checked.pauseAfter ?? current.pause_after,
		};
		await store.write();
		return {...hostView(host), auto_pause: host.auto_pause};
	});
}
