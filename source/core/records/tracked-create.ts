// A create is never sent twice blindly (docs/domain.md "Write-ahead records") and never leaves something on the host that
// state does not know: the record is written as pending before the request; after it, confirmed with
// the host id. When the answer is lost (network, timeout, 5xx) the resource is looked up by its unique
// name before anyone thinks of sending it again.
import {HostError} from '../../host/errors.js';
import type {ResourceType} from '../../store/schema.js';
import type {BatchRecorder} from './batch-recorder.js';

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

export async function trackedCreate<T extends Created>(
	recorder: BatchRecorder,
	type: ResourceType,
	name: string,
	snapshot: Record<string, unknown>,
	create: () => Promise<T>,
	findByName: () => Promise<T | null>,
): Promise<T> {
	const record = await recorder.pending(type, name, snapshot);
	try {
		const made = await create();
		await recorder.confirm(record, made.id);
		return made;
	} catch (error) {
		if (answerMayBeLost(error)) {
			const found = await findByName().catch(() => null);
			if (found) {
				await recorder.confirm(record, found.id);
				return found;
			}
			// Still unknown: the record stays pending; the next run on this host resolves it by name.
		} else if (error instanceof HostError) {
			await recorder.failed(record);
		}
		throw error;
	}
}

/** Exact-name match over a search answer (search is a substring match on the host). */
export function byExactName<T extends {name?: string | null; email?: string | null}>(
	items: T[],
	name: string,
): T | null {
	return items.find((i) => i.name === name || i.email === name) ?? null;
}
