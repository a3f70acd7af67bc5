// Failure classes (docs/domain.md "Failure classes"): what the operator should look at. The host path is compared
// with the direct upstream path so a failed completion is never blamed on the wrong side.
import type {HostErrorKind} from '../../host/errors.js';
import type {FailureClass} from '../../store/schema.js';
import type {UpstreamErrorKind} from '../../upstream/errors.js';

export function classFromUpstream(kind: UpstreamErrorKind): FailureClass {
	switch (kind) {
		case 'quota':
			return 'upstream_key_quota_issue';
		case 'auth':
			return 'upstream_auth_issue';
		case 'network':
			return 'network_unreachable';
		case 'rate_limited':
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

export const NEXT_STEP: Record<FailureClass, string> = {
	host_compatibility_gap:
		'the provider answers directly but not through the host: check the host build (chat completions route, account routing) and the account on the host',
	upstream_key_quota_issue:
		'the provider key is out of balance or quota: top it up or use another key, then import again',
	upstream_auth_issue:
		'the provider refused the key: check the key and that it belongs to this URL (plan keys differ), then import again',
	upstream_unavailable: 'the provider is rate-limiting or failing: try again later',
	host_auth_issue:
		'the host refused the admin credential or needs the operator (compliance, 2FA): re-register with crm host add',
	network_unreachable: 'a host or URL could not be reached: check the URL, the network and the timeout',
	invalid_input: 'fix the input named in the message and run again',
	unknown: 'see the step message and the evidence folder',
};
