// Import one provider into a host (docs/cli.md `crm import`): the input checked without the lock
// (the plan, with what will be created), then the whole pipeline under the lock.
import type {ImportPlan, PlannedResource} from '../core/import/plan.js';
import type {ImportRequest, ImportResult} from '../core/import/types.js';
import type {Run, Session} from './session.js';

export type {ImportPlan, ImportRequest, ImportResult, PlannedResource};

export interface ImportInput extends ImportRequest {
	/** Password of an existing user (`user`), when its key must be made by logging in as it. */
	userPassword?: string | null;
}

export type ImportRun = Run & {onBatch?: (batchId: string) => void};

/** Checks an import's input without the network or the lock (bad input: CrmError, exit 2). */
export async function planImport(session: Session, input: ImportInput): Promise<ImportPlan> {
	const [store, {checkImport}, {withPlan}] = await Promise.all([
		session.read(),
		import('../core/import/run-import.js'),
		import('../core/import/plan.js'),
	]);
	return withPlan(checkImport(store, await session.loadPacks(), input));
}

export async function importProvider(
	session: Session,
	input: ImportInput,
	run: ImportRun,
): Promise<ImportResult> {
	await planImport(session, input);
	const {runImport} = await import('../core/import/run-import.js');
	const packs = await session.loadPacks();
	return session.withLock('import', (store) =>
		runImport({
			store,
			packs,
			request: input,
			sink: run.sink,
			signal: run.signal,
			operator: session.operator,
			timing: session.timing,
			userPassword: input.userPassword ?? null,
			onBatch: run.onBatch,
		}),
	);
}
