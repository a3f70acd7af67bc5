// What to do next about each failure class, in words shared by the CLI, the TUI and the service
// (docs/domain.md "Failure classes"). A leaf: the TUI's Home reads it without loading any client.
import type {FailureClass} from '../../store/schema.js';

export const NEXT_STEP: Record<FailureClass, string> = {
	host_compatibility_gap:
		'the provider answers directly but not through the host: check the host build (chat completions route, account routing) and the account on the host',
	upstream_key_quota_issue:
		'the provider key is out of balance or quota: top it up or use another key, then import again',
	upstream_auth_issue:
		'the provider refused the key: check the key and that it belongs to this URL (plan keys differ), then import again',
	upstream_rate_limited:
		'the provider kept answering 429 (rate limited) for the whole retry window (--upstream-retry-s): try again later or raise the window',
	upstream_unavailable: 'the provider is failing or overloaded: try again later',
	host_auth_issue:
		'the host refused the admin credential or needs the operator (compliance, 2FA): re-register with crm host add',
	network_unreachable: 'a host or URL could not be reached: check the URL, the network and the timeout',
	invalid_input: 'fix the input named in the message and run again',
	unknown: 'see the step message and the evidence folder',
};
