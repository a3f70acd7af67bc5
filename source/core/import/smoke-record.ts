// The access smoke as one recorded step, the same wherever it runs (the import, repair, smoke
// again): the `access_smoke` step runs the smoke with the managed user's key and records its access
// result in the batch before the step ends (docs/domain.md "Ready").
import type {AccessMode} from '../packs/packs.js';
import type {FailureClass} from '../../store/schema.js';
import type {BatchRecorder} from '../records/batch-recorder.js';
import {StepFailure, type StepRunner} from '../pipeline/steps.js';
import type {Timing} from '../pipeline/timing.js';
import {runSmoke, smokeResult, type SmokeOutcome} from './smoke.js';

export interface SmokeAndRecordInput {
	runner: StepRunner;
	recorder: BatchRecorder;
	hostUrl: string;
	/** The address users call (docs/domain.md rule 13); the smoke tries it first. Absent: hostUrl. */
	gatewayUrl?: string | null;
	userKey: string;
	model: string;
	accessMode: AccessMode;
	timing: Timing;
	/**
	 * A smoke that is not ready: a step failure of this class (the import, the smoke again), or
	 * `warn` (repair: the batch records the result and the step says so without failing the run).
	 */
	notReady: ((outcome: SmokeOutcome) => FailureClass) | 'warn';
}

export interface SmokeRecorded {
	/** null when the step ended before the smoke had an answer (stopped, an unexpected error). */
	outcome: SmokeOutcome | null;
	/** The step's failure (a StepFailure for a smoke that is not ready), else null. */
	error: unknown;
}

export const isReady = (outcome: SmokeOutcome) => outcome.access_status.endsWith('_ready');

export async function smokeAndRecord(o: SmokeAndRecordInput): Promise<SmokeRecorded> {
	let outcome: SmokeOutcome | null = null;
	try {
		await o.runner.run('access_smoke', async (api) => {
			const out = await runSmoke(
				{
					hostUrl: o.hostUrl,
					gatewayUrl: o.gatewayUrl ?? null,
					userKey: o.userKey,
					model: o.model,
					accessMode: o.accessMode,
					timing: o.timing,
				},
				api,
			);
			outcome = out;
			await o.recorder.accessResult({
				at: new Date().toISOString(),
				access_mode: o.accessMode,
				access_status: out.access_status,
				smoke_model: o.model,
				models_ok: out.models_ok,
				completion_ok: out.completion_ok,
				completion_status: out.completion_status,
				completion_type: out.completion_type,
				completion_preview: out.completion_preview,
				attempts: out.attempts,
			});
			const result = smokeResult(out, o.model);
			if (isReady(out)) return o.notReady === 'warn' ? {...result, status: 'ok'} : result;
			if (o.notReady === 'warn') return {...result, status: 'warn'};
			throw new StepFailure(o.notReady(out), result.message, out);
		});
		return {outcome, error: null};
	} catch (error) {
		return {outcome, error};
	}
}
