// The import engine (UI-free): preflight, then host and upstream probes in parallel, plan, create
// group and account (create-steps.ts), account test, access closure, access smoke (smoke-record.ts),
// summary (finish.ts). Every step emits events (docs/architecture.md "The event stream"); views
// render them.
import {HostError} from '../../host/errors.js';
import {adminUrl, gatewayUrl} from '../hosts/addresses.js';
import type {Capabilities} from '../../host/probe.js';
import type {StateStore} from '../../store/state-store.js';
import type {FailureClass} from '../../store/schema.js';
import {BatchRecorder, newBatchId} from '../records/batch-recorder.js';
import type {EventSink} from '../pipeline/events.js';
import {classOfError} from '../pipeline/failure.js';
import {registerSecret} from '../../lib/secrets.js';
import {hostClientFor, type Operator} from '../hosts/access.js';
import {plannedNames, type PlannedNames} from '../records/naming.js';
import {recoverDeadBatches, resolvePending} from '../records/recovery.js';
import type {PackSet} from '../packs/packs.js';
import {StepFailure, StepRunner, StepStopped} from '../pipeline/steps.js';
import {accessClosureStep, type AccessClosure} from './access-closure.js';
import {accountTestStep} from './account-test-step.js';
import {classifySmokeFailure} from './classify-smoke.js';
import {hostProbeStep} from './host-probe.js';
import {checkDuplicate, preflight} from './preflight.js';
import type {SmokeOutcome} from './smoke.js';
import {smokeAndRecord} from './smoke-record.js';
import {createAccount, createGroup, planStep, type CreateContext} from './create-steps.js';
import {finish} from './finish.js';
import {withDefaults} from '../pipeline/timing.js';
import {type ImportPlanInput, type ImportRequest, type ImportResult, type Timing} from './types.js';
import {upstreamProbeStep, type UpstreamProbe} from './upstream-probe.js';

export interface ImportOptions {
	store: StateStore;
	packs: PackSet;
	request: ImportRequest;
	sink: EventSink;
	signal: AbortSignal;
	operator: Operator;
	timing?: Partial<Timing>;
	/** Password of an existing --user, when its key must be made by logging in as it. */
	userPassword?: string | null;
	/** Called once the batch exists (the TUI shows its id; crash tests read it). */
	onBatch?: (batchId: string) => void;
}

/** Checks input without touching the network or state: throws CrmError (exit 2) on bad input. */
export function checkImport(store: StateStore, packs: PackSet, request: ImportRequest): ImportPlanInput {
	const input = preflight(store.data, packs, request);
	checkDuplicate(store.data, input, Boolean(request.force));
	return input;
}

