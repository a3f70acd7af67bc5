// Import one provider into a host (docs/cli.md `crm import`): input checked without the lock, then
// the whole pipeline under the lock.
import {checkImport, runImport} from '../core/import/run-import.js';
import type {ImportPlanInput, ImportRequest, ImportResult} from '../core/import/types.js';
import type {Run, Session} from './session.js';

export type {ImportRequest, ImportResult};

export interface ImportInput extends ImportRequest {
	/** Password of an existing user (`user`), when its key must be made by logging in as it. */
	userPassword?: string | null;
}

/** Checks an import's input without the network or the lock (bad input: CrmError, exit 2). */
export async function planImport(session: Session, input: ImportInput): Promise<ImportPlanInput> {
	return checkImport(await session.read(), session.packs, input);
}

export async function importProvider(
	session: Session,
	input: ImportInput,
	run: Run & {onBatch?: (batchId: string) => void},
): Promise<ImportResult> {
	await planImport(session, input);
	return session.withLock('import', (store) =>
		runImport({
			store,
			packs: session.packs,
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
