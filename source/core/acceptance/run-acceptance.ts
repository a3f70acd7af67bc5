// A fresh-host acceptance run (UI-free; `crm accept` and the TUI drive it): probe the host, import in
// each requested access mode (with force, so a re-run works), the smoke being part of each import,
// reconcile each batch, and leave a numbered, redacted evidence folder DIR/acceptance/<run_id>/ with
// a README.md. The run is indexed in state (acceptance_runs) for `crm evidence` and `crm matrix`.
import {randomBytes} from 'node:crypto';
import {existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {HostError} from '../../host/errors.js';
import type {Capabilities} from '../../host/probe.js';
import type {AccessStatus, AcceptanceRun, FailureClass, HostRecord} from '../../store/schema.js';
import {writeEvidenceSync} from '../records/evidence.js';
import {CrmError, invalidInput} from '../../lib/errors.js';
import {classFromHostError} from '../pipeline/failure.js';
import {hostClientFor} from '../hosts/access.js';
import {probeWithOperator} from '../import/host-probe.js';
import {checkImport, runImport} from '../import/run-import.js';
import type {ImportPlanInput, ImportRequest} from '../import/types.js';
import {loadPacks, type AccessMode} from '../packs/packs.js';
import {runReconcile} from '../drift/reconcile.js';
import {redactText, registerSecret} from '../../lib/secrets.js';
import {providerRows} from '../reads/status.js';
import {StepFailure, StepRunner, StepStopped} from '../pipeline/steps.js';
import {FILES, importFile, importStepsDir, reconcileFile, TOOL_NAME, toolVersion} from './files.js';
import {renderReadme} from './readme.js';
import {ensureRuns, mainFolder, markInterrupted} from './runs.js';
import {
	ACCEPT_ACCESS,
	type AcceptAccess,
	type AcceptanceBatch,
	type AcceptanceOptions,
	type AcceptanceResult,
} from './types.js';

/** `--access`: self_service, subscription or both (the default: an acceptance proves both). */
export function validateAcceptAccess(raw: string | undefined, field = '--access'): AcceptAccess {
	if (raw === undefined || raw === '') return 'both';
	if (!(ACCEPT_ACCESS as readonly string[]).includes(raw))
		throw invalidInput(
			field,
			`${field} must be one of ${ACCEPT_ACCESS.join(', ')} (got "${raw.slice(0, 40)}")`,
		);
	return raw as AcceptAccess;
}

/** The modes a run imports, in order: subscription first when both are asked. */
export function modesFor(access: AcceptAccess): AccessMode[] {
	return access === 'both' ? ['subscription', 'self_service'] : [access];
}

export function newRunId(hostName: string, pack: string): string {
	const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-');
	const host =
		hostName
			.toLowerCase()
			.replace(/[^a-z0-9]+/g, '-')
			.replace(/^-+|-+$/g, '')
			.slice(0, 20) || 'host';
	return `a${stamp}-${host}-${pack}-${randomBytes(3).toString('hex')}`;
}

const isReady = (s: AccessStatus) => s === 'self_service_ready' || s === 'subscription_ready';

export async function runAcceptance(o: AcceptanceOptions): Promise<AcceptanceResult> {
	const {store, signal} = o;
	if (!store.locked) throw new Error('runAcceptance needs the data folder lock');
	const packs = o.packs ?? loadPacks();
	const access = validateAcceptAccess(o.access);
	const modes = modesFor(access);
	const requests: ImportRequest[] = modes.map((mode) => ({
		host: o.hostRef,
		pack: o.pack,
		url: o.url,
		key: o.key,
		keySource: o.keySource ?? '--key-env',
		access: mode,
		smokeModel: o.smokeModel,
		force: true,
	}));
	// Every input problem exits 2 before anything is created (no folder, no batch).
	const inputs: ImportPlanInput[] = requests.map((r) => checkImport(store, packs, r));
	const first = inputs[0]!;
	const host = first.host;
	await markInterrupted(store);

	const startedAt = new Date().toISOString();
	const runId = newRunId(host.name, first.pack.id);
	const folder = mainFolder(runId);
	const dir = path.join(store.paths.dir, folder);
	mkdirSync(dir, {recursive: true, mode: 0o700});
	const batchIds: string[] = [];
	registerSecret(first.key);
	const write = (file: string, data: unknown) => writeEvidenceSync(dir, file, data);
	const files: string[] = [];
	const record = (file: string) => {
		if (!files.includes(file)) files.push(file);
	};

	const entry: AcceptanceRun = {
		run_id: runId,
		host_id: host.host_id,
		host: host.name,
		pack: first.pack.id,
		base_url: first.baseUrl,
		key_fingerprint: first.fingerprint,
		access,
		result: 'running',
		access_status: 'pending',
		failure_class: null,
		batch_ids: batchIds,
		started_at: startedAt,
		finished_at: null,
		folder,
		final: false,
		host_version: host.version,
		tool_version: toolVersion(),
	};
	ensureRuns(store.data).push(entry);
	await store.write();
	o.onRun?.(runId, dir);

	write(FILES.runInput, {
		run_id: runId,
		started_at: startedAt,
		tool: {name: TOOL_NAME, version: toolVersion()},
		host: {host_id: host.host_id, name: host.name, url: host.url, auth_type: host.auth_type},
		pack: first.pack.id,
		base_url: first.baseUrl,
		key_fingerprint: first.fingerprint,
		access,
		modes,
		smoke_model_requested: first.smokeModel,
		force: true,
		force_note:
			"acceptance imports with --force so that a re-run on the same host works; an earlier succeeded import of the same key and mode is named in that mode's import file (forced_over)",
		timing: o.timing ?? null,
	});
	record(FILES.runInput);

	const errors: AcceptanceResult['errors'] = [];
	const batches: AcceptanceBatch[] = [];
	const runner = new StepRunner(o.sink, signal);

	// 1. The host probe (reads only): capabilities and the host's version.
	o.onPhase?.({phase: 'host_probe'});
	const probe = await probeStep(runner, o, host);
	await store.write();
	write(FILES.hostProbe, {
		at: new Date().toISOString(),
		host: {host_id: host.host_id, name: host.name, url: host.url, auth_type: host.auth_type},
		host_version: probe.caps?.version ?? host.version,
		tool: {name: TOOL_NAME, version: toolVersion()},
		ok: probe.caps !== null,
		capabilities: probe.caps,
		error: probe.error,
	});
	record(FILES.hostProbe);
	entry.host_version = probe.caps?.version ?? host.version;
	if (probe.error) errors.push({step: 'host_probe', access_mode: null, ...probe.error});

	// 2. One import per mode (each runs its own smoke), then 3. reconcile each batch.
	if (probe.caps) {
		for (const [index, mode] of modes.entries()) {
			if (signal.aborted) break;
			o.onPhase?.({phase: 'import', mode, index, of: modes.length});
			const input = inputs[index]!;
			const forcedOver =
				store.data.batches.find(
					(b) =>
						b.host_id === host.host_id &&
						b.pack === input.pack.id &&
						b.base_url === input.baseUrl &&
						b.key_fingerprint === input.fingerprint &&
						b.access_mode === mode &&
						b.batch_status === 'succeeded',
				)?.batch_id ?? null;
			const file = importFile(index, mode);
			try {
				const result = await runImport({
					store,
					packs,
					request: requests[index]!,
					sink: o.sink,
					signal,
					operator: o.operator,
					timing: o.timing,
					onBatch: (id) => {
						batchIds.push(id);
						o.onBatch?.(id, mode);
					},
				});
				const batch: AcceptanceBatch = {
					...result,
					forced: true,
					forced_over: forcedOver,
					reconcile_run_id: null,
					reconcile_status: null,
					evidence_file: file,
				};
				batches.push(batch);
				write(file, {
					access_mode: mode,
					forced: true,
					forced_over: forcedOver,
					note: forcedOver
						? `imported with --force past the earlier succeeded batch ${forcedOver} (same key and mode)`
						: 'imported with --force (no earlier succeeded import of this key and mode)',
					result,
				});
				record(file);
				copySteps(result.artifacts_dir, path.join(dir, importStepsDir(index, mode)));
				if (existsSync(path.join(dir, importStepsDir(index, mode))))
					record(importStepsDir(index, mode) + '/');
			} catch (error) {
				const message = messageOf(error);
				errors.push({step: 'import', access_mode: mode, failure_class: classOf(error), message});
				write(file, {access_mode: mode, forced: true, forced_over: forcedOver, error: message, result: null});
				record(file);
			}
		}
		for (const [index, batch] of batches.entries()) {
			if (signal.aborted) break;
			const mode = batch.access_mode;
			const modeIndex = modes.indexOf(mode);
			o.onPhase?.({phase: 'reconcile', mode, batch_id: batch.batch_id});
			const file = reconcileFile(modeIndex >= 0 ? modeIndex : index, mode);
			try {
				const rec = await runReconcile({
					store,
					hostRef: host.host_id,
					batchId: batch.batch_id,
					sink: o.sink,
					signal,
					operator: o.operator,
					timing: {requestTimeoutMs: o.timing?.requestTimeoutMs},
				});
				batch.reconcile_run_id = rec.run_id;
				batch.reconcile_status = rec.reconcile_status;
				write(file, {access_mode: mode, ...rec});
			} catch (error) {
				write(file, {access_mode: mode, batch_id: batch.batch_id, error: messageOf(error)});
			}
			record(file);
		}
	}

	// 4. Access status, summary, README; the index entry gets its result.
	o.onPhase?.({phase: 'evidence'});
	const stopped = signal.aborted;
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

	const provider =
		providerRows(store.data, host.host_id).find(
			(r) => r.pack === first.pack.id && r.base_url === first.baseUrl,
		) ?? null;
	write(FILES.accessStatus, {
		run_id: runId,
		access,
		access_status: accessStatus,
		fully_ready: ready && modes.length === 2,
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
	record(FILES.accessStatus);

	const finishedAt = new Date().toISOString();
	record(FILES.summary);
	record(FILES.readme);
	const out: AcceptanceResult = {
		run_id: runId,
		evidence_dir: dir,
		access_status: accessStatus,
		result,
		failure_class: failureClass,
		host_id: host.host_id,
		host: host.name,
		host_version: entry.host_version,
		tool_version: toolVersion(),
		pack: first.pack.id,
		base_url: first.baseUrl,
		access,
		modes,
		batches,
		errors,
		files: [...files].sort(),
		started_at: startedAt,
		finished_at: finishedAt,
		final: false,
	};
	write(FILES.summary, {
		...out,
		key_fingerprint: first.fingerprint,
		tool: {name: TOOL_NAME, version: toolVersion()},
		batches: batches.map((b) => ({
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
			forced_over: b.forced_over,
			reconcile_status: b.reconcile_status,
			evidence_file: b.evidence_file,
		})),
		stopped_by_operator: stopped,
	});
	writeFileSync(path.join(dir, FILES.readme), redactText(renderReadme(out, first.fingerprint)), {
		mode: 0o600,
	});

	Object.assign(entry, {
		result,
		access_status: accessStatus,
		failure_class: failureClass,
		finished_at: finishedAt,
	});
	await store.write();
	o.onPhase?.({phase: 'done', result});
	return out;
}

interface ProbeOutcome {
	caps: Capabilities | null;
	error: {failure_class: FailureClass; message: string} | null;
}

async function probeStep(runner: StepRunner, o: AcceptanceOptions, host: HostRecord): Promise<ProbeOutcome> {
	const client = hostClientFor(host, {
		operator: o.operator,
		signal: o.signal,
		timeoutMs: o.timing?.requestTimeoutMs,
		store: o.store,
	});
	try {
		const caps = await runner.run('acceptance_probe', async (api) => {
			api.progress(`probing ${host.url} (reads only)`);
			let probed: Capabilities;
			try {
				probed = await probeWithOperator(client, o.operator);
			} catch (error) {
				if (error instanceof HostError)
					throw new StepFailure(classFromHostError(error.kind), `host probe: ${error.message}`);
				throw error;
			}
			host.capabilities = probed as unknown as Record<string, unknown>;
			host.version = probed.version;
			host.last_probe_at = probed.probed_at;
			return {
				status: probed.chat_completions ? 'ok' : 'warn',
				message: `sub2api ${probed.version ?? '(version unknown)'}${probed.chat_completions ? '' : ', no /v1/chat/completions (the imports will say host_compatibility_gap)'}`,
				value: probed,
			};
		});
		return {caps, error: null};
	} catch (error) {
		if (error instanceof StepFailure)
			return {caps: null, error: {failure_class: error.failureClass, message: error.message}};
		if (error instanceof StepStopped) return {caps: null, error: null};
		return {caps: null, error: {failure_class: classOf(error), message: messageOf(error)}};
	}
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** An error that escaped a step: operator input problems are invalid_input, host errors their class. */
function classOf(error: unknown): FailureClass {
	if (error instanceof StepFailure) return error.failureClass;
	if (error instanceof HostError) return classFromHostError(error.kind);
	if (error instanceof CrmError && (error.kind === 'invalid_input' || error.kind === 'usage'))
		return 'invalid_input';
	return 'unknown';
}

/** Copies a batch's numbered step evidence into the run folder, redacted again on the way. */
function copySteps(from: string, to: string): void {
	if (!existsSync(from)) return;
	for (const name of readdirSync(from).sort()) {
		if (!name.endsWith('.json')) continue;
		let data: unknown;
		try {
			data = JSON.parse(readFileSync(path.join(from, name), 'utf8')) as unknown;
		} catch {
			continue;
		}
		// The batch's unnumbered final summary.json gets the number after its steps.
		writeEvidenceSync(to, name === 'summary.json' ? '11-batch-summary.json' : name, data);
	}
}