export async function runImport(options: ImportOptions): Promise<ImportResult> {
	const {store, signal, operator} = options;
	const timing: Timing = withDefaults(options.timing);
	const input = checkImport(store, options.packs, options.request);
	const {host, pack} = input;
	await recoverDeadBatches(store);
	const {batchId, recorder, runner} = await openBatch(store, input, options);
	const client = hostClientFor(host, {operator, signal, timeoutMs: timing.requestTimeoutMs, store});
	// Records a crashed run left pending on this host are resolved before anything new is created.
	await resolvePending(store, host, client).catch(() => 0);

	// Steps that run beside the main line; all of them end before the summary. Each is awaited where
	// its answer is needed: a failure meanwhile must not count as an unhandled rejection.
	const beside: Array<Promise<unknown>> = [];
	const alongside = <T>(step: Promise<T>): Promise<T> => {
		step.catch(() => {});
		beside.push(step);
		return step;
	};
	let failureClass: FailureClass | null = null;
	let upstream: UpstreamProbe | null = null;
	let upstreamEvidence: Partial<UpstreamProbe> | null = null;
	let smoke: SmokeOutcome | null = null;
	let probeAdvisory = false;
	let caps: Capabilities | null = null;
	let searched: Array<{name: string}> | null = null;
	try {
		await runner.run('preflight', async () => ({
			status: 'ok',
			message: `${pack.id} at ${input.baseUrl}, key ${input.fingerprint}, ${input.accessMode} on ${host.name}`,
			value: null,
		}));
		// The host probe and the upstream probe do not wait for each other.
		const [hostResult, upstreamResult] = await Promise.allSettled([
			// The probe's admin read is the plan's name check (probe.ts): the plan sends nothing itself.
			runner.run('host_probe', (api) =>
				hostProbeStep(host, client, operator, api, {
					groupSearch: plannedNames(host, pack.id, batchId).group,
					onGroups: (groups) => (searched = groups),
				}),
			),
			runner.run('upstream_probe', (api) => upstreamProbeStep(upstreamInput(input, timing), api)),
		]);
		// The probe refreshed the host's capabilities: state.json keeps them with the batch's end.
		if (hostResult.status === 'rejected') throw hostResult.reason;
		if (upstreamResult.status === 'rejected') {
			// What the provider answered before the stop is still the upstream evidence of this batch.
			if (upstreamResult.reason instanceof StepFailure)
				upstreamEvidence = upstreamResult.reason.detail as Partial<UpstreamProbe>;
			throw upstreamResult.reason;
		}
		caps = hostResult.value;
		upstream = upstreamResult.value;
		const choice = upstream.choice;

		const names = await runner.run('plan', async (api) =>
			planStep(client, host, pack.id, batchId, api.progress, searched),
		);
		const planned = plannedEvidence(input, names, choice);
		// The access closure runs beside group and account (docs/benchmarks.md, import critical path): in
		// subscription mode the smoke user needs neither, so it starts now and only its subscription and
		// key wait for the group; in self-service mode the user is allowed the new group, so it starts
		// once the group exists.
		const groupMade = deferred<number>();
		const startClosure = () =>
			runner.run('access_closure', (api) =>
				accessClosureStep(
					{
						client,
						recorder,
						caps: caps!,
						hostUrl: adminUrl(host),
						pack,
						accessMode: input.accessMode,
						groupId: groupMade.promise,
						names,
						existingUser: input.user ? {email: input.user, password: options.userPassword ?? null} : null,
						timeoutMs: timing.requestTimeoutMs,
					},
					api,
				),
			);
		let closing: Promise<AccessClosure> | null = null;
		if (input.accessMode === 'subscription') closing = alongside(startClosure());
		const made: CreateContext = {recorder, client, batchId, names, input, pack};
		const groupStep = runner.run('create_group', async () => createGroup(made, planned));
		groupStep.then(
			(group) => groupMade.resolve(Number(group.id)),
			(error: unknown) => groupMade.reject(error),
		);
		const group = await groupStep;
		const groupId = Number(group.id);
		closing ??= alongside(startClosure());

		const account = await runner.run('create_account', async () =>
			createAccount(made, groupId, choice.mapping),
		);

		// The account test is advisory (the access smoke decides) and the closure does not need its
		// answer: both run at once.
		const accountTest = alongside(
			runner
				.run('account_test', (api) => accountTestStep(client, account.id, choice.smokeModel, api))
				.then((advisory) => {
					probeAdvisory = advisory;
				}),
		);

		const closure: AccessClosure = await closing;
		// The smoke needs the user's key and the account; the advisory account test runs on beside it.
		const smoked = await smokeAndRecord({
			runner,
			recorder,
			hostUrl: adminUrl(host),
			gatewayUrl: gatewayUrl(host),
			userKey: closure.user_key,
			model: choice.smokeModel,
			accessMode: input.accessMode,
			timing,
			notReady: (out) => classifySmokeFailure(out, upstream),
		});
		smoke = smoked.outcome;
		if (smoked.error) throw smoked.error;
		const [tested] = await Promise.allSettled([accountTest]);
		if (tested.status === 'rejected') throw tested.reason;
	} catch (error) {
		failureClass = classOfStop(error, recorder);
	}
	await Promise.allSettled(beside);
	return finish({
		recorder,
		runner,
		input,
		failureClass,
		upstream,
		upstreamEvidence,
		smoke,
		probeAdvisory,
		signal,
	});
}

