// The steps of an acceptance run (docs/domain.md "Acceptance"): the host probe (reads only), one
// forced import per access mode (each with its own smoke), and a reconcile of each batch. Each
// writes its numbered evidence file through the run's folder.
import {hostEntry} from './seed-keys.js';
import {existsSync, readdirSync, readFileSync} from 'node:fs';
import path from 'node:path';
import {HostError} from '../../host/errors.js';
import type {Capabilities} from '../../host/probe.js';
import {CrmError} from '../../lib/errors.js';
import type {FailureClass, HostRecord} from '../../store/schema.js';
import type {StateStore} from '../../store/state-store.js';
import {runReconcile} from '../drift/reconcile.js';
import {hostClientFor} from '../hosts/access.js';
import {probeWithOperator} from '../import/host-probe.js';
import {runImport} from '../import/run-import.js';
import type {ImportPlanInput, ImportRequest} from '../import/types.js';
import type {AccessMode, PackSet} from '../packs/packs.js';
import {classFromHostError} from '../pipeline/failure.js';
import {StepFailure, StepStopped, type StepRunner} from '../pipeline/steps.js';
import {writeEvidenceSync} from '../records/evidence.js';
import {FILES, importFile, importStepsDir, reconcileFile, TOOL_NAME, toolVersion} from './files.js';
import type {RunFolder} from './run-folder.js';
import type {AcceptanceBatch, AcceptanceOptions, AcceptanceResult} from './types.js';

export type RunError = AcceptanceResult['errors'][number];

export interface ProbeOutcome {
	caps: Capabilities | null;
	error: {failure_class: FailureClass; message: string} | null;
}

export const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** An error that escaped a step: operator input problems are invalid_input, host errors their class. */
export function classOf(error: unknown): FailureClass {
	if (error instanceof StepFailure) return error.failureClass;
	if (error instanceof HostError) return classFromHostError(error.kind);
	if (error instanceof CrmError && (error.kind === 'invalid_input' || error.kind === 'usage'))
		return 'invalid_input';
	return 'unknown';
}

async function probe(runner: StepRunner, o: AcceptanceOptions, host: HostRecord): Promise<ProbeOutcome> {
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

/** 1. The host probe (reads only): capabilities and the host's version, in 01-host-probe.json. */
export async function probeHost(
	runner: StepRunner,
	o: AcceptanceOptions,
	host: HostRecord,
	run: RunFolder,
	errors: RunError[],
): Promise<ProbeOutcome> {
	o.onPhase?.({phase: 'host_probe'});
	const outcome = await probe(runner, o, host);
	await o.store.write();
	run.write(FILES.hostProbe, {
		at: new Date().toISOString(),
		host: hostEntry(host),
		host_version: outcome.caps?.version ?? host.version,
		tool: {name: TOOL_NAME, version: toolVersion()},
		ok: outcome.caps !== null,
		capabilities: outcome.caps,
		error: outcome.error,
	});
	run.entry.host_version = outcome.caps?.version ?? host.version;
	if (outcome.error) errors.push({step: 'host_probe', access_mode: null, ...outcome.error});
	return outcome;
}

/** The earlier succeeded import of the same identity that --force goes past, if any. */
function forcedOver(store: StateStore, input: ImportPlanInput, mode: AccessMode): string | null {
	return (
		store.data.batches.find(
			(b) =>
				b.host_id === input.host.host_id &&
				b.pack === input.pack.id &&
				b.base_url === input.baseUrl &&
				b.key_fingerprint === input.fingerprint &&
				b.access_mode === mode &&
				b.batch_status === 'succeeded',
		)?.batch_id ?? null
	);
}

export interface ModeImport {
	index: number;
	mode: AccessMode;
	input: ImportPlanInput;
	request: ImportRequest;
}

/** 2. One forced import of one mode (its own smoke included), in 05-import.json or 06-import-<mode>.json. */
export async function importMode(
	o: AcceptanceOptions & {packs: PackSet},
	m: ModeImport,
	run: RunFolder,
	errors: RunError[],
): Promise<AcceptanceBatch | null> {
	const {store} = o;
	const over = forcedOver(store, m.input, m.mode);
	const file = importFile(m.index, m.mode);
	try {
		const result = await runImport({
			store,
			packs: o.packs,
			request: m.request,
			sink: o.sink,
			signal: o.signal,
			operator: o.operator,
			timing: o.timing,
			onBatch: (id) => {
				run.batchIds.push(id);
				o.onBatch?.(id, m.mode);
			},
		});
		run.write(file, {
			access_mode: m.mode,
			forced: true,
			forced_over: over,
			note: over
				? `imported with --force past the earlier succeeded batch ${over} (same key and mode)`
				: 'imported with --force (no earlier succeeded import of this key and mode)',
			result,
		});
		const steps = importStepsDir(m.index, m.mode);
		copySteps(result.artifacts_dir, path.join(run.dir, steps));
		if (existsSync(path.join(run.dir, steps))) run.record(steps + '/');
		return {
			...result,
			forced: true,
			forced_over: over,
			reconcile_run_id: null,
			reconcile_status: null,
			evidence_file: file,
		};
	} catch (error) {
		const message = messageOf(error);
		errors.push({step: 'import', access_mode: m.mode, failure_class: classOf(error), message});
		run.write(file, {access_mode: m.mode, forced: true, forced_over: over, error: message, result: null});
		return null;
	}
}

/** 3. A reconcile of one batch, in its numbered reconcile file; the batch gets its status. */
export async function reconcileBatch(
	o: AcceptanceOptions,
	host: HostRecord,
	batch: AcceptanceBatch,
	fileIndex: number,
	run: RunFolder,
): Promise<void> {
	const mode = batch.access_mode;
	o.onPhase?.({phase: 'reconcile', mode, batch_id: batch.batch_id});
	const file = reconcileFile(fileIndex, mode);
	try {
		const rec = await runReconcile({
			store: o.store,
			hostRef: host.host_id,
			batchId: batch.batch_id,
			sink: o.sink,
			signal: o.signal,
			operator: o.operator,
			timing: {requestTimeoutMs: o.timing?.requestTimeoutMs},
		});
		batch.reconcile_run_id = rec.run_id;
		batch.reconcile_status = rec.reconcile_status;
		run.write(file, {access_mode: mode, ...rec});
	} catch (error) {
		run.write(file, {access_mode: mode, batch_id: batch.batch_id, error: messageOf(error)});
	}
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
