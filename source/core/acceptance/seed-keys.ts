// The keys the original system's 21-summary.json carried (docs/evidence.md), so scripts written for
// it keep working: batch and provider status, `latest_access_status`, `account_probe_summary` (the
// fresh-host 403 race recorded as an advisory) and the upstream evidence (the provider's own /models
// and direct chat, which split host failures from upstream ones).
import type {AccessStatus, BatchFile, FailureClass, HostRecord} from '../../store/schema.js';
import type {StateStore} from '../../store/state-store.js';
import {gatewayUrl} from '../hosts/addresses.js';
import type {UpstreamProbe} from '../import/upstream-probe.js';
import type {ProviderRow} from '../reads/status.js';
import type {AcceptanceBatch} from './types.js';

export interface AccountProbeSummary {
	/** The host's account test: ok, warn, fail, skipped, or null when it never ran. */
	account_test_status: string | null;
	/** ok | warning | failed (the original's words); null when it never ran. */
	validation_status: 'ok' | 'warning' | 'failed' | null;
	/** A first 403 while the account already listed the smoke model (a fresh-host race). */
	probe_advisory: boolean;
	message: string | null;
}

export interface UpstreamEvidence {
	upstream_models_url: string | null;
	/** HTTP status of the provider's /models (null: no answer). */
	upstream_models_status: number | null;
	upstream_models_count: number | null;
	/** HTTP status of the direct chat (null: no answer). */
	upstream_chat_status: number | null;
	upstream_chat_ok: boolean;
	/** The failure class of the direct chat's answer; null when it worked. */
	upstream_chat_class: FailureClass | null;
}

const VALIDATION: Record<string, AccountProbeSummary['validation_status']> = {
	ok: 'ok',
	warn: 'warning',
	fail: 'failed',
};

export function accountProbeSummary(batch: AcceptanceBatch): AccountProbeSummary {
	const step = batch.steps.find((s) => s.name === 'account_test');
	return {
		account_test_status: step?.status ?? null,
		validation_status: step ? (VALIDATION[step.status] ?? null) : null,
		probe_advisory: batch.probe_advisory,
		message: step?.message ?? null,
	};
}

export function upstreamEvidence(file: BatchFile | null): UpstreamEvidence {
	const probe = (file?.summary?.upstream ?? null) as UpstreamProbe | null;
	return {
		upstream_models_url: probe?.models_url ?? null,
		upstream_models_status: probe?.models_status ?? null,
		upstream_models_count: probe?.live_models?.length ?? null,
		upstream_chat_status: probe?.chat_status ?? null,
		upstream_chat_ok: probe?.chat_ok ?? false,
		upstream_chat_class: probe?.chat_class ?? null,
	};
}

/** One batch as 21-summary.json lists it. */
function batchEntry(b: AcceptanceBatch, file: BatchFile | null) {
	return {
		access_mode: b.access_mode,
		batch_id: b.batch_id,
		batch_status: b.batch_status,
		provider_status: b.provider_status,
		access_status: b.access_status,
		failure_class: b.failure_class,
		stopped_at_step: b.stopped_at_step,
		smoke_model: b.smoke_model,
		completion_ok: b.completion_ok,
		completion_status: b.completion_status,
		completion_type: b.completion_type,
		probe_advisory: b.probe_advisory,
		gateway_used: b.gateway_used,
		warnings: b.warnings.map((w) => w.code),
		account_probe_summary: accountProbeSummary(b),
		upstream: upstreamEvidence(file),
		forced_over: b.forced_over,
		reconcile_status: b.reconcile_status,
		evidence_file: b.evidence_file,
	};
}

/**
 * The summary's keys beyond the run result: the first mode's batch at the top level (a one-mode
 * run reads exactly like the original's), every batch in `batches`, both host addresses.
 */
export async function seedSummaryKeys(
	store: StateStore,
	host: HostRecord,
	batches: AcceptanceBatch[],
	provider: ProviderRow | null,
	accessStatus: AccessStatus,
) {
	const files = await Promise.all(batches.map((b) => store.readBatch(b.batch_id).catch(() => null)));
	const first = batches[0] ?? null;
	return {
		batch_status: first?.batch_status ?? null,
		provider_status: provider?.provider_status ?? first?.provider_status ?? null,
		latest_access_status: provider?.access_status ?? accessStatus,
		account_probe_summary: first ? accountProbeSummary(first) : null,
		...upstreamEvidence(files[0] ?? null),
		host_url: host.url,
		gateway_url: gatewayUrl(host),
		gateway_used: first?.gateway_used ?? null,
		warnings: provider?.warnings ?? [],
		batches: batches.map((b, i) => batchEntry(b, files[i] ?? null)),
	};
}

/** The host as the run's input and probe files name it: both addresses, never the credential. */
export function hostEntry(host: HostRecord) {
	return {
		host_id: host.host_id,
		name: host.name,
		url: host.url,
		gateway_url: gatewayUrl(host),
		auth_type: host.auth_type,
	};
}
