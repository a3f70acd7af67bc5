// The TUI's door to the operator features added for parity with the original system (docs/cli.md:
// resources, rollback per provider, residue, batch-import runs). Kept apart from engine.ts so each
// screen loads only what it uses (every module behind `await import()`), like engine.ts does.
import type {EngineConfig} from './engine.js';
import type {Operator} from '../core/hosts/access.js';
import type {EventSink} from '../core/pipeline/events.js';
import type {ResidueItem, ResidueResult} from '../app/residue.js';
import type {ProviderPlan, ProviderRollbackResult} from '../app/rollback-provider.js';
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

// ---- residue and rollback per provider, through the application layer ----

export type {ProviderPlan, ProviderRollbackResult, ResidueItem, ResidueResult};

async function sessionOf(config: EngineConfig, operator: Operator = {}) {
	const {Session} = await import('../app/session.js');
	return new Session({dataDir: config.dataDir, timing: config.timing, operator, actor: 'crm tui'});
}

export interface TuiRun {
	sink: EventSink;
	signal: AbortSignal;
	operator: Operator;
}

/** What looks like the tool's on the host with no live record (reads only). */
export async function residueList(config: EngineConfig, hostId: string, run: TuiRun): Promise<ResidueResult> {
	const [session, {listResidue}] = await Promise.all([
		sessionOf(config, run.operator),
		import('../app/residue.js'),
	]);
	return listResidue(session, {host: hostId}, run);
}

/** Deletes the residue whose marker proves the tool made it, children first (holds the lock). */
export async function residueDelete(
	config: EngineConfig,
	hostId: string,
	run: TuiRun,
): Promise<ResidueResult> {
	const [session, {removeResidue}] = await Promise.all([
		sessionOf(config, run.operator),
		import('../app/residue.js'),
	]);
	return removeResidue(session, {host: hostId}, run);
}

/** The providers (pack, base URL) on a host that still hold resources, with how many batches each. */
export async function rollbackableProviders(config: EngineConfig, hostId: string) {
	const {StateStore} = await import('../store/state-store.js');
	const state = (await StateStore.open(config.dataDir)).data;
	const out = new Map<string, {pack: string; base_url: string; batches: number}>();
	for (const b of state.batches) {
		if (b.host_id !== hostId || b.resource_count === 0 || b.batch_status === 'rolled_back') continue;
		const key = `${b.pack}|${b.base_url}`;
		const entry = out.get(key) ?? {pack: b.pack, base_url: b.base_url, batches: 0};
		entry.batches += 1;
		out.set(key, entry);
	}
	return [...out.values()].sort(
		(a, b) => a.pack.localeCompare(b.pack) || a.base_url.localeCompare(b.base_url),
	);
}

/** Every batch of one provider: the plan (reads only). */
export async function providerPlan(
	config: EngineConfig,
	ref: {hostId: string; pack: string; url: string},
): Promise<ProviderPlan> {
	const [session, {planRollbackProvider}] = await Promise.all([
		sessionOf(config),
		import('../app/rollback-provider.js'),
	]);
	return planRollbackProvider(session, {host: ref.hostId, pack: ref.pack, url: ref.url});
}

/** Rolls back every batch of one provider, newest first (holds the lock). */
export async function providerRollback(
	config: EngineConfig,
	ref: {hostId: string; pack: string; url: string},
	run: TuiRun,
): Promise<ProviderRollbackResult> {
	const [session, {rollbackProvider}] = await Promise.all([
		sessionOf(config, run.operator),
		import('../app/rollback-provider.js'),
	]);
	return rollbackProvider(session, {host: ref.hostId, pack: ref.pack, url: ref.url}, run);
}

/** Sets (or, with the admin address itself, resets) a host's gateway address (crm host set). */
export async function setGatewayUrl(config: EngineConfig, hostId: string, url: string) {
	const [session, {setHost}] = await Promise.all([sessionOf(config), import('../app/host-set.js')]);
	return setHost(session, {host: hostId, gatewayUrl: url});
}
