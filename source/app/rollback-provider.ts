// `crm rollback --host HOST --pack PACK [--url URL]`: every batch of that provider on the host, newest
// first, with the per-batch safety rules (docs/cli.md). The plan reads only; the rollback holds the
// data folder's lock for its whole run.
import {
	planProviderRollback,
	providerRolledBack,
	runProviderRollback,
	selectProvider,
	type ProviderPlan,
	type ProviderRef,
	type ProviderRollbackResult,
} from '../core/drift/rollback-provider.js';
import type {State} from '../store/schema.js';
import type {Run, Session} from './session.js';

export type {ProviderPlan, ProviderRef, ProviderRollbackResult};
export {providerRolledBack};

export interface RollbackableProvider {
	pack: string;
	base_url: string;
	batches: number;
}

/** The providers (pack, base URL) on a host that still hold resources, with how many batches each. */
export function rollbackableProvidersOf(state: State, input: {host: string}): RollbackableProvider[] {
	const out = new Map<string, RollbackableProvider>();
	for (const b of state.batches) {
		if (b.host_id !== input.host || b.resource_count === 0 || b.batch_status === 'rolled_back') continue;
		const key = `${b.pack}|${b.base_url}`;
		const entry = out.get(key) ?? {pack: b.pack, base_url: b.base_url, batches: 0};
		entry.batches += 1;
		out.set(key, entry);
	}
	return [...out.values()].sort(
		(a, b) => a.pack.localeCompare(b.pack) || a.base_url.localeCompare(b.base_url),
	);
}

/**
 * What would be deleted, batch by batch: no lock, nothing changed. Each record is read back from the
 * host (reads only) and judged as the rollback will; `force` as `rollback --force` would decide.
 */
export async function planRollbackProvider(
	session: Session,
	ref: ProviderRef & {force?: boolean},
	signal: AbortSignal = new AbortController().signal,
): Promise<ProviderPlan> {
	return planProviderRollback(await session.read(), ref, {
		operator: session.operator,
		signal,
		timeoutMs: session.timing.requestTimeoutMs,
		force: ref.force === true,
	});
}

export async function rollbackProvider(
	session: Session,
	ref: ProviderRef & {force?: boolean},
	run: Run,
): Promise<ProviderRollbackResult> {
	// Bad input (unknown host, pack never imported there, a bad URL) exits 2 before the lock.
	selectProvider((await session.read()).data, ref);
	return session.withLock('rollback', (store) =>
		runProviderRollback({
			store,
			ref,
			sink: run.sink,
			signal: run.signal,
			operator: session.operator,
			timing: session.timing,
			force: ref.force === true,
		}),
	);
}
