// `crm batch-runs` and `crm batch-run show RUN` (docs/cli.md): every run of import-batch, and the
// document one printed. Reads only: never locks.
import {listRuns, readRun, type RunView} from '../core/batch-import/runs.js';
import type {BatchResult} from '../core/batch-import/types.js';
import {resolveHost} from '../core/hosts/lookup.js';
import type {Session} from './session.js';

export type {RunView as BatchRunView};
/** A new run id of the shape `crm batch-run show RUN` takes (a view naming a run before it starts). */
export {newRunId} from '../core/batch-import/runs.js';

export async function listBatchRuns(session: Session, input: {host?: string}): Promise<RunView[]> {
	const store = await session.read();
	const hostId = input.host === undefined ? undefined : resolveHost(store.data, input.host).host_id;
	return listRuns(store.data, hostId);
}

export interface BatchRunDocument {
	run: RunView;
	/** What import-batch printed; null for a run that never finished (interrupted). */
	document: BatchResult | null;
}

export async function showBatchRun(
	session: Session,
	input: {run: string | undefined},
): Promise<BatchRunDocument> {
	return readRun(await session.read(), input.run);
}
