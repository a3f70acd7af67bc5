// `crm host set HOST`: change what a registered host's record says without registering it again:
// its gateway address (docs/domain.md rule 13), whether cleartext http:// to it is allowed, and the
// health watch's auto-pause (rule 14). Input is checked before the lock; nothing is sent to the host.
import {checkHostAddress} from '../core/hosts/addresses.js';
import {hostView, resolveHost} from '../core/hosts/lookup.js';
import {autoPauseOf, type AutoPauseSetting} from '../core/health/auto-pause-setting.js';
import {invalidInput} from '../lib/errors.js';
import type {HostRecord} from '../store/schema.js';
import type {Session} from './session.js';

export interface HostSetInput {
	host: string | undefined;
	/** A new gateway address; the admin address itself resets it to the default. */
	gatewayUrl?: string;
	allowInsecureHttp?: boolean;
	autoPause?: string;
	pauseAfter?: number;
}

export interface HostSetChange {
	field: string;
	from: unknown;
	to: unknown;
}

export interface HostSetResult {
	host: ReturnType<typeof hostView>;
	changed: HostSetChange[];
	/** The health watch's auto-pause as it now stands (also under `host`). */
	auto_pause: AutoPauseSetting;
}

/** Auto-pause as the host record keeps it, checked (exit 2 naming --auto-pause / --pause-after). */
function checkAutoPause(host: HostRecord, input: HostSetInput): HostRecord['auto_pause'] | undefined {
	if (input.autoPause === undefined && input.pauseAfter === undefined) return undefined;
	if (input.autoPause !== undefined && input.autoPause !== 'on' && input.autoPause !== 'off')
		throw invalidInput('auto_pause', (f) => `${f} must be on or off`);
	const n = input.pauseAfter;
	if (n !== undefined && (!Number.isInteger(n) || n < 1 || n > 100))
		throw invalidInput('pause_after', (f) => `${f} must be a whole number from 1 to 100`);
	const current = autoPauseOf(host);
	return {
		enabled: input.autoPause === undefined ? current.enabled : input.autoPause === 'on',
		pause_after: n ?? current.pause_after,
	};
}

/** The new values, checked against the host as it is now (exit 2 naming the flag). */
function plan(host: HostRecord, input: HostSetInput) {
	const allow = input.allowInsecureHttp === true || host.allow_insecure_http === true;
	const next: Partial<HostRecord> = {};
	if (input.allowInsecureHttp === true) next.allow_insecure_http = true;
	if (input.gatewayUrl !== undefined) {
		const url = checkHostAddress(input.gatewayUrl, 'gateway_url', allow);
		next.gateway_url = url === host.url ? null : url;
	}
	const autoPause = checkAutoPause(host, input);
	if (autoPause !== undefined) next.auto_pause = autoPause;
	if (Object.keys(next).length === 0)
		throw invalidInput(
			'host',
			'nothing to change: give a gateway URL, the cleartext permission, auto-pause on|off or pause-after N (crm host set --help)',
		);
	return next;
}

export async function setHost(session: Session, input: HostSetInput): Promise<HostSetResult> {
	// Checked on a read-only view first, so bad input exits 2 without waiting for the lock.
	plan(resolveHost((await session.read()).data, input.host, 'host'), input);
	return session.withLock('host set', async (store) => {
		const host = resolveHost(store.data, input.host, 'host');
		const next = plan(host, input);
		const changed: HostSetChange[] = [];
		for (const [field, to] of Object.entries(next) as Array<[keyof HostRecord, unknown]>) {
			const from = host[field] ?? null;
			if (JSON.stringify(from) !== JSON.stringify(to)) changed.push({field, from, to});
			Object.assign(host, {[field]: to});
		}
		await store.write();
		return {host: hostView(host), changed, auto_pause: autoPauseOf(host)};
	});
}
