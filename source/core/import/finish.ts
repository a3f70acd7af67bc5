// The end of an import: the batch's status, its provider's and its access status from what the steps
// reached, the summary step (unless the operator stopped the run), and the result every view shows
// (docs/domain.md "Statuses").
import type {ProviderStatus, FailureClass} from '../../store/schema.js';
import {NEXT_STEP} from '../pipeline/failure.js';
import type {StepRunner} from '../pipeline/steps.js';
import type {BatchRecorder} from '../records/batch-recorder.js';
import type {SmokeOutcome} from './smoke.js';
import type {ImportPlanInput, ImportResult} from './types.js';
import type {UpstreamProbe} from './upstream-probe.js';
import {importWarnings} from './warnings.js';

export interface FinishInput {
	recorder: BatchRecorder;
	runner: StepRunner;
	input: ImportPlanInput;
	failureClass: FailureClass | null;
	upstream: UpstreamProbe | null;
	/** The upstream probe's evidence when it stopped the import (no full probe then). */
	upstreamEvidence: Partial<UpstreamProbe> | null;
	smoke: SmokeOutcome | null;
	probeAdvisory: boolean;
	signal: AbortSignal;
}

export async function finish(f: FinishInput): Promise<ImportResult> {
	const {recorder, input} = f;
	const ready = Boolean(f.smoke?.access_status.endsWith('_ready'));
	const created = recorder.file.resources.some(
		(r) => r.status === 'created' || r.status === 'pending' || r.status === 'unknown',
	);
	const warned = recorder.file.steps.some((s) => s.status === 'warn');
	const stopped = f.signal.aborted;
	// A ready import is `active`; its warnings (probe advisory, dropped models, a retried smoke) are
	// listed with it, they are not a status (docs/domain.md statuses).
	const providerStatus: ProviderStatus | null = ready ? 'active' : created ? 'broken' : null;
	const warnings = warned
		? importWarnings({
				steps: recorder.file.steps,
				upstream: f.upstream,
				smoke: f.smoke,
				probeAdvisory: f.probeAdvisory,
			})
		: [];
	const stoppedAt = ready
		? null
		: (recorder.file.steps.find((s) => s.status === 'fail')?.name ?? f.runner.current);
	const summaryMessage = ready
		? `ready: ${f.smoke?.access_status}`
		: stopped
			? `stopped by the operator during ${stoppedAt}`
			: `failed at ${stoppedAt}: ${f.failureClass ?? 'unknown'} — ${NEXT_STEP[f.failureClass ?? 'unknown']}`;
	if (!stopped) {
		await f.runner
			.run('summary', async () => ({status: ready ? 'ok' : 'ok', message: summaryMessage, value: null}))
			.catch(() => {});
	}
	const result: ImportResult = {
		batch_id: recorder.batchId,
		host_id: input.host.host_id,
		pack: input.pack.id,
		access_mode: input.accessMode,
		batch_status: ready ? 'succeeded' : 'failed',
		provider_status: providerStatus,
		access_status: f.smoke?.access_status ?? (created ? 'broken' : 'pending'),
		failure_class: ready ? null : (f.failureClass ?? (stopped ? null : 'unknown')),
		completion_ok: f.smoke?.completion_ok ?? false,
		completion_status: f.smoke?.completion_status ?? null,
		completion_type: f.smoke?.completion_type ?? null,
		completion_preview: f.smoke?.completion_preview ?? null,
		probe_advisory: f.probeAdvisory,
		smoke_model: f.upstream?.choice.smokeModel ?? null,
		gateway_used: f.smoke?.gateway_used ?? null,
		warnings,
		stopped_at_step: stoppedAt,
		stopped_by_operator: stopped,
		steps: recorder.file.steps.map((s) => ({
			name: s.name,
			status: s.status,
			duration_ms: s.duration_ms,
			message: s.message,
		})),
		resources: recorder.file.resources
			.filter((r) => r.status !== 'failed')
			.map((r) => ({resource_type: r.resource_type, host_resource_id: r.host_resource_id, name: r.name})),
		artifacts_dir: recorder.artifactsDir,
	};
	await recorder.finish(
		{
			batch_status: result.batch_status,
			access_status: result.access_status,
			provider_status: result.provider_status,
			failure_class: result.failure_class,
			stopped_at_step: result.stopped_at_step,
			pid: null,
			warnings: warnings.map((w) => w.code),
		},
		{...result, stopped_by_operator: stopped, upstream: f.upstream ?? f.upstreamEvidence, smoke: f.smoke},
	);
	return result;
}
