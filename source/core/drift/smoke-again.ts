// Runs a finished batch's access smoke again with its managed user's key (/v1/models + one chat
// completion through the host) and records the result: `crm smoke --batch`, the TUI's "run smoke again".
import type {StateStore} from '../../store/state-store.js';
import {BatchRecorder} from '../records/batch-recorder.js';
import {CrmError} from '../../lib/errors.js';
import type {EventSink} from '../pipeline/events.js';
import {runSmoke, smokeResult, type SmokeOutcome} from '../import/smoke.js';
import {DEFAULT_TIMING, type Timing} from '../import/types.js';
import {StepFailure, StepRunner} from '../pipeline/steps.js';

export async function runSmokeAgain(o: {
	store: StateStore;
	batchId: string | undefined;
	sink: EventSink;
	signal: AbortSignal;
	timing?: Partial<Timing>;
}): Promise<SmokeOutcome & {batch_id: string; smoke_model: string}> {
	const {store} = o;
	const timing: Timing = {...DEFAULT_TIMING, ...o.timing};
	const index = store.data.batches.find((b) => b.batch_id === o.batchId);
	if (!o.batchId || !index)
		throw new CrmError('invalid_input', `no batch "${o.batchId ?? ''}"; see crm batches`, {field: '--batch'});
	const host = store.data.hosts.find((h) => h.host_id === index.host_id);
	if (!host)
		throw new CrmError('invalid_input', `the batch's host ${index.host_id} is no longer registered`, {
			field: '--batch',
		});
	const secrets = store.data.batch_secrets[index.batch_id];
	const recorder = await BatchRecorder.open(store, index.batch_id);
	const model = String(recorder.file.summary?.smoke_model ?? '');
	if (index.batch_status === 'rolled_back' || !secrets?.user_key || !model) {
		throw new CrmError(
			'operation_failed',
			`batch ${index.batch_id} has no live managed user key or smoke model to test with`,
		);
	}
	const runner = new StepRunner(o.sink, o.signal);
	let outcome: SmokeOutcome | null = null;
	try {
		await runner.run('access_smoke', async (api) => {
			outcome = await runSmoke(
				{hostUrl: host.url, userKey: secrets.user_key!, model, accessMode: index.access_mode, timing},
				api,
			);
			const result = smokeResult(outcome, model);
			if (!outcome.access_status.endsWith('_ready'))
				throw new StepFailure('unknown', result.message, outcome);
			return result;
		});
	} catch (error) {
		if (!outcome) throw error;
	}
	const out = outcome as unknown as SmokeOutcome;
	await recorder.accessResult({
		at: new Date().toISOString(),
		access_mode: index.access_mode,
		access_status: out.access_status,
		smoke_model: model,
		models_ok: out.models_ok,
		completion_ok: out.completion_ok,
		completion_status: out.completion_status,
		completion_type: out.completion_type,
		completion_preview: out.completion_preview,
		attempts: out.attempts,
	});
	index.access_status = out.access_status;
	await recorder.flush();
	return {...out, batch_id: index.batch_id, smoke_model: model};
}
