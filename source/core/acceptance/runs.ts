// The acceptance-run index in state.json (optional `acceptance_runs`): lookup, the secret list used
// for redaction and checks, and the folder each run lives in.
import {existsSync} from 'node:fs';
import path from 'node:path';
import {CrmError} from '../../lib/errors.js';
import type {AcceptanceRun, State} from '../../store/schema.js';
import type {DataPaths} from '../../store/paths.js';
import type {StateStore} from '../../store/state-store.js';
import type {RunView} from './types.js';

export function acceptanceRuns(state: State): AcceptanceRun[] {
	return state.acceptance_runs ?? [];
}

/** The index, created on first use (old state files have none). */
export function ensureRuns(state: State): AcceptanceRun[] {
	state.acceptance_runs ??= [];
	return state.acceptance_runs;
}

export function findRun(state: State, runId: string | undefined, field = 'run'): AcceptanceRun {
	if (!runId) throw new CrmError('usage', 'name the acceptance run (see crm evidence list)', {field});
	const run = acceptanceRuns(state).find((r) => r.run_id === runId);
	if (!run)
		throw new CrmError('invalid_input', `no acceptance run "${runId.slice(0, 80)}"; see crm evidence list`, {
			field,
		});
	return run;
}

export function mainFolder(runId: string): string {
	return path.posix.join('acceptance', runId);
}

export function archiveFolder(runId: string): string {
	return path.posix.join('acceptance', 'archive', runId);
}

export const isArchived = (run: AcceptanceRun) => run.folder === archiveFolder(run.run_id);

/** Absolute folder of a run; when the recorded one is gone but the other place has it, that one. */
export function runDir(paths: DataPaths, run: AcceptanceRun): string {
	const recorded = path.join(paths.dir, run.folder);
	if (existsSync(recorded)) return recorded;
	for (const other of [mainFolder(run.run_id), archiveFolder(run.run_id)]) {
		const candidate = path.join(paths.dir, other);
		if (existsSync(candidate)) return candidate;
	}
	return recorded;
}

/** A run left `running` while no process holds the lock died: it reads `interrupted`. */
export async function markInterrupted(store: StateStore): Promise<number> {
	let n = 0;
	for (const run of acceptanceRuns(store.data)) {
		if (run.result === 'running') {
			run.result = 'interrupted';
			n++;
		}
	}
	if (n > 0 && store.locked) await store.write();
	return n;
}

export function runView(paths: DataPaths, state: State, run: AcceptanceRun): RunView {
	const dir = runDir(paths, run);
	return {
		run_id: run.run_id,
		host_id: run.host_id,
		host: state.hosts.find((h) => h.host_id === run.host_id)?.name ?? run.host,
		pack: run.pack,
		access: run.access,
		result: run.result,
		access_status: run.access_status,
		failure_class: run.failure_class,
		batch_ids: run.batch_ids,
		started_at: run.started_at,
		finished_at: run.finished_at,
		final: run.final,
		archived: dir.startsWith(path.join(paths.dir, 'acceptance', 'archive') + path.sep),
		evidence_dir: dir,
		present: existsSync(dir),
	};
}
