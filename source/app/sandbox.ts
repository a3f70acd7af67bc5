// The built-in sandbox host (docs/cli.md `crm sandbox`): served on its own, or started inside this
// process and registered as a host so the whole flow can be tried without a real one. A host it
// registered records this run (core/hosts/sandbox-mark.ts); once the run ends the host reads as the
// sandbox that stopped, and `restartSandboxHost` starts a new one in its place.
import type {SandboxHandle, SandboxProfile} from '../sandbox/index.js';
import {openStamp, sandboxMarkOf, type SandboxMark, type SandboxStamp} from '../core/hosts/sandbox-mark.js';
import {registerHost, type HostView} from './hosts.js';
import type {Run, Session} from './session.js';

export type {SandboxHandle, SandboxMark, SandboxProfile};
export {sandboxMarkOf};

export interface SandboxOptions {
	port?: number;
	profile?: SandboxProfile;
	latencyMs?: number;
}

/** Starts the sandbox host and its fake upstreams on 127.0.0.1 (the caller closes it). */
export async function startSandbox(options: SandboxOptions = {}): Promise<SandboxHandle> {
	return (await import('../sandbox/index.js')).startSandbox(options);
}

export interface SandboxHost {
	handle: SandboxHandle;
	host: HostView;
}

/** A sandbox of this run: its handle's close also ends the run's stamp (the host then reads stopped). */
async function startStamped(profile: SandboxProfile): Promise<{handle: SandboxHandle; stamp: SandboxStamp}> {
	const started = await startSandbox({profile});
	const {stamp, release} = openStamp(profile);
	const close = started.close.bind(started);
	started.close = async () => {
		release();
		await close();
	};
	return {handle: started, stamp};
}

/** Starts the sandbox in this process and registers it (name `sandbox`, or the next free one). */
export async function startSandboxHost(
	session: Session,
	input: {profile?: SandboxProfile},
	run: Run,
): Promise<SandboxHost> {
	const say = (message: string) => run.sink({type: 'progress', step: 'sandbox', message});
	say('starting the built-in sandbox host on 127.0.0.1');
	const {handle, stamp} = await startStamped(input.profile ?? 'recent');
	try {
		const state = (await session.read()).data;
		let name = 'sandbox';
		for (let n = 2; state.hosts.some((h) => h.name === name); n++) name = `sandbox-${n}`;
		say(`registering it as ${name}`);
		const host = await registerHost(
			session,
			{
				name,
				url: handle.info.host_url,
				credential: {type: 'admin_api_key', key: handle.info.admin_api_key},
				sandbox: stamp,
			},
			run,
		);
		return {handle, host};
	} catch (error) {
		await handle.close();
		throw error;
	}
}

const PROFILES: readonly SandboxProfile[] = ['recent', 'old', 'gated'];

/**
 * Starts a new sandbox for a host whose sandbox stopped with an earlier run: the record keeps its id,
 * name and batches, and takes the new address and admin key. The old sandbox's resources are gone.
 */
export async function restartSandboxHost(
	session: Session,
	input: {host: string},
	run: Run,
): Promise<SandboxHost> {
	const {stoppedSandboxHost, restartSandboxRecord} = await import('../core/hosts/sandbox-restart.js');
	const {hostView} = await import('../core/hosts/lookup.js');
	const say = (message: string) => run.sink({type: 'progress', step: 'sandbox', message});
	const old = await session.withLock('host sandbox restart', async (store) =>
		stoppedSandboxHost(store, input.host),
	);
	const wanted = old.built_in_sandbox?.profile as SandboxProfile;
	say(`starting a new built-in sandbox for ${old.name} on 127.0.0.1`);
	const {handle, stamp} = await startStamped(PROFILES.includes(wanted) ? wanted : 'recent');
	try {
		say(`pointing ${old.name} at ${handle.info.host_url}`);
		const host = await session.withLock('host sandbox restart', async (store) =>
			restartSandboxRecord(
				store,
				{host: old.host_id, url: handle.info.host_url, adminKey: handle.info.admin_api_key, stamp},
				{
					operator: session.operator,
					timeoutMs: session.timing.probeTimeoutMs,
					onProgress: say,
					signal: run.signal,
				},
			),
		);
		return {handle, host: hostView(host)};
	} catch (error) {
		await handle.close();
		throw error;
	}
}
