// "Start it again" for a host whose built-in sandbox stopped with an earlier run (sandbox-mark.ts): a
// new sandbox takes the host's place. The record keeps its id, name and batches; its address and admin
// credential become the new sandbox's. The old sandbox's resources went with it, so the batches
// recorded on the host now read as missing when reconciled (docs/domain.md "Drift").
import type {HostRecord} from '../../store/schema.js';
import type {StateStore} from '../../store/state-store.js';
import {CrmError, invalidInput} from '../../lib/errors.js';
import {resolveHost} from './lookup.js';
import {probeNewHost, type RegisterOptions} from './register.js';
import {sandboxMarkOf, type SandboxStamp} from './sandbox-mark.js';

export interface RestartInput {
	host: string;
	/** The new sandbox's admin address and admin API key. */
	url: string;
	adminKey: string;
	stamp: SandboxStamp;
}

/** The host, when it is a sandbox host whose sandbox has stopped (else exit 2 naming `host`). */
export function stoppedSandboxHost(store: StateStore, ref: string): HostRecord {
	const host = resolveHost(store.data, ref);
	const mark = sandboxMarkOf(host);
	if (!mark) throw invalidInput('host', `${host.name} was not registered by the built-in sandbox`);
	if (mark.state === 'running') {
		throw new CrmError(
			'invalid_input',
			`the sandbox of ${host.name} is still running (crm pid ${mark.pid}); nothing to start again`,
			{field: 'host'},
		);
	}
	return host;
}

/** Probes the new sandbox (reads only), then points the host's record at it; nothing changes on failure. */
export async function restartSandboxRecord(
	store: StateStore,
	input: RestartInput,
	options: RegisterOptions,
): Promise<HostRecord> {
	const host = stoppedSandboxHost(store, input.host);
	const credential = {type: 'admin_api_key' as const, key: input.adminKey};
	const {caps} = await probeNewHost({name: host.name, url: input.url, credential}, options);
	host.url = input.url;
	host.gateway_url = null;
	host.auth_type = 'admin_api_key';
	host.credential = {admin_api_key: input.adminKey};
	host.session = null;
	host.version = caps.version;
	host.capabilities = caps as unknown as Record<string, unknown>;
	host.last_probe_at = caps.probed_at;
	host.built_in_sandbox = input.stamp;
	await store.write();
	return host;
}
