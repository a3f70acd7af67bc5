// The built-in sandbox host (docs/cli.md `crm sandbox`): served on its own, or started inside this
// process and registered as a host so the whole flow can be tried without a real one.
import type {SandboxHandle, SandboxProfile} from '../sandbox/index.js';
import {registerHost, type HostView} from './hosts.js';
import type {Run, Session} from './session.js';

export type {SandboxHandle, SandboxProfile};

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

/** Starts the sandbox in this process and registers it (name `sandbox`, or the next free one). */
export async function startSandboxHost(
	session: Session,
	input: {profile?: SandboxProfile},
	run: Run,
): Promise<SandboxHost> {
	const say = (message: string) => run.sink({type: 'progress', step: 'sandbox', message});
	say('starting the built-in sandbox host on 127.0.0.1');
	const handle = await startSandbox({profile: input.profile ?? 'recent'});
	try {
		const state = (await session.read()).data;
		let name = 'sandbox';
		for (let n = 2; state.hosts.some((h) => h.name === name); n++) name = `sandbox-${n}`;
		say(`registering it as ${name}`);
		const host = await registerHost(
			session,
			{name, url: handle.info.host_url, credential: {type: 'admin_api_key', key: handle.info.admin_api_key}},
			run,
		);
		return {handle, host};
	} catch (error) {
		await handle.close();
		throw error;
	}
}
