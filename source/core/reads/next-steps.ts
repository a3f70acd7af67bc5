// What to do next after an operation ended, first the one that fits best (docs/domain.md, the
// operator's next step): after a stop or a failure that left resources on the host, rolling them
// back; after a transient failure (the data folder locked, a timeout, an address not answering,
// the provider failing for now), trying again; after success, checking it. Views phrase the steps
// in their own words (a TUI action, a CLI command); the order is decided here once.
import type {FailureClass} from '../../store/schema.js';

export type NextStep = 'rollback' | 'retry' | 'smoke' | 'reconcile' | 'repair' | 'fix_input';

/** Failure classes that may pass on their own: trying again is the first thing to do. */
const TRANSIENT = new Set<string>(['network_unreachable', 'upstream_unavailable', 'upstream_rate_limited']);

export function isTransientClass(failureClass: FailureClass | string | null | undefined): boolean {
	return Boolean(failureClass && TRANSIENT.has(failureClass));
}

export interface EndedImport {
	batch_status: string;
	failure_class: FailureClass | string | null;
	/** Resources it recorded as created (still on the host). */
	resources: number;
	stopped_by_operator?: boolean;
}

/** The steps after an import (first: the highlighted one). */
export function afterImport(r: EndedImport): NextStep[] {
	if (r.batch_status === 'succeeded') return ['smoke', 'reconcile', 'rollback'];
	const again: NextStep[] =
		r.stopped_by_operator || isTransientClass(r.failure_class)
			? ['retry']
			: r.failure_class === 'invalid_input'
				? ['fix_input']
				: [];
	if (r.resources > 0) return ['rollback', ...again, 'reconcile', 'smoke'];
	return again;
}
