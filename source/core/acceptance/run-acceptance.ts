// A fresh-host acceptance run (UI-free; `crm accept`, the TUI and the service drive it through
// source/app): probe the host, import in each requested access mode (with force, so a re-run works),
// the smoke being part of each import, reconcile each batch, and leave a numbered, redacted evidence
// folder DIR/acceptance/<run_id>/ with a README.md. The run is indexed in state (acceptance_runs) for
// `crm evidence` and `crm matrix` (docs/domain.md "Acceptance").
import type {StateStore} from '../../store/state-store.js';
import {checkImport} from '../import/run-import.js';
import type {ImportPlanInput, ImportRequest} from '../import/types.js';
import {loadPacks, type PackSet} from '../packs/packs.js';
import {modesFor, validateAcceptAccess} from './access.js';
import {StepRunner} from '../pipeline/steps.js';
import {FILES, toolVersion} from './files.js';
import {verdictOf, writeAccessStatus, writeSummary} from './finish.js';
import {openRun} from './run-folder.js';
import {markInterrupted} from './runs.js';
import {importMode, probeHost, reconcileBatch, type RunError} from './steps.js';
import {
	type AcceptanceBatch,
	type AcceptanceInput,
	type AcceptanceOptions,
	type AcceptanceResult,
} from './types.js';

export {newRunId} from './run-id.js';
export {modesFor, validateAcceptAccess} from './access.js';

/** Each mode's import request (forced) and its checked input; every input problem throws (exit 2). */
export function checkAcceptance(store: StateStore, packs: PackSet, o: AcceptanceInput) {
	const access = validateAcceptAccess(o.access);
	const modes = modesFor(access);
	const requests: ImportRequest[] = modes.map((mode) => ({
		host: o.hostRef,
		pack: o.pack,
		url: o.url,
		key: o.key,
		access: mode,
		smokeModel: o.smokeModel,
		force: true,
	}));
	const inputs: ImportPlanInput[] = requests.map((r) => checkImport(store, packs, r));
	return {access, modes, requests, inputs};
}

export async function runAcceptance(o: AcceptanceOptions): Promise<AcceptanceResult> {
	const {store, signal} = o;
	if (!store.locked) throw new Error('runAcceptance needs the data folder lock');
	const packs = o.packs ?? loadPacks();
	// Every input problem exits 2 before anything is created (no folder, no batch).
	const {access, modes, requests, inputs} = checkAcceptance(store, packs, o);
	const first = inputs[0]!;
	const host = first.host;
	await markInterrupted(store);
	const run = await openRun(store, o, first, access, modes);

	const errors: RunError[] = [];
	const batches: AcceptanceBatch[] = [];
	const runner = new StepRunner(o.sink, signal);
	const probe = await probeHost(runner, o, host, run, errors);
	if (probe.caps) {
		for (const [index, mode] of modes.entries()) {
			if (signal.aborted) break;
			o.onPhase?.({phase: 'import', mode, index, of: modes.length});
			const request = requests[index]!;
			const batch = await importMode(
				{...o, packs},
				{index, mode, input: inputs[index]!, request},
				run,
				errors,
			);
			if (batch) batches.push(batch);
		}
		for (const [index, batch] of batches.entries()) {
			if (signal.aborted) break;
			const modeIndex = modes.indexOf(batch.access_mode);
			await reconcileBatch(o, host, batch, modeIndex >= 0 ? modeIndex : index, run);
		}
	}

	o.onPhase?.({phase: 'evidence'});
	const stopped = signal.aborted;
	const verdict = verdictOf(modes, batches, probe, errors, stopped);
	writeAccessStatus(store, run, first, access, modes, batches, verdict);
	run.record(FILES.summary);
	run.record(FILES.readme);
	const out: AcceptanceResult = {
		run_id: run.runId,
		evidence_dir: run.dir,
		access_status: verdict.accessStatus,
		result: verdict.result,
		failure_class: verdict.failureClass,
		host_id: host.host_id,
		host: host.name,
		host_version: run.entry.host_version,
		tool_version: toolVersion(),
		pack: first.pack.id,
		base_url: first.baseUrl,
		access,
		modes,
		batches,
		errors,
		files: [...run.files].sort(),
		started_at: run.startedAt,
		finished_at: new Date().toISOString(),
		final: false,
	};
	await writeSummary(store, run, out, first, stopped);
	o.onPhase?.({phase: 'done', result: out.result});
	return out;
}
