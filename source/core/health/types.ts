// The shapes of health watching (docs/domain.md "Health", docs/cli.md `crm watch`): one check, the
// per-batch summary the watch keeps between checks, and the watch's options.
import type {FailureClass, HealthState, ProviderStatus} from '../../store/schema.js';

export type HealthMode = 'completion' | 'models';

export interface BalanceView {
	amount: number | null;
	currency: string | null;
	source: string | null;
}

/** One health check of one batch, as `crm watch` prints it and the history file keeps it. */
export interface HealthCheck {
	batch_id: string;
	host_id: string;
	pack: string;
	health: HealthState;
	failure_class: FailureClass | null;
	models_ok: boolean;
	/** null where the provider is checked with /v1/models only (completions cost too much). */
	completion_ok: boolean | null;
	latency_ms: number | null;
	/** Read where the provider has a balance API and the key is kept; else null. */
	balance: BalanceView | null;
	at: string;
	mode: HealthMode;
	/** The address the check went through (the gateway, or the admin address as a fallback). */
	gateway_used: string | null;
	/** The direct check of the provider with the kept key, when the host check failed. */
	direct: {ok: boolean; status: number | null; kind: string | null} | null;
	message: string;
	/** What the watch did after this check: paused, resumed, or why it left the account alone. */
	action: string | null;
}

/** What the watch remembers about a batch between checks (DATA/health/summary.json, no secrets). */
export interface BatchHealth {
	health: HealthState;
	failure_class: FailureClass | null;
	last_check_at: string;
	latency_ms: number | null;
	consecutive_failures: number;
	/** Consecutive failures of class quota or auth (what auto-pause counts). */
	consecutive_pausable: number;
	provider_status: ProviderStatus;
	balance: (BalanceView & {at: string}) | null;
	/** The health the last alert announced, so one change raises one alert. */
	alert: {health: 'ok' | 'failing'; since: string | null; sent_at: string | null};
	low_balance: {active: boolean; sent_at: string | null};
	/** Set while the tool holds the account unschedulable (auto-pause). */
	paused: {at: string; account_id: string} | null;
	/** The last thing worth telling the operator that is not a check result (left alone, ...). */
	note: string | null;
}

export interface WatchOptions {
	/** Only this host's batches (id). */
	hostId?: string | null;
	/** Only these batches. */
	batchIds?: string[] | null;
	/** Between two checks of one batch; default 15 minutes (a pack may set its own). */
	intervalMs?: number | null;
	/** A share of the interval added or taken at random, so checks spread out. Default 0.1. */
	jitterRatio?: number;
	/** Consecutive failures after which a provider reads broken. Default 3. */
	brokenAfter?: number;
	/** Checks at once against one host. Default 4. */
	perHostConcurrency?: number;
	/** History retention. */
	historyMaxAgeDays?: number;
	historyMaxCount?: number;
}

export const DEFAULT_INTERVAL_MS = 15 * 60_000;
export const DEFAULT_BROKEN_AFTER = 3;
export const DEFAULT_PER_HOST = 4;
export const DEFAULT_PAUSE_AFTER = 3;