/** The failure class of what stopped the import; an unexpected error is kept in the batch's summary. */
function classOfStop(error: unknown, recorder: BatchRecorder): FailureClass | null {
	if (error instanceof StepFailure) return error.failureClass;
	if (error instanceof StepStopped) return null;
	if (!(error instanceof HostError))
		recorder.file.summary = {unexpected_error: error instanceof Error ? error.message : String(error)};
	return classOfError(error);
}

function upstreamInput(input: ImportPlanInput, timing: Timing) {
	return {
		pack: input.pack,
		baseUrl: input.baseUrl,
		key: input.key,
		smokeModel: input.smokeModel,
		continueOnFailure: input.continueOnUpstreamFailure,
		timeoutMs: timing.requestTimeoutMs,
		rateLimitWindowMs: timing.upstreamRetryMs,
	};
}

/** The batch's records (index entry, batch file) and the step runner that writes each step to them. */
async function openBatch(store: StateStore, input: ImportPlanInput, options: ImportOptions) {
	const {host, pack} = input;
	const {sink, signal} = options;
	const batchId = newBatchId();
	registerSecret(input.key); // read by the caller already; registered again, whoever called
	// Kept only when asked (docs/domain.md "Secrets"), in state.json alone, written with the batch.
	if (input.keepKey)
		store.data.batch_secrets[batchId] = {
			user_email: null,
			user_password: null,
			user_key: null,
			provider_key: input.key,
		};
	const recorder = await BatchRecorder.create(
		store,
		{
			batch_id: batchId,
			host_id: host.host_id,
			pack: pack.id,
			base_url: input.baseUrl,
			key_fingerprint: input.fingerprint,
			access_mode: input.accessMode,
			batch_status: 'running',
			access_status: 'pending',
			provider_status: null,
			failure_class: null,
			stopped_at_step: null,
			created_at: new Date().toISOString(),
			pid: process.pid,
		},
		{
			base_url: input.baseUrl,
			access_mode: input.accessMode,
			smoke_model_requested: input.smokeModel,
			user: input.user,
			key_fingerprint: input.fingerprint,
			continue_on_upstream_failure: input.continueOnUpstreamFailure,
			key_kept: input.keepKey,
		},
	);
	options.onBatch?.(batchId);
	const runner = new StepRunner(sink, signal, {
		// The batch file is what recovery reads to name the step a dead run was in (state.json waits).
		onStart: (name) =>
			recorder.startStep({
				name,
				status: 'running',
				started_at: new Date().toISOString(),
				duration_ms: null,
				message: '',
			}),
		onEnd: (record, evidence) => recorder.recordStep(record, evidence),
	});
	return {batchId, recorder, runner};
}

/** What the plan step chose, as create_group's evidence records it. */
function plannedEvidence(input: ImportPlanInput, names: PlannedNames, choice: UpstreamProbe['choice']) {
	return {
		group: {
			name: names.group,
			platform: 'openai',
			subscription_type: input.accessMode === 'subscription' ? 'subscription' : 'standard',
		},
		account: {name: names.account, models: Object.keys(choice.mapping), smoke_model: choice.smokeModel},
		user: input.user ?? names.user_email,
		key: names.key,
		subscription:
			input.accessMode === 'subscription' ? `${input.pack.subscription.validity_days} days` : null,
	};
}

/** A promise with its resolve and reject outside (Promise.withResolvers is Node 22). */
function deferred<T>(): {promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void} {
	let resolve!: (v: T) => void;
	let reject!: (e: unknown) => void;
	const promise = new Promise<T>((res, rej) => {
		resolve = res;
		reject = rej;
	});
	promise.catch(() => {}); // whoever needs it awaits it; an unused rejection is not an error
	return {promise, resolve, reject};
}
