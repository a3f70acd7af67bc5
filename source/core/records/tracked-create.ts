// A create is never sent twice blindly (docs/domain.md) and never leaves something on the host that
// state does not know: the record is written as pending before the request, with the marker the body
// carries; after it, confirmed with the host id. When the answer is lost (network, timeout, 5xx) the
// resource is looked up by its name, and a match counts only when it shows this record's marker: a
// same-named resource without it makes the record `unknown` (never deleted, adoptable).
import {HostError} from '../../host/errors.js';
import type {ResourceRecord, ResourceType} from '../../store/schema.js';
import type {BatchRecorder} from './batch-recorder.js';
import {pickCandidate} from './provenance.js';

export interface Created {
	id: string | number;
}

function answerMayBeLost(error: unknown): boolean {
	if (!(error instanceof HostError)) return false;
	return (
		error.kind === 'network' ||
		error.kind === 'timeout' ||
		// An answer that cannot be read (an HTML page, truncated JSON, a 2xx that fails the schema) says
		// nothing about whether the create happened: the host may well have made it.
		error.kind === 'not_sub2api' ||
		(error.status !== null && (error.status >= 500 || error.status < 300))
	);
}

/**
 * Creates one resource with its record written first. `snapshot` must hold the marker the body
 * carries (markerSnapshot); `findByName` lists the host's resources of the record's name.
 */
export async function trackedCreate<T extends Created & Record<string, unknown>>(
	recorder: BatchRecorder,
	type: ResourceType,
	name: string,
	snapshot: Record<string, unknown>,
	create: () => Promise<T>,
	findByName: () => Promise<T[]>,
): Promise<T> {
	const record = await recorder.pending(type, name, snapshot);
	try {
		const made = await create();
		await recorder.confirm(record, made.id);
		return made;
	} catch (error) {
		if (answerMayBeLost(error)) {
			const found = await findByName().catch(() => [] as T[]);
			const {proven, other, why} = pickCandidate(record, found, recorder.batchId);
			if (proven) {
				await recorder.confirm(record, proven.id);
				return proven;
			}
			if (other) {
				await recorder.unknown(record, other.id);
				if (error instanceof HostError)
					error.message = `${error.message}; ${unknownNote(record, other.id, why)}`;
			}
			// Nothing of that name: the record stays pending; the next run on this host resolves it.
		} else if (error instanceof HostError) {
			await recorder.failed(record);
		}
		throw error;
	}
}

/** What an `unknown` record means, for messages and reconcile. */
export function unknownNote(
	record: ResourceRecord,
	candidateId: string | number,
	why: string | null,
): string {
	return `the host's ${record.resource_type} ${candidateId} has the recorded name but ${why ?? 'not its marker'}, so it is not proven this batch's: recorded as unknown, never deleted (crm adopt records it if it is)`;
}

/** Exact-name matches over a search answer (search is a substring match on the host). */
export function byExactName<T extends {name?: string | null; email?: string | null}>(
	items: T[],
	name: string,
): T[] {
	return items.filter((i) => i.name === name || i.email === name);
}
