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
