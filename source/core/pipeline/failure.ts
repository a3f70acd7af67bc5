// Failure classes (docs/domain.md "Failure classes"): what the operator should look at. The host path is compared
// with the direct upstream path so a failed completion is never blamed on the wrong side.
import {HostError, type HostErrorKind} from '../../host/errors.js';
import type {FailureClass} from '../../store/schema.js';
import {UpstreamError, type UpstreamErrorKind} from '../../upstream/errors.js';

export function classFromUpstream(kind: UpstreamErrorKind): FailureClass {
	switch (kind) {
		case 'quota':
			return 'upstream_key_quota_issue';
		case 'auth':
		case 'not_in_plan':
			return 'upstream_auth_issue';
		case 'network':
			return 'network_unreachable';
		case 'rate_limited':
			return 'upstream_rate_limited';
		case 'server':
		case 'timeout':
			return 'upstream_unavailable';
		default:
			return 'unknown';
	}
}

export function classFromHostError(kind: HostErrorKind): FailureClass {
	switch (kind) {
		case 'auth':
		case 'compliance_required':
		case 'step_up_required':
			return 'host_auth_issue';
		case 'network':
		case 'timeout':
			return 'network_unreachable';
		case 'not_sub2api':
			return 'host_compatibility_gap';
		default:
			return 'unknown';
	}
}

/** Error codes of a connection refused, reset, timed out or with no route: the network, not `unknown`. */
const NETWORK_CODES = new Set([
	'ECONNREFUSED',
	'ECONNRESET',
	'ETIMEDOUT',
	'EHOSTUNREACH',
	'ENETUNREACH',
	'ENOTFOUND',
	'EAI_AGAIN',
	'EPIPE',
	'ECONNABORTED',
	'ESOCKETTIMEDOUT',
]);

/**
 * The class of an error that is not already a step's failure: a host's or provider's classified
 * error, else a refused or stalled connection (network_unreachable); only what none of these
 * explains is `unknown`.
 */
export function classOfError(error: unknown): FailureClass {
	if (error instanceof HostError) return classFromHostError(error.kind);
	if (error instanceof UpstreamError) return classFromUpstream(error.kind);
	const code = (error as {code?: unknown} | null)?.code;
	const failure = (error as {failure?: unknown} | null)?.failure;
	if (typeof code === 'string' && NETWORK_CODES.has(code)) return 'network_unreachable';
	if (failure === 'network' || failure === 'timeout') return 'network_unreachable';
	if (error instanceof Error && error.name === 'TimeoutError') return 'network_unreachable';
	return 'unknown';
}

export {NEXT_STEP} from './next-step.js';
