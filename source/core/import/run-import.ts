// The import engine (UI-free): preflight, then host and upstream probes in parallel, plan, create
// group and account, account test, access closure, access smoke, summary. Every step emits events;
// the CLI prints them, the TUI renders them.
import {HostError} from '../../host/errors.js';
import type {Capabilities} from '../../host/probe.js';
import type {StateStore} from '../../store/state-store.js';
import type {FailureClass, ProviderStatus} from '../../store/schema.js';
import {BatchRecorder, newBatchId} from '../records/batch-recorder.js';
import type {EventSink} from '../pipeline/events.js';
import {classFromHostError, NEXT_STEP} from '../pipeline/failure.js';
import {registerSecret} from '../../lib/secrets.js';
import {hostClientFor, type Operator} from '../hosts/access.js';
import {plannedNames, type PlannedNames} from '../records/naming.js';
import {recoverDeadBatches, resolvePending} from '../records/recovery.js';
import type {PackSet} from '../packs/packs.js';
import {StepFailure, StepRunner, StepStopped} from '../pipeline/steps.js';
import {byExactName, trackedCreate} from '../records/tracked-create.js';
import {makeMarker, withMarker} from '../records/marker.js';
import {markerSnapshot} from '../records/provenance.js';
import {accessClosureStep, type AccessClosure} from './access-closure.js';
import {accountTestStep} from './account-test-step.js';
import {classifySmokeFailure} from './classify-smoke.js';
import {hostProbeStep} from './host-probe.js';
import {checkDuplicate, preflight} from './preflight.js';
import {runSmoke, smokeResult, type SmokeOutcome} from './smoke.js';
import {
	DEFAULT_TIMING,
	type ImportPlanInput,
	type ImportRequest,
	type ImportResult,
	type Timing,
} from './types.js';
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
	const {store, sink, signal, operator} = options;
	const timing: Timing = {...DEFAULT_TIMING, ...options.timing};
	const input = checkImport(store, options.packs, options.request);
	const {host, pack} = input;
	await recoverDeadBatches(store);
	const batchId = newBatchId();
	registerSecret(input.key); // read by the caller already; registered again, whoever called
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
			runner.run('upstream_probe', (api) =>
				upstreamProbeStep(
					{
						pack,
						baseUrl: input.baseUrl,
						key: input.key,
						smokeModel: input.smokeModel,
						continueOnFailure: input.continueOnUpstreamFailure,
						timeoutMs: timing.requestTimeoutMs,
					},
					api,
				),
			),
		]);
		// The probe refreshed the host's capabilities: state.json keeps them with the batch's end.
		if (hostResult.status === 'rejected') throw hostResult.reason;
		if (upstreamResult.status === 'rejected') throw upstreamResult.reason;
		caps = hostResult.value;
		upstream = upstreamResult.value;
		const choice = upstream.choice;

		const names = await runner.run('plan', async (api) =>
			planStep(client, host, pack.id, batchId, api.progress, searched),
		);
		const planned = {
			group: {
				name: names.group,
				platform: 'openai',
				subscription_type: input.accessMode === 'subscription' ? 'subscription' : 'standard',
			},
			account: {name: names.account, models: Object.keys(choice.mapping), smoke_model: choice.smokeModel},
			user: input.user ?? names.user_email,
			key: names.key,
			subscription: input.accessMode === 'subscription' ? `${pack.subscription.validity_days} days` : null,
		};
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
						hostUrl: host.url,
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
		const groupStep = runner.run('create_group', async () => {
			const marker = makeMarker(batchId);
			const body = {
				name: names.group,
				description: withMarker(pack.group_template.description, marker),
				platform: 'openai',
				rate_multiplier: pack.group_template.rate_multiplier,
				is_exclusive: input.accessMode === 'self_service',
				subscription_type:
					input.accessMode === 'subscription' ? ('subscription' as const) : ('standard' as const),
			};
			const made = await trackedCreate(
				recorder,
				'group',
				names.group,
				{
					name: body.name,
					platform: body.platform,
					subscription_type: body.subscription_type,
					is_exclusive: body.is_exclusive,
					status: 'active',
					...markerSnapshot(marker),
				},
				() => client.createGroup(body),
				async () =>
					byExactName((await client.listGroups({search: names.group, page_size: 100})).items, names.group),
			);
			return {
				status: 'ok',
				message: `group ${names.group} (id ${made.id}, ${body.subscription_type})`,
				value: made,
				evidence: {planned, group: made},
			};
		});
		groupStep.then(
			(made) => groupMade.resolve(Number(made.id)),
			(error: unknown) => groupMade.reject(error),
		);
		const group = await groupStep;
		const groupId = Number(group.id);
		closing ??= alongside(startClosure());

		const account = await runner.run('create_account', async () => {
			const marker = makeMarker(batchId);
			const body = {
				name: names.account,
				notes: withMarker('imported by crm', marker),
				platform: 'openai',
				type: 'apikey',
				credentials: {api_key: input.key, base_url: input.baseUrl, model_mapping: choice.mapping},
				extra: {openai_responses_mode: 'force_chat_completions'},
				concurrency: pack.account_template.concurrency,
				priority: pack.account_template.priority,
				group_ids: [groupId],
			};
			const made = await trackedCreate(
				recorder,
				'account',
				names.account,
				{
					name: body.name,
					platform: body.platform,
					type: body.type,
					status: 'active',
					group_ids: [String(groupId)],
					base_url: input.baseUrl,
					model_mapping: choice.mapping,
					openai_responses_mode: 'force_chat_completions',
					...markerSnapshot(marker),
				},
				() => client.createAccount(body, {idempotencyKey: `${batchId}-account`}),
				async () =>
					byExactName(
						(await client.listAccounts({search: names.account, page_size: 100})).items,
						names.account,
					),
			);
			return {
				status: 'ok',
				message: `account ${names.account} (id ${made.id}) with ${Object.keys(choice.mapping).length} models, bound to group ${groupId}`,
				value: made,
				evidence: {account: made},
			};
		});

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
		smoke = await runner.run('access_smoke', async (api) => {
			const out = await runSmoke(
				{
					hostUrl: host.url,
					userKey: closure.user_key,
					model: choice.smokeModel,
					accessMode: input.accessMode,
					timing,
				},
				api,
			);
			await recorder.accessResult({
				at: new Date().toISOString(),
				access_mode: input.accessMode,
				access_status: out.access_status,
				smoke_model: choice.smokeModel,
				models_ok: out.models_ok,
				completion_ok: out.completion_ok,
				completion_status: out.completion_status,
				completion_type: out.completion_type,
				completion_preview: out.completion_preview,
				attempts: out.attempts,
			});
			const result = smokeResult(out, choice.smokeModel);
			if (!out.access_status.endsWith('_ready')) {
				smoke = out;
				throw new StepFailure(classifySmokeFailure(out, upstream), result.message, out);
			}
			return result;
		});
		const [tested] = await Promise.allSettled([accountTest]);
		if (tested.status === 'rejected') throw tested.reason;
	} catch (error) {
		if (error instanceof StepFailure) failureClass = error.failureClass;
		else if (error instanceof StepStopped) failureClass = null;
		else if (error instanceof HostError) failureClass = classFromHostError(error.kind);
		else failureClass = 'unknown';
		if (!(error instanceof StepFailure) && !(error instanceof StepStopped) && !(error instanceof HostError)) {
			recorder.file.summary = {unexpected_error: error instanceof Error ? error.message : String(error)};
		}
	}
	await Promise.allSettled(beside);
	return finish({recorder, runner, input, failureClass, upstream, smoke, probeAdvisory, signal});
}

