// A data folder as an earlier TUI run left it: the built-in sandbox registered as host `sandbox` by a
// crm process that has ended (its pid no longer runs), one provider imported into it through the real
// CLI, then that sandbox closed (it lived in the process that ended).
import {spawnSync} from 'node:child_process';
import {registerHost} from '../../source/core/hosts/register.js';
import {startSandbox} from '../../source/sandbox/index.js';
import {StateStore} from '../../source/store/state-store.js';
import {parseJson, runCli, tempDataDir} from './cli.js';
import {FAST} from './host-env.js';

export interface EarlierSandbox {
	data: string;
	hostId: string;
	/** The address of the sandbox that stopped (nothing answers there now). */
	oldUrl: string;
	/** The batch recorded on it, or null when nothing was imported. */
	batchId: string | null;
	/** The pid of the process that started it (ended). */
	pid: number;
}

export async function earlierSandboxRun(options: {imports?: boolean} = {}): Promise<EarlierSandbox> {
	const sandbox = await startSandbox();
	const data = tempDataDir('crm-sandbox-run');
	// A process that has ended: its pid is what an earlier TUI run's record would name.
	const pid = spawnSync(process.execPath, ['-e', '']).pid!;
	try {
		const store = await StateStore.open(data, {lock: {command: 'test'}});
		let hostId: string;
		try {
			const host = await registerHost(
				store,
				{
					name: 'sandbox',
					url: sandbox.info.host_url,
					credential: {type: 'admin_api_key', key: sandbox.info.admin_api_key},
					sandbox: {pid, session: 'an-earlier-run', started_at: new Date().toISOString(), profile: 'recent'},
				},
				{operator: {}},
			);
			hostId = host.host_id;
		} finally {
			store.release();
		}
		let batchId: string | null = null;
		if (options.imports !== false) {
			const up = sandbox.info.upstreams.deepseek!;
			const imported = await runCli(
				[
					'import',
					'--host',
					'sandbox',
					'--pack',
					'deepseek',
					'--url',
					up.base_url,
					'--key-env',
					'K',
					'--json',
					'--data',
					data,
				],
				{env: {...FAST, K: up.api_key}},
			);
			if (imported.code !== 0) throw new Error(`import failed: ${imported.stderr}`);
			batchId = parseJson<{batch_id: string}>(imported).batch_id;
		}
		return {data, hostId, oldUrl: sandbox.info.host_url, batchId, pid};
	} finally {
		await sandbox.close();
	}
}

export {parseJson};
