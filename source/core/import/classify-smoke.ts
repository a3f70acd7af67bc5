// Which side a failed access smoke is on (docs/domain.md "Failure classes"): host_compatibility_gap only when the
// provider answered the same key directly.
import type {FailureClass} from '../../store/schema.js';
import {classFromUpstream} from '../pipeline/failure.js';
import type {SmokeOutcome} from './smoke.js';
import type {UpstreamProbe} from './upstream-probe.js';

export function classifySmokeFailure(
	smoke: Pick<SmokeOutcome, 'last_error'>,
	upstream: Pick<UpstreamProbe, 'chat_ok' | 'chat_error'> | null,
): FailureClass {
	const error = smoke.last_error;
	const code = error?.code ?? '';
	if (
		['INSUFFICIENT_BALANCE', 'SUBSCRIPTION_NOT_FOUND', 'GROUP_NOT_ALLOWED', 'INVALID_API_KEY'].includes(code)
	) {
		return 'host_compatibility_gap';
	}
	if (upstream?.chat_ok) return 'host_compatibility_gap';
	if (upstream?.chat_error) {
		const cls = classFromUpstream(upstream.chat_error.kind);
		if (cls !== 'network_unreachable' && cls !== 'unknown') return cls;
	}
	// The jump host could not judge the provider: read the gateway's own words.
	const message = error?.message ?? '';
	if (/upstream authentication|upstream access forbidden/i.test(message)) return 'upstream_auth_issue';
	if (/quota|balance|insufficient|arrearage|欠费/i.test(message)) return 'upstream_key_quota_issue';
	if (error?.status === 429 || /upstream (rate limit|service)/i.test(message)) return 'upstream_unavailable';
	if (error?.status === null && error) return 'network_unreachable';
	// This machine could not reach the provider either, and the host's path failed: the provider is
	// unreachable, not an unknown failure.
	if (upstream?.chat_error && classFromUpstream(upstream.chat_error.kind) === 'network_unreachable')
		return 'network_unreachable';
	return 'unknown';
}
