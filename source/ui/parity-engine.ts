// The TUI's door to the operator features added for parity with the original system (docs/cli.md:
// resources, rollback per provider, residue, batch-import runs). Kept apart from engine.ts so each
// screen loads only what it uses (every module behind `await import()`), like engine.ts does.
import type {EngineConfig} from './engine.js';
import type {HostResource} from '../core/reads/resources.js';

export type {HostResource};

/** Every resource the tool recorded on a host, newest first (reads the data folder only). */
export async function hostResourceList(config: EngineConfig, hostId: string): Promise<HostResource[]> {
	const [{StateStore}, {hostResources}] = await Promise.all([
		import('../store/state-store.js'),
		import('../core/reads/resources.js'),
	]);
	return hostResources(await StateStore.open(config.dataDir), hostId);
}

export type {RunView as BatchRunView} from '../core/batch-import/runs.js';
export type {BatchResult} from '../core/batch-import/types.js';

/** Past import-batch runs, newest first (reads only). */
export async function batchRunList(config: EngineConfig) {
	const [{StateStore}, {listRuns}] = await Promise.all([
		import('../store/state-store.js'),
		import('../core/batch-import/runs.js'),
	]);
	return listRuns((await StateStore.open(config.dataDir)).data);
}

/** One past run and the document it printed (null when it never finished). */
export async function batchRunDocument(config: EngineConfig, runId: string) {
	const [{StateStore}, {readRun}] = await Promise.all([
		import('../store/state-store.js'),
		import('../core/batch-import/runs.js'),
	]);
	return readRun(await StateStore.open(config.dataDir), runId);
}
