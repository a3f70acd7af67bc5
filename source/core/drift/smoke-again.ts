// Smoke again: runs a finished batch's access smoke once more with its managed user's key
// (/v1/models + one chat completion through the host) and records the result (`crm smoke --batch`,
// the TUI's "Run the smoke again"). docs/domain.md "Ready".
import type {StateStore} from '../../store/state-store.js';
import {BatchRecorder} from '../records/batch-recorder.js';
import {CrmError} from '../../lib/errors.js';
import type {EventSink} from '../pipeline/events.js';
import type {SmokeOutcome} from '../import/smoke.js';
import {smokeAndRecord} from '../import/smoke-record.js';
import {StepRunner} from '../pipeline/steps.js';
import {withDefaults, type Timing} from '../pipeline/timing.js';

export type SmokeAgainResult = SmokeOutcome & {batch_id: string; smoke_model: string};

export async function runSmokeAgain(o: {
	store: StateStore;
	batchId: string | undefined;
	sink: EventSink;
	signal: AbortSignal;
	timing?: Partial<Timing>;
}): Promise<SmokeAgainResult> {
	const {store} = o;
	const index = store.data.batches.find((b) => b.batch_id === o.batchId);
	if (!o.batchId || !index)
		throw new CrmError('invalid_input', `no batch "${o.batchId ?? ''}"; see crm batches`, {field: 'batch'});
	const host = store.data.hosts.find((h) => h.host_id === index.host_id);
	if (!host)
		throw new CrmError('invalid_input', `the batch's host ${index.host_id} is no longer registered`, {
			field: 'batch',
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
	const {outcome, error} = await smokeAndRecord({
		runner: new StepRunner(o.sink, o.signal),
		recorder,
		hostUrl: host.url,
		userKey: secrets.user_key,
		model,
		accessMode: index.access_mode,
		timing: withDefaults(o.timing),
		notReady: () => 'unknown',
	});
	if (!outcome) throw error;
	index.access_status = outcome.access_status;
	await recorder.flush();
	return {...outcome, batch_id: index.batch_id, smoke_model: model};
}
