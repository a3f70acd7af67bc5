// Batch imports started over HTTP (docs/cli.md, Service): the rows are checked first (bad input
// answers 400 before anything runs), then source/app's importBatch, the CLI's function, runs as a
// tracked operation in the background. The request is answered 202 with the run id once the run holds
// the lock and its host is known; if it fails before that (the data folder is locked: 409, an unknown
// host: 400), that failure is the answer instead. Each row's batch gets its own event stream, as a
// single import does; the run keeps each row's progress and, once finished, the CLI's document.
import {newRunId} from '../app/batch-runs.js';
import {importBatch, type BatchEvent, type BatchResult, type BatchRow} from '../app/import-batch.js';
import {hostOf} from '../app/hosts.js';
import type {Session} from '../app/session.js';
import type {ServiceDeps} from './deps.js';
import {toHttpError, type ErrorBody} from './errors.js';

export interface RowProgress {
	line: number;
	url: string;
	key_hint: string;
	pack: string | null;
	batch_id: string | null;
	state: 'waiting' | 'detecting' | 'detected' | 'importing' | 'done';
	/** The step running (or the last one ended) while the row imports. */
	step: string | null;
}

export interface BatchRunView {
	run_id: string;
	host: string;
	state: 'running' | 'finished' | 'failed';
	started_at: string;
	finished_at: string | null;
	concurrency: number | null;
	progress: {total: number; done: number; rows: RowProgress[]};
	/** Once finished: the document `crm import-batch --json` prints. */
	result: BatchResult | null;
	/** When the run failed as a whole after it started (not a row's failure). */
	error: ErrorBody['error'] | null;
}

/** How many runs the service remembers (the oldest finished ones are forgotten first). */
const KEEP_RUNS = 100;

export class BatchRuns {
	private readonly runs = new Map<string, BatchRunView>();

	get(runId: string): BatchRunView | undefined {
		return this.runs.get(runId);
	}

	add(view: BatchRunView): void {
		this.runs.set(view.run_id, view);
		const over = this.runs.size - KEEP_RUNS;
		if (over <= 0) return;
		const ended = [...this.runs.values()].filter((r) => r.state !== 'running').slice(0, over);
		for (const r of ended) this.runs.delete(r.run_id);
	}
}

/** Follows the engine's row events: progress, and each row's batch on the event hub. */
function follow(deps: ServiceDeps, view: BatchRunView, hostId: string) {
	const byLine = new Map(view.progress.rows.map((r) => [r.line, r]));
	return (e: BatchEvent) => {
		const row = byLine.get(e.line);
		if (!row) return;
		switch (e.type) {
			case 'detect_start':
				row.state = 'detecting';
				return;
			case 'detected':
				row.state = 'detected';
				row.pack = e.detection.pack;
				return;
			case 'row_start':
				row.state = 'importing';
				row.pack = e.pack;
				return;
			case 'row_batch':
				row.batch_id = e.batch_id;
				deps.hub.open({
					batch_id: e.batch_id,
					host_id: hostId,
					pack: row.pack ?? '',
					started_at: new Date().toISOString(),
				});
				return;
			case 'row_step':
				row.step = e.event.step;
				if (row.batch_id) deps.hub.step(row.batch_id, e.event);
				return;
			case 'row_end':
				row.state = 'done';
				view.progress.done += 1;
				if (row.batch_id) deps.hub.end(row.batch_id, e.result);
				return;
		}
	};
}

export async function startImportBatch(
	deps: ServiceDeps,
	runs: BatchRuns,
	session: Session,
	input: {host: string; rows: BatchRow[]; concurrency?: number},
): Promise<{run_id: string}> {
	const view: BatchRunView = {
		run_id: newRunId(),
		host: input.host,
		state: 'running',
		started_at: new Date().toISOString(),
		finished_at: null,
		concurrency: input.concurrency ?? null,
		progress: {
			total: input.rows.length,
			done: 0,
			rows: input.rows.map((r) => ({
				line: r.line,
				url: r.url,
				key_hint: r.key_hint,
				pack: r.pack,
				batch_id: null,
				state: 'waiting',
				step: null,
			})),
		},
		result: null,
		error: null,
	};
	let started = false;
	let announce: () => void = () => {};
	const begun = new Promise<void>((resolve) => (announce = resolve));
	// The host's id names each row's event stream; an unknown host fails under the lock (400 naming host).
	const hostId = hostOf((await session.read()).data, input.host)?.host_id ?? input.host;
	const done = deps.ops.start(`import-batch ${view.run_id}`, (signal) =>
		// The run's record (crm batch-runs, crm batch-run show) keeps the id the service answered with.
		importBatch(
			session,
			{...input, runId: view.run_id},
			{
				signal,
				sink: follow(deps, view, hostId),
				onStart: () => {
					started = true;
					runs.add(view);
					announce();
				},
			},
		),
	);
	const finish = (patch: Partial<BatchRunView>) =>
		Object.assign(view, patch, {finished_at: new Date().toISOString()});
	done.then(
		(result) => finish({state: 'finished', result}),
		(error: unknown) => finish({state: 'failed', error: toHttpError(error).body.error}),
	);
	const ended = done.then(() => {
		if (!started) throw new Error('the batch import ended before it started');
	});
	// A failure after the answer went out is the run's error (above); it must not go unhandled here.
	ended.catch(() => {});
	await Promise.race([begun, ended]);
	return {run_id: view.run_id};
}
