// Batch-import runs as records (docs/cli.md `crm batch-runs`, `crm batch-run show RUN`): each run of
// import-batch (CLI or TUI) is indexed in state.json when it starts, and the document it printed is
// kept in DIR/batch-runs/<run_id>.json when it ends, secrets redacted, so a past run's table can be
// reopened. A run whose process died before the end is shown as interrupted.
import {randomBytes} from 'node:crypto';
import path from 'node:path';
import {pidAlive} from '../../store/lock.js';
import type {BatchRunIndex, State} from '../../store/schema.js';
import type {StateStore} from '../../store/state-store.js';
import {CrmError} from '../../lib/errors.js';
import {readFile} from 'node:fs/promises';
import {shown} from '../input/validate.js';
import {writeEvidence} from '../records/evidence.js';
import type {BatchResult, BatchTotals} from './types.js';

export const RUN_ID = /^r\d{8}-\d{6}-[0-9a-f]{6}$/;

export function newRunId(now = new Date()): string {
	const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-');
	return `r${stamp}-${randomBytes(3).toString('hex')}`;
}

export function runsDir(store: StateStore): string {
	return path.join(store.paths.dir, 'batch-runs');
}

function ensureRuns(state: State): BatchRunIndex[] {
	state.batch_runs ??= [];
	return state.batch_runs;
}

/** Indexes a starting run (the store must hold the lock). */
export async function startRun(
	store: StateStore,
	o: {run_id?: string; host_id: string; file_sha256: string | null; rows: number},
): Promise<BatchRunIndex> {
	const entry: BatchRunIndex = {
		run_id: o.run_id ?? newRunId(),
		host_id: o.host_id,
		file_sha256: o.file_sha256,
		rows: o.rows,
		totals: null,
		started_at: new Date().toISOString(),
		finished_at: null,
		pid: process.pid,
	};
	ensureRuns(store.data).push(entry);
	await store.write();
	return entry;
}

/** Keeps the printed document and closes the index entry. */
export async function finishRun(store: StateStore, entry: BatchRunIndex, doc: BatchResult): Promise<void> {
	// Written through the process's one secret registry (every key of the file is in it).
	await writeEvidence(runsDir(store), `${entry.run_id}.json`, doc);
	entry.totals = {...doc.totals};
	entry.finished_at = new Date().toISOString();
	entry.pid = null;
	await store.write();
}

export interface RunView {
	run_id: string;
	host_id: string;
	file_sha256: string | null;
	rows: number;
	totals: BatchTotals | null;
	started_at: string;
	finished_at: string | null;
	/** finished, running, or interrupted (its process is gone and it never finished). */
	status: 'finished' | 'running' | 'interrupted';
}

export function runView(entry: BatchRunIndex): RunView {
	const status = entry.finished_at
		? 'finished'
		: entry.pid !== null && pidAlive(entry.pid)
			? 'running'
			: 'interrupted';
	return {
		run_id: entry.run_id,
		host_id: entry.host_id,
		file_sha256: entry.file_sha256,
		rows: entry.rows,
		totals: (entry.totals as BatchTotals | null) ?? null,
		started_at: entry.started_at,
		finished_at: entry.finished_at,
		status,
	};
}

/** Every run, newest first (reads only). */
export function listRuns(state: State, hostId?: string): RunView[] {
	return (state.batch_runs ?? [])
		.filter((r) => !hostId || r.host_id === hostId)
		.map(runView)
		.sort((a, b) => (a.started_at < b.started_at ? 1 : a.started_at > b.started_at ? -1 : 0));
}

/** The document a run printed; an interrupted run has none (its rows are in their batches). */
export async function readRun(
	store: StateStore,
	runId: string | undefined,
): Promise<{run: RunView; document: BatchResult | null}> {
	const entry = (store.data.batch_runs ?? []).find((r) => r.run_id === runId);
	if (!runId || !entry)
		throw new CrmError('invalid_input', `no batch-import run ${shown(runId ?? '')}; see crm batch-runs`, {
			field: 'run',
		});
	const run = runView(entry);
	if (!entry.finished_at) return {run, document: null};
	const file = path.join(runsDir(store), `${entry.run_id}.json`);
	let text: string;
	try {
		text = await readFile(file, 'utf8');
	} catch {
		throw new CrmError('state_corrupt', `the record of run ${entry.run_id} is missing: ${file}`);
	}
	try {
		return {run, document: JSON.parse(text) as BatchResult};
	} catch {
		throw new CrmError('state_corrupt', `the record of run ${entry.run_id} is not valid JSON: ${file}`);
	}
}
