// `crm rollback --host HOST --pack PACK [--url URL]`: every batch of that provider on the host, newest
// first, with the per-batch safety rules (docs/cli.md). The plan reads only; the rollback holds the
// data folder's lock for its whole run.
import {
	planProviderRollback,
	runProviderRollback,
	selectProvider,
	type ProviderPlan,
	type ProviderRef,
	type ProviderRollbackResult,
} from '../core/drift/rollback-provider.js';
import type {Run, Session} from './session.js';

export type {ProviderPlan, ProviderRef, ProviderRollbackResult};

/** What would be deleted, batch by batch (no lock, nothing sent to the host). */
export async function planRollbackProvider(session: Session, ref: ProviderRef): Promise<ProviderPlan> {
	return planProviderRollback(await session.read(), ref);
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
