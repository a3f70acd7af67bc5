// A sandbox host registered in a fresh data folder, driven through the real CLI.
import type {ExecutionContext} from 'ava';
import {startSandbox, type SandboxHandle, type SandboxOptions} from '../../source/sandbox/index.js';
import {StateStore} from '../../source/store/state-store.js';
import {parseJson, runCli, tempDataDir, type CliResult} from './cli.js';

export interface HostEnv {
	sandbox: SandboxHandle;
	data: string;
	host: string;
	/** Environment carrying the secrets the CLI reads by variable name. */
	env: Record<string, string>;
	run(args: string[], extraEnv?: Record<string, string>): Promise<CliResult>;
	importPack(pack: string, extra?: string[], keyOverride?: string): Promise<CliResult>;
	/** Every secret this environment used, for the leak scans. */
	secrets(): string[];
}

/** Short waits so failure paths finish fast; the defaults are exercised by their own tests. */
export const FAST = {
	CRM_SMOKE_RETRY_S: '6',
	CRM_SMOKE_RETRY_INTERVAL_MS: '100',
	CRM_TIMEOUT_S: '5',
	CRM_UPSTREAM_RETRY_S: '3',
};

export async function hostEnv(
	t: ExecutionContext,
	options: SandboxOptions = {},
	register = true,
): Promise<HostEnv> {
	const sandbox = await startSandbox(options);
	t.teardown(() => sandbox.close());
	const data = tempDataDir('crm-data');
	const env: Record<string, string> = {
		...FAST,
		CRM_ADMIN_KEY: sandbox.info.admin_api_key,
		CRM_ADMIN_PASSWORD: sandbox.info.admin_password,
	};
	for (const [pack, up] of Object.entries(sandbox.info.upstreams))
		env[`KEY_${pack.toUpperCase()}`] = up.api_key;
	const run = (args: string[], extraEnv: Record<string, string> = {}) =>
		runCli([...args, '--data', data], {env: {...env, ...extraEnv}});
	const self: HostEnv = {
		sandbox,
		data,
		host: 'sb',
		env,
		run,
		importPack: (pack, extra = [], keyOverride) =>
			run(
				[
					'import',
					'--host',
					'sb',
					'--pack',
					pack,
					'--url',
					sandbox.info.upstreams[pack]!.base_url,
					'--key-env',
					'PROVIDER_KEY',
					'--json',
					...extra,
				],
				{PROVIDER_KEY: keyOverride ?? sandbox.info.upstreams[pack]!.api_key},
			),
		secrets: () => [
			sandbox.info.admin_api_key,
			sandbox.info.admin_password,
			...Object.values(sandbox.info.upstreams).map((u) => u.api_key),
		],
	};
	if (register) {
		const added = await run([
			'host',
			'add',
			'--name',
			'sb',
			'--url',
			sandbox.info.host_url,
			'--admin-key-env',
			'CRM_ADMIN_KEY',
			'--json',
		]);
		if (added.code !== 0) throw new Error(`host add failed: ${added.stderr}`);
	}
	return self;
}

/** Resources on the sandbox (not soft-deleted) whose names say this tool made them. */
export function liveOurs(sandbox: SandboxHandle) {
	const snap = sandbox.snapshot();
	const alive = (r: {deleted_at?: string | null}) => !r.deleted_at;
	return {
		groups: snap.groups.filter((g) => alive(g) && g.name.startsWith('crm-')),
		accounts: snap.accounts.filter((a) => alive(a) && a.name.startsWith('crm-')),
		users: snap.users.filter((u) => alive(u) && u.email.startsWith('crm-')),
		api_keys: snap.api_keys.filter((k) => alive(k) && k.name.startsWith('crm-')),
		subscriptions: snap.subscriptions.filter(
			(s) => alive(s as {deleted_at?: string | null}) && s.status !== 'revoked',
		),
	};
}

export function countOurs(sandbox: SandboxHandle): number {
	const o = liveOurs(sandbox);
	return o.groups.length + o.accounts.length + o.users.length + o.api_keys.length;
}

/** Every resource record of every batch in the data folder. */
export async function recordedResources(data: string) {
	const store = await StateStore.open(data);
	const out: Array<{
		batch_id: string;
		resource_type: string;
		host_resource_id: string | null;
		name: string;
		status: string;
	}> = [];
	for (const b of store.data.batches) {
		const file = await store.readBatch(b.batch_id);
		for (const r of file?.resources ?? []) out.push({batch_id: b.batch_id, ...r});
	}
	return out;
}

export {parseJson};
