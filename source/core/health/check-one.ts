// One batch's turn in the watch (docs/domain.md "Health"): its check (or, while the tool holds its
// account paused, the direct check that decides when to resume), the new health and provider status,
// the alerts that change raises, and auto-pause when the host opted in.
import type {StateStore} from '../../store/state-store.js';
import {decideAlerts, subject} from '../alerts/decide.js';
import type {Alert} from '../alerts/format.js';
import type {Operator} from '../hosts/access.js';
import type {Timing} from '../import/types.js';
import {classFromUpstream} from '../pipeline/failure.js';
import {classifySmokeFailure} from '../import/classify-smoke.js';
import type {UpstreamErrorKind} from '../../upstream/errors.js';
import {autoPauseOf, pauseAccount, resumeAccount} from './auto-pause.js';
import {directCheck, runCheck, type CheckTarget} from './check.js';
import {applyCheck, PAUSABLE, type StatusRules} from './status.js';
import type {BatchHealth, HealthCheck} from './types.js';

export interface TurnContext {
	timing: Timing;
	rules: StatusRules;
	signal: AbortSignal;
	operator?: Operator;
	/** Runs `fn` holding the state lock (waits a while; throws when the folder stays busy). */
	withLock<T>(fn: (store: StateStore) => Promise<T>): Promise<T>;
}

export interface Turn {
	check: HealthCheck;
	health: BatchHealth;
	alerts: Alert[];
}

const lockProblem = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Checks one batch and works out what follows; writes nothing but what a pause or resume records. */
export async function takeTurn(t: CheckTarget, prev: BatchHealth, c: TurnContext): Promise<Turn> {
	if (prev.paused) return pausedTurn(t, prev, c);
	const check = await runCheck(t, {timeoutMs: c.timing.requestTimeoutMs, signal: c.signal});
	const decided = decideAlerts(applyCheck(prev, check, c.rules), check, {
		hostName: t.host.name,
		minBalance: c.rules.minBalance,
	});
	const turn: Turn = {check, health: decided.health, alerts: decided.alerts};
	const setting = autoPauseOf(t.host);
	const pausable = check.health === 'failing' && check.failure_class && PAUSABLE.has(check.failure_class);
	if (!setting.enabled || !pausable || turn.health.consecutive_pausable < setting.pause_after) return turn;
	if (!t.providerKey) {
		check.action =
			'not paused: auto-pause needs the provider key kept (--keep-key) to check it before resuming';
		turn.health.note = check.action;
		return turn;
	}
	const reason = `${turn.health.consecutive_pausable} consecutive ${check.failure_class} failures`;
	try {
		const out = await c.withLock((store) =>
			pauseAccount(
				{
					store,
					host: t.host,
					batchId: t.batch.batch_id,
					timing: c.timing,
					operator: c.operator,
					signal: c.signal,
				},
				reason,
			),
		);
		check.action = out.done ? `paused: ${out.detail}` : `not paused: ${out.detail}`;
		turn.health.note = check.action;
		if (out.done) {
			turn.health.paused = {at: check.at, account_id: out.account_id ?? ''};
			turn.health.provider_status = 'paused';
			turn.alerts.push(alert(t, check, 'paused', `${subject(check, t.host.name)}: ${out.detail}`));
		}
	} catch (error) {
		check.action = `not paused yet: ${lockProblem(error)}`;
	}
	return turn;
}

function alert(t: CheckTarget, check: HealthCheck, kind: Alert['kind'], message: string): Alert {
	return {
		batch_id: t.batch.batch_id,
		host_id: t.host.host_id,
		pack: t.batch.pack,
		kind,
		message,
		at: check.at,
	};
}

/** While paused: only the provider itself is asked; a good answer resumes the account and smokes it. */
async function pausedTurn(t: CheckTarget, prev: BatchHealth, c: TurnContext): Promise<Turn> {
	const at = new Date().toISOString();
	const direct = await directCheck(t, {timeoutMs: c.timing.requestTimeoutMs, signal: c.signal});
	const check: HealthCheck = {
		batch_id: t.batch.batch_id,
		host_id: t.host.host_id,
		pack: t.batch.pack,
		health: 'failing',
		failure_class: direct.kind ? classFromUpstream(direct.kind as UpstreamErrorKind) : prev.failure_class,
		models_ok: false,
		completion_ok: t.mode === 'completion' ? false : null,
		latency_ms: null,
		balance: null,
		at,
		mode: t.mode,
		gateway_used: null,
		direct: {ok: direct.ok, status: direct.status, kind: direct.kind},
		message: `paused by the tool; direct check: ${direct.message}`,
		action: 'still paused',
	};
	const health: BatchHealth = {...prev, last_check_at: at, failure_class: check.failure_class};
	if (!direct.ok) return {check, health, alerts: []};
	let out;
	try {
		out = await c.withLock((store) =>
			resumeAccount(
				{
					store,
					host: t.host,
					batchId: t.batch.batch_id,
					timing: c.timing,
					operator: c.operator,
					signal: c.signal,
				},
				t.userKey ?? '',
				t.smokeModel ?? '',
			),
		);
	} catch (error) {
		check.action = `not resumed yet: ${lockProblem(error)}`;
		return {check, health, alerts: []};
	}
	if (out.by_hand) {
		// The operator set it back: the tool's pause is over; check it the ordinary way now.
		const next = await takeTurn(t, {...prev, paused: null, provider_status: 'degraded'}, c);
		next.check.action = out.detail;
		next.health.note = out.detail;
		return next;
	}
	if (!out.done || !out.smoke) {
		check.action = `left paused: ${out.detail}`;
		return {check, health: {...health, note: check.action}, alerts: []};
	}
	const ready = out.smoke.access_status.endsWith('_ready');
	check.health = ready ? 'ok' : 'failing';
	check.failure_class = ready ? null : classifySmokeFailure(out.smoke, {chat_ok: true, chat_error: null});
	check.models_ok = out.smoke.models_ok;
	check.completion_ok = out.smoke.completion_ok;
	check.message = `direct check passed; ${out.detail}`;
	check.action = 'resumed';
	// One alert for the change: `resumed` says the provider is back, so no separate `recovered`.
	const resumed: BatchHealth = {
		...applyCheck({...prev, paused: null}, check, c.rules),
		alert: ready ? {health: 'ok', since: at, sent_at: at} : prev.alert,
		note: out.detail,
	};
	return {
		check,
		health: resumed,
		alerts: [alert(t, check, 'resumed', `${subject(check, t.host.name)}: ${out.detail}`)],
	};
}
