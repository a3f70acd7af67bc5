// `crm host set HOST`: change what a registered host's record says without registering it again:
// its gateway address (docs/domain.md rule 13), whether cleartext http:// to it is allowed, and the
// health watch's auto-pause (rule 14). Input is checked before the lock; nothing is sent to the host.
import {checkHostAddress} from '../core/hosts/addresses.js';
import {hostView, resolveHost} from '../core/hosts/lookup.js';
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
}

function checkAutoPause(raw: string | undefined): boolean | undefined {
	if (raw === undefined) return undefined;
	if (raw === 'on' || raw === 'off') return raw === 'on';
	throw invalidInput(
		'--auto-pause',
		`--auto-pause takes on or off (got ${JSON.stringify(raw.slice(0, 20))})`,
	);
}

function checkPauseAfter(raw: number | undefined): number | undefined {
	if (raw === undefined) return undefined;
	if (!Number.isInteger(raw) || raw < 1 || raw > 1000)
		throw invalidInput('pause_after', (f) => `${f} must be a whole number from 1 to 1000`);
	return raw;
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
	const autoPause = checkAutoPause(input.autoPause);
	if (autoPause !== undefined) next.auto_pause = autoPause;
	const pauseAfter = checkPauseAfter(input.pauseAfter);
	if (pauseAfter !== undefined) next.pause_after = pauseAfter;
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
		return {host: hostView(host), changed};
	});
}
