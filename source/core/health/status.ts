// A provider's status from its health (docs/domain.md "Statuses", rule 14): `active` while checks
// pass and the balance is above its threshold; `degraded` after a failed check or under the
// threshold; `broken` after several failures in a row; `paused` while the tool holds its account
// unschedulable. A skipped check (host unreachable from here) changes nothing.
import type {FailureClass, ProviderStatus} from '../../store/schema.js';
import type {BatchHealth, HealthCheck} from './types.js';

export const PAUSABLE: ReadonlySet<FailureClass> = new Set([
	'upstream_key_quota_issue',
	'upstream_auth_issue',
]);

export interface StatusRules {
	brokenAfter: number;
	/** null: no balance threshold. */
	minBalance: number | null;
}

export function balanceLow(h: Pick<BatchHealth, 'balance'>, minBalance: number | null): boolean {
	const amount = h.balance?.amount;
	return minBalance !== null && typeof amount === 'number' && amount < minBalance;
}

export function deriveStatus(h: BatchHealth, rules: StatusRules): ProviderStatus {
	if (h.paused) return 'paused';
	if (h.health === 'failing') return h.consecutive_failures >= rules.brokenAfter ? 'broken' : 'degraded';
	if (h.health === 'skipped') return h.provider_status;
	return balanceLow(h, rules.minBalance) ? 'degraded' : 'active';
}

/** The batch's health after one more check (alert state untouched: see core/alerts/decide.ts). */
export function applyCheck(prev: BatchHealth, check: HealthCheck, rules: StatusRules): BatchHealth {
	const next: BatchHealth = {...prev, last_check_at: check.at};
	if (check.health === 'skipped') {
		next.provider_status = prev.provider_status;
		next.note = check.message;
		return next;
	}
	next.health = check.health;
	next.failure_class = check.failure_class;
	next.latency_ms = check.latency_ms;
	if (check.balance) next.balance = {...check.balance, at: check.at};
	if (check.health === 'ok') {
		next.consecutive_failures = 0;
		next.consecutive_pausable = 0;
	} else {
		next.consecutive_failures = prev.consecutive_failures + 1;
		next.consecutive_pausable =
			check.failure_class && PAUSABLE.has(check.failure_class) ? prev.consecutive_pausable + 1 : 0;
	}
	next.provider_status = deriveStatus(next, rules);
	return next;
}
