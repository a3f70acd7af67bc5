// Test setup through the real engine (as the CLI would run it), for screens that need history: a
// sandbox registered as a host, imports made directly, out-of-band changes on the sandbox.
import {runImport} from '../../source/core/import/run-import.js';
import type {ImportResult} from '../../source/core/import/types.js';
import {loadPacks} from '../../source/core/packs/packs.js';
import type {SandboxHandle} from '../../source/sandbox/index.js';
import {StateStore} from '../../source/store/state-store.js';

export const FAST = {requestTimeoutMs: 5000, smokeRetryMs: 3000, smokeRetryIntervalMs: 100};

/** One import into `host` (a host id or name) of `pack` at the sandbox's fake upstream. */
export async function importDirect(
	dataDir: string,
	sb: SandboxHandle,
	host: string,
	pack: string,
	access?: 'subscription' | 'self_service',
	key?: string,
): Promise<ImportResult> {
	const store = await StateStore.open(dataDir, {lock: {command: 'test'}});
	try {
		const up = sb.info.upstreams[pack]!;
		return await runImport({
			store,
			packs: loadPacks(),
			request: {host, pack, url: up.base_url, key: key ?? up.api_key, access, force: true},
			sink: () => {},
			signal: new AbortController().signal,
			operator: {},
			timing: FAST,
		});
	} finally {
		store.release();
	}
}

/** The host id of a resource type an import recorded. */
export function idOf(result: ImportResult, type: string): number {
	return Number(result.resources.find((r) => r.resource_type === type)!.host_resource_id);
}

/** An out-of-band change on the sandbox (what another admin would do in the host's own UI). */
export async function oob(sb: SandboxHandle, body: unknown): Promise<void> {
	const res = await fetch(`${sb.info.control_url}/oob`, {
		method: 'POST',
		headers: {'x-api-key': sb.info.admin_api_key, 'content-type': 'application/json'},
		body: JSON.stringify(body),
	});
	if (!res.ok) throw new Error(`oob ${res.status}: ${await res.text()}`);
}
