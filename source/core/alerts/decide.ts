// Which alerts a check raises (docs/domain.md "Health"): one per change of health (ok -> failing,
// failing -> ok) and one when the balance goes under its threshold, never one per check; while a
// problem lasts, a reminder at most once a day. Pure: the watch applies the returned state.
import {NEXT_STEP} from '../pipeline/failure.js';
import type {BatchHealth, HealthCheck} from '../health/types.js';
import {balanceLow} from '../health/status.js';
import type {Alert, AlertKind} from './format.js';

export const REMINDER_MS = 24 * 60 * 60_000;

export interface AlertContext {
	hostName: string;
	minBalance: number | null;
	reminderMs?: number;
}

export function subject(check: Pick<HealthCheck, 'pack' | 'batch_id'>, hostName: string): string {
	return `${check.pack} on ${hostName} (batch ${check.batch_id})`;
}

function make(check: HealthCheck, kind: AlertKind, message: string): Alert {
	return {batch_id: check.batch_id, host_id: check.host_id, pack: check.pack, kind, message, at: check.at};
}

/** The alerts `check` raises, and the health with its alert state brought up to date. */
export function decideAlerts(
	health: BatchHealth,
	check: HealthCheck,
	ctx: AlertContext,
): {health: BatchHealth; alerts: Alert[]} {
	const reminder = ctx.reminderMs ?? REMINDER_MS;
	const now = Date.parse(check.at);
	const due = (sentAt: string | null) => sentAt === null || now - Date.parse(sentAt) >= reminder;
	const who = subject(check, ctx.hostName);
	const alerts: Alert[] = [];
	const next: BatchHealth = {...health, alert: {...health.alert}, low_balance: {...health.low_balance}};
	if (check.health === 'failing') {
		const cls = check.failure_class ?? 'unknown';
		if (next.alert.health !== 'failing') {
			alerts.push(make(check, 'failing', `${who} is failing: ${cls}. ${check.message}. ${NEXT_STEP[cls]}`));
			next.alert = {health: 'failing', since: check.at, sent_at: check.at};
		} else if (due(next.alert.sent_at)) {
			alerts.push(
				make(
					check,
					'failing',
					`${who} is still failing since ${next.alert.since ?? '?'}: ${cls}. ${check.message}`,
				),
			);
			next.alert.sent_at = check.at;
		}
	} else if (check.health === 'ok' && next.alert.health === 'failing') {
		alerts.push(make(check, 'recovered', `${who} recovered: the check passes again (${check.message})`));
		next.alert = {health: 'ok', since: check.at, sent_at: check.at};
	}
	if (check.balance && check.balance.amount !== null) {
		const low = balanceLow({balance: {...check.balance, at: check.at}}, ctx.minBalance);
		const amount = `${check.balance.amount} ${check.balance.currency ?? ''}`.trim();
		if (low && (!next.low_balance.active || due(next.low_balance.sent_at))) {
			const again = next.low_balance.active ? 'is still ' : 'is ';
			alerts.push(
				make(check, 'low_balance', `${who}: the provider balance ${again}${amount}, under ${ctx.minBalance}`),
			);
			next.low_balance = {active: true, sent_at: check.at};
		} else if (!low && next.low_balance.active) {
			next.low_balance = {active: false, sent_at: next.low_balance.sent_at};
		}
	}
	return {health: next, alerts};
}
