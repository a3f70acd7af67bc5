// Rollback per provider (the original's rollback-provider; docs/cli.md `crm rollback --host --pack`):
// every batch of that provider on that host that still holds resources, newest first, each through
// the per-batch rollback with all its safety rules (recorded resources only, read back and compared
// before each delete, children first). A provider is (host, pack, normalised base URL); without
// --url, every base URL of that pack on the host.
import type {BatchIndex, State} from '../../store/schema.js';
import type {StateStore} from '../../store/state-store.js';
import {CrmError, invalidInput} from '../../lib/errors.js';
import {resolveHost} from '../hosts/lookup.js';
import {shown, validateUrl} from '../input/validate.js';
import {recoverDeadBatches} from '../records/recovery.js';
import {
	planRollback,
	planRollbackOnHost,
	runRollback,
	type PlanCheckOptions,
	type RollbackOptions,
	type RollbackPlan,
	type RollbackResult,
} from './rollback.js';

export interface ProviderRef {
	host: string | undefined;
	pack: string | undefined;
	url?: string;
}

export interface ProviderSelection {
	host_id: string;
	pack: string;
	base_url: string | null;
	/** Batches to roll back, newest first. */
	batches: BatchIndex[];
}

const newestFirst = (a: BatchIndex, b: BatchIndex) =>
	a.created_at < b.created_at ? 1 : a.created_at > b.created_at ? -1 : 0;

/** The provider's batches that still hold something; exit 2 when the host never had that provider. */
export function selectProvider(state: State, ref: ProviderRef): ProviderSelection {
	const host = resolveHost(state, ref.host);
	if (!ref.pack)
		throw invalidInput(
			'pack',
			(f) => `${f} is required with the host: the pack of the provider to roll back`,
		);
	const baseUrl = ref.url === undefined ? null : validateUrl(ref.url, 'url');
	const all = state.batches.filter(
		(b) => b.host_id === host.host_id && b.pack === ref.pack && (baseUrl === null || b.base_url === baseUrl),
	);
	if (all.length === 0) {
		throw invalidInput(
			ref.url === undefined ? 'pack' : 'url',
			`host ${host.name} has no batch of pack ${shown(ref.pack, 40)}${baseUrl ? ` at ${baseUrl}` : ''}; see crm batches --host ${host.name}`,
		);
	}
	const batches = all
		.filter((b) => b.batch_status !== 'rolled_back' && b.resource_count > 0)
		.sort(newestFirst);
	return {host_id: host.host_id, pack: ref.pack, base_url: baseUrl, batches};
}

export interface ProviderPlan {
	host_id: string;
	pack: string;
	base_url: string | null;
	batches: RollbackPlan[];
}

/**
 * What a provider rollback would do (reads only). With `check`, each batch's records are read back
 * from the host and judged as the rollback will judge them (the per-batch dry run's rule).
 */
export async function planProviderRollback(
	store: StateStore,
	ref: ProviderRef,
	check?: PlanCheckOptions,
): Promise<ProviderPlan> {
	const sel = selectProvider(store.data, ref);
	const plans: RollbackPlan[] = [];
	for (const b of sel.batches)
		plans.push(
			check ? await planRollbackOnHost(store, b.batch_id, check) : await planRollback(store, b.batch_id),
		);
	return {host_id: sel.host_id, pack: sel.pack, base_url: sel.base_url, batches: plans};
}

export interface ProviderRollbackResult {
	host_id: string;
	pack: string;
	base_url: string | null;
	batches: RollbackResult[];
	/** Batches not reached because the operator stopped the run. */
	not_run: string[];
}

/** Rolls back each batch of the provider, newest first; a batch that cannot finish does not stop the rest. */
export async function runProviderRollback(
	o: Omit<RollbackOptions, 'batchId'> & {ref: ProviderRef},
): Promise<ProviderRollbackResult> {
	await recoverDeadBatches(o.store);
	const sel = selectProvider(o.store.data, o.ref);
	const running = sel.batches.find((b) => b.batch_status === 'running');
	if (running)
		throw new CrmError(
			'operation_failed',
			`batch ${running.batch_id} of this provider is still running (pid ${running.pid}); stop it first, nothing was deleted`,
		);
	const out: ProviderRollbackResult = {
		host_id: sel.host_id,
		pack: sel.pack,
		base_url: sel.base_url,
		batches: [],
		not_run: [],
	};
	for (const b of sel.batches) {
		if (o.signal.aborted) {
			out.not_run.push(b.batch_id);
			continue;
		}
		out.batches.push(await runRollback({...o, batchId: b.batch_id}));
	}
	return out;
}

/** Every batch ended rolled back with nothing failed or skipped. */
export function providerRolledBack(r: ProviderRollbackResult): boolean {
	return (
		r.not_run.length === 0 &&
		r.batches.every((b) => b.batch_status === 'rolled_back' && b.failed.length === 0)
	);
}
