// Drift and its remedies (docs/cli.md `crm reconcile`, `rollback`, `repair`, `smoke`): compare the
// records with the host, roll a batch back (its plan first), repair a batch's access, smoke again.
import type {ReconcileResult} from '../core/drift/reconcile.js';
import type {RepairResult} from '../core/drift/repair.js';
import type {RollbackPlan, RollbackResult} from '../core/drift/rollback.js';
import type {SmokeAgainResult} from '../core/drift/smoke-again.js';
import {invalidInput} from '../lib/errors.js';
import type {Run, Session} from './session.js';

export type {RepairResult, RollbackPlan, RollbackResult, SmokeAgainResult};

export interface ReconcileInput {
	/** A host id or name; the batch's host when only `batch` is given. */
	host?: string;
	/** One batch only (its records); the whole host (and unmanaged residue) when left out. */
	batch?: string;
}

export interface ReconcileView extends ReconcileResult {
	/** Repair can fix what drifted (a batch reconcile whose drift is all access: user, key, subscription). */
	repair_applies: boolean;
	/** Of a host-wide run: the batches repair applies to, each judged by its own items. */
	repair_batches: string[];
}

export async function reconcile(session: Session, input: ReconcileInput, run: Run): Promise<ReconcileView> {
	if (input.batch === '')
		throw invalidInput('batch', (f) => `${f} is empty: give a batch id (see crm batches)`);
	const [{runReconcile}, {repairApplies}] = await Promise.all([
		import('../core/drift/reconcile.js'),
		import('../core/drift/repair.js'),
	]);
	return session.withRecords('reconcile', async (store) => {
		const host =
			input.host ??
			(input.batch ? store.data.batches.find((b) => b.batch_id === input.batch)?.host_id : undefined);
		const result = await runReconcile({
			store,
			hostRef: host,
			batchId: input.batch,
			sink: run.sink,
			signal: run.signal,
			operator: session.operator,
			timing: session.timing,
		});
		const batches = [...new Set(result.items.map((i) => i.batch_id).filter((b): b is string => Boolean(b)))];
		return {
			...result,
			repair_applies: Boolean(input.batch) && repairApplies(result.items),
			repair_batches: batches.filter((b) => repairApplies(result.items.filter((i) => i.batch_id === b))),
		};
	});
}

/**
 * What a rollback would do: no lock, nothing changed. Each record is read back from the host (reads
 * only) and judged as the rollback will judge it; a host that cannot be read leaves the plan as
 * recorded, saying so. `force`: as `rollback --force` would decide.
 */
export async function planRollback(
	session: Session,
	input: {batch: string | undefined; force?: boolean},
	signal: AbortSignal = new AbortController().signal,
): Promise<RollbackPlan> {
	const [store, {planRollbackOnHost}] = await Promise.all([
		session.read(),
		import('../core/drift/rollback.js'),
	]);
	return planRollbackOnHost(store, input.batch, {
		operator: session.operator,
		signal,
		timeoutMs: session.timing.requestTimeoutMs,
		force: input.force === true,
	});
}

/**
 * Deletes exactly the batch's recorded resources, children first; re-runnable. `force`: delete those
 * whose snapshot fields changed on the host too (never `unknown` ones).
 */
export async function rollback(
	session: Session,
	input: {batch: string | undefined; force?: boolean},
	run: Run,
): Promise<RollbackResult> {
	const {runRollback} = await import('../core/drift/rollback.js');
	return session.withRecords('rollback', (store) =>
		runRollback({
			store,
			batchId: input.batch,
			sink: run.sink,
			signal: run.signal,
			operator: session.operator,
			timing: session.timing,
			force: input.force === true,
		}),
	);
}

/** Recreates a batch's missing access (user, key, subscription) and runs its smoke. */
export async function repair(
	session: Session,
	input: {batch: string | undefined},
	run: Run,
): Promise<RepairResult> {
	const {runRepair} = await import('../core/drift/repair.js');
	return session.withRecords('repair', (store) =>
		runRepair({
			store,
			batchId: input.batch,
			sink: run.sink,
			signal: run.signal,
			operator: session.operator,
			timing: session.timing,
		}),
	);
}

/** Smoke again: a finished batch's access smoke once more, recorded in the batch. */
export async function smokeAgain(
	session: Session,
	input: {batch: string | undefined},
	run: Run,
): Promise<SmokeAgainResult> {
	const {runSmokeAgain} = await import('../core/drift/smoke-again.js');
	return session.withRecords('smoke', (store) =>
		runSmokeAgain({store, batchId: input.batch, sink: run.sink, signal: run.signal, timing: session.timing}),
	);
}
