// The end of an acceptance run (docs/domain.md "Acceptance"): the verdict from what each mode
// reached, then 07-access-status.json, 21-summary.json and README.md, and the index entry's result.
import {writeFileSync} from 'node:fs';
import path from 'node:path';
import {redactText} from '../../lib/secrets.js';
import type {AccessStatus, FailureClass} from '../../store/schema.js';
import type {StateStore} from '../../store/state-store.js';
import type {ImportPlanInput} from '../import/types.js';
import type {AccessMode} from '../packs/packs.js';
import {providerRows} from '../reads/status.js';
import {FILES, TOOL_NAME, toolVersion} from './files.js';
import {renderReadme} from './readme.js';
import {seedSummaryKeys} from './seed-keys.js';
import type {RunFolder} from './run-folder.js';
import type {ProbeOutcome, RunError} from './steps.js';
import type {AcceptAccess, AcceptanceBatch, AcceptanceResult} from './types.js';

const isReady = (s: AccessStatus) => s === 'self_service_ready' || s === 'subscription_ready';

export interface Verdict {
	ready: boolean;
	accessStatus: AccessStatus;
	failureClass: FailureClass | null;
	/** `ready`, a failure class, or `stopped`. */
	result: string;
}

/** Ready when every asked mode is; fully_ready when both were asked and are (docs/domain.md "Ready"). */
export function verdictOf(
	modes: AccessMode[],
	batches: AcceptanceBatch[],
	probe: ProbeOutcome,
	errors: RunError[],
	stopped: boolean,
): Verdict {
	const ready = modes.every((m) => batches.some((b) => b.access_mode === m && isReady(b.access_status)));
	const readyModes = batches.filter((b) => isReady(b.access_status)).map((b) => b.access_mode);
	let accessStatus: AccessStatus;
	if (ready && modes.length === 2) accessStatus = 'fully_ready';
	else if (batches.length === 0) accessStatus = 'pending';
	else if (readyModes.length > 0 && !ready)
		accessStatus = readyModes[0] === 'subscription' ? 'subscription_ready' : 'self_service_ready';
	else accessStatus = batches[0]!.access_status;
	const failed = batches.find((b) => !isReady(b.access_status));
	const failureClass: FailureClass | null = ready
		? null
		: (probe.error?.failure_class ??
			failed?.failure_class ??
			errors[0]?.failure_class ??
			(stopped ? null : 'unknown'));
	const result = ready ? 'ready' : stopped && !failureClass ? 'stopped' : (failureClass ?? 'unknown');
	return {ready, accessStatus, failureClass, result};
}

/** The provider (host, pack, base URL) on the host after the run, as status shows it. */
function providerOf(store: StateStore, first: ImportPlanInput) {
	return (
		providerRows(store.data, first.host.host_id).find(
			(r) => r.pack === first.pack.id && r.base_url === first.baseUrl,
		) ?? null
	);
}

/** 07-access-status.json: each mode's outcome and the provider's status on the host after the run. */
export function writeAccessStatus(
	store: StateStore,
	run: RunFolder,
	first: ImportPlanInput,
	access: AcceptAccess,
	modes: AccessMode[],
	batches: AcceptanceBatch[],
	verdict: Verdict,
): void {
	const provider = providerOf(store, first);
	run.write(FILES.accessStatus, {
		run_id: run.runId,
		access,
		access_status: verdict.accessStatus,
		fully_ready: verdict.ready && modes.length === 2,
		modes: modes.map((mode) => {
			const b = batches.find((x) => x.access_mode === mode);
			return {
				access_mode: mode,
				batch_id: b?.batch_id ?? null,
				batch_status: b?.batch_status ?? null,
				access_status: b?.access_status ?? 'pending',
				ready: b ? isReady(b.access_status) : false,
				failure_class: b?.failure_class ?? null,
				smoke_model: b?.smoke_model ?? null,
				completion_ok: b?.completion_ok ?? false,
				completion_status: b?.completion_status ?? null,
				completion_type: b?.completion_type ?? null,
				completion_preview: b?.completion_preview ?? null,
				probe_advisory: b?.probe_advisory ?? false,
			};
		}),
		host_provider: provider && {
			host_id: provider.host_id,
			host: provider.host,
			pack: provider.pack,
			base_url: provider.base_url,
			latest_batch: provider.latest_batch,
			provider_status: provider.provider_status,
			latest_access_status: provider.access_status,
			modes_ready: provider.modes_ready,
			fully_ready: provider.access_status === 'fully_ready',
		},
	});
}

/** 21-summary.json and README.md, then the index entry gets its result. */
export async function writeSummary(
	store: StateStore,
	run: RunFolder,
	out: AcceptanceResult,
	first: ImportPlanInput,
	stopped: boolean,
): Promise<void> {
	run.write(FILES.summary, {
		...out,
		key_fingerprint: first.fingerprint,
		tool: {name: TOOL_NAME, version: toolVersion()},
		// The original system's keys, both host addresses, and each batch (docs/evidence.md).
		...(await seedSummaryKeys(store, first.host, out.batches, providerOf(store, first), out.access_status)),
		stopped_by_operator: stopped,
	});
	writeFileSync(path.join(run.dir, FILES.readme), redactText(renderReadme(out, first.fingerprint)), {
		mode: 0o600,
	});
	run.record(FILES.readme);
	Object.assign(run.entry, {
		result: out.result,
		access_status: out.access_status,
		failure_class: out.failure_class,
		finished_at: out.finished_at,
	});
	await store.write();
}