async function planStep(
	client: ReturnType<typeof hostClientFor>,
	host: ImportPlanInput['host'],
	pack: string,
	batchId: string,
	progress: (m: string) => void,
	/** What the host probe's search for the first name found (null: it did not search). */
	searched: Array<{name: string}> | null,
) {
	// Old hosts keep deleted group names reserved: pick a name no group (live) uses; a reserved one
	// still answers 409 at create, so the suffix also moves on then (see create_group's lookup).
	let names: PlannedNames = plannedNames(host, pack, batchId);
	for (let attempt = 1; attempt < 5; attempt++) {
		progress(`checking that ${names.group} is free`);
		const found =
			attempt === 1 && searched
				? searched
				: (await client.listGroups({search: names.group, page_size: 100})).items;
		const taken = byExactName(found, names.group).length > 0;
		if (!taken) break;
		names = plannedNames(host, pack, batchId, attempt);
	}
	return {
		status: 'ok' as const,
		message: `will create group and account ${names.group}, user ${names.user_email}, key ${names.key}`,
		value: names,
		evidence: names,
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

interface FinishInput {
	recorder: BatchRecorder;
	runner: StepRunner;
	input: ImportPlanInput;
	failureClass: FailureClass | null;
	upstream: UpstreamProbe | null;
	smoke: SmokeOutcome | null;
	probeAdvisory: boolean;
	signal: AbortSignal;
}

async function finish(f: FinishInput): Promise<ImportResult> {
	const {recorder, input} = f;
	const ready = Boolean(f.smoke?.access_status.endsWith('_ready'));
	const created = recorder.file.resources.some(
		(r) => r.status === 'created' || r.status === 'pending' || r.status === 'unknown',
	);
	const warned = recorder.file.steps.some((s) => s.status === 'warn');
	const stopped = f.signal.aborted;
	const providerStatus: ProviderStatus | null = ready
		? warned
			? 'degraded'
			: 'active'
		: created
			? 'broken'
			: null;
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
		stopped_at_step: stoppedAt,
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
		},
		{...result, stopped_by_operator: stopped, upstream: f.upstream, smoke: f.smoke},
	);
	return result;
}
