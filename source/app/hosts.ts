// Registered hosts (docs/cli.md `crm host`): register one (a probe that only reads, then the record
// with its credential), re-probe it, forget it, list and show them.
import type {AdminCredential} from '../core/hosts/register.js';
import {hostView, resolveHost} from '../core/hosts/lookup.js';
import {HOST_BASE_ENV} from '../core/hosts/addresses.js';
import type {HostRecord} from '../store/schema.js';
import {liveBatchesOn} from '../core/hosts/removal.js';
import {validateDomain, validateName, validatePrefix, validateUrl} from '../core/input/validate.js';
import {CrmError} from '../lib/errors.js';
import type {Capabilities} from '../host/probe.js';
import type {State} from '../store/schema.js';
import type {Run, Session} from './session.js';

export type {AdminCredential, Capabilities};
export type HostView = ReturnType<typeof hostView>;

export interface RegisterHostInput {
	name: string | undefined;
	url: string | undefined;
	credential: AdminCredential;
	/** Default `crm-`. */
	prefix?: string;
	/** Default `crm.invalid`. */
	userDomain?: string;
	/** The address users call (docs/domain.md "The host"); default the admin `url`. */
	gatewayUrl?: string | null;
	/** Allow cleartext http:// to this host's addresses that are not this machine. */
	allowInsecureHttp?: boolean;
	/** Set by the built-in sandbox of this process (app/sandbox.ts). */
	sandbox?: HostRecord['built_in_sandbox'];
}

const progress = (run: Run) => (message: string) => run.sink({type: 'progress', step: 'host_probe', message});

/** Probes the host (reads only) and saves it with its credential; nothing is saved when the probe fails. */
export async function registerHost(session: Session, input: RegisterHostInput, run: Run): Promise<HostView> {
	// The engine loads here, not with the TUI's Home (which imports this file for the sandbox host).
	const {registerHost: register, checkRegisterInput} = await import('../core/hosts/register.js');
	// Both addresses, and cleartext to one that is not this machine, are checked before anything is sent.
	const checked = checkRegisterInput({
		name: validateName(input.name, 'name'),
		url: validateUrl(input.url, 'url'),
		credential: input.credential,
		prefix: validatePrefix(input.prefix, 'prefix', 'crm-'),
		userDomain: validateDomain(input.userDomain, 'user_domain', 'crm.invalid'),
		gatewayUrl: input.gatewayUrl ?? null,
		allowInsecureHttp: input.allowInsecureHttp === true,
		sandbox: input.sandbox,
	});
	return session.withLock('host add', async (store) =>
		hostView(
			await register(store, checked, {
				operator: session.operator,
				timeoutMs: session.timing.probeTimeoutMs,
				onProgress: progress(run),
				signal: run.signal,
			}),
		),
	);
}

/** Probes a registered host again and stores what it found. */
export async function reprobeHost(session: Session, input: {host: string}, run: Run): Promise<Capabilities> {
	const {reprobeHost: reprobe} = await import('../core/hosts/register.js');
	return session.withLock('host reprobe', async (store) => {
		const host = store.data.hosts.find((h) => h.host_id === input.host || h.name === input.host);
		if (!host) throw new CrmError('not_found', `host ${input.host} is no longer registered`);
		return reprobe(store, host, {
			operator: session.operator,
			timeoutMs: session.timing.probeTimeoutMs,
			onProgress: progress(run),
			signal: run.signal,
		});
	});
}

/** Forgets a host; its resources stay on the host. One still holding recorded resources needs `force`. */
export async function removeHost(
	session: Session,
	input: {host: string | undefined; force?: boolean},
): Promise<{host_id: string; name: string}> {
	const {removeHost: remove} = await import('../core/hosts/removal.js');
	return session.withRecords('host remove', async (store) => {
		const host = await remove(store, input.host, input.force === true);
		return {host_id: host.host_id, name: host.name};
	});
}

/** Every registered host, as views show it (never a credential). */
export function hostsOf(state: State): HostView[] {
	return state.hosts.map(hostView);
}

/** One host as `host show` shows it: its view and the admin address this process overrides it with. */
export type HostShown = HostView & {admin_url_override: string | null};

function shownHost(host: HostRecord): HostShown {
	return {...hostView(host), admin_url_override: process.env[HOST_BASE_ENV] || null};
}

/** One host by id or name, or null. */
export function hostOf(state: State, ref: string): HostShown | null {
	const host = state.hosts.find((h) => h.host_id === ref) ?? state.hosts.find((h) => h.name === ref);
	return host ? shownHost(host) : null;
}

export async function listHosts(session: Session): Promise<HostView[]> {
	return hostsOf((await session.read()).data);
}

export async function showHost(session: Session, input: {host: string | undefined}): Promise<HostShown> {
	return shownHost(resolveHost((await session.read()).data, input.host));
}

export {liveBatchesOn};
