// Adopt a host resource into a batch (docs/cli.md `crm adopt`): flags checked without the lock or the
// host, then the read, the operator's confirmation and the record under the lock.
import {checkAdoptInput, runAdopt, type AdoptFound, type AdoptResult} from '../core/drift/adopt.js';
import type {Session} from './session.js';

export type {AdoptFound, AdoptResult};

export interface AdoptInput {
	batchId: string | undefined;
	type: string | undefined;
	id: string | undefined;
}

/** Bad input (exit 2, naming the flag) before anything else happens. */
export function planAdopt(input: AdoptInput) {
	return checkAdoptInput(input.batchId, input.type, input.id);
}

export async function adoptResource(
	session: Session,
	input: AdoptInput,
	run: {signal: AbortSignal; confirm: (found: AdoptFound) => Promise<boolean>},
): Promise<AdoptResult> {
	planAdopt(input);
	return session.withLock('adopt', (store) =>
		runAdopt({
			store,
			...input,
			signal: run.signal,
			operator: session.operator,
			timing: session.timing,
			confirm: run.confirm,
		}),
	);
}
