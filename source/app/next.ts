// What to do next after an operation (docs/architecture.md "Views"): the steps after an import, in
// the order to offer them, and whether an error is worth trying again as it is (the data folder
// was locked, an address timed out or did not answer): both views offer the same next step.
import {HostError} from '../host/errors.js';
import {CrmError} from '../lib/errors.js';
import {UpstreamError} from '../upstream/errors.js';

export {afterImport, isTransientClass, type EndedImport, type NextStep} from '../core/reads/next-steps.js';

/** An error that may pass on its own: trying the same thing again is the first thing to offer. */
export function retryable(error: unknown): boolean {
	if (error instanceof CrmError) return error.kind === 'state_locked';
	if (error instanceof HostError)
		return ['network', 'timeout', 'rate_limited', 'host_error'].includes(error.kind);
	if (error instanceof UpstreamError)
		return ['network', 'timeout', 'rate_limited', 'server'].includes(error.kind);
	return false;
}
