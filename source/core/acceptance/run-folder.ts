// An acceptance run's folder and index entry (docs/domain.md "Evidence"): created before anything
// runs, every file written redacted through one writer, the list of files kept as they are written.
import {hostEntry} from './seed-keys.js';
import {mkdirSync} from 'node:fs';
import {registerSecret} from '../../lib/secrets.js';
import path from 'node:path';
import type {AcceptanceRun} from '../../store/schema.js';
import type {StateStore} from '../../store/state-store.js';
import type {ImportPlanInput} from '../import/types.js';
import type {AccessMode} from '../packs/packs.js';
import {writeEvidenceSync} from '../records/evidence.js';
import {FILES, TOOL_NAME, toolVersion} from './files.js';
import {ensureRuns, mainFolder} from './runs.js';
import type {AcceptAccess, AcceptanceOptions} from './types.js';
import {newRunId} from './run-id.js';

export interface RunFolder {
	runId: string;
	dir: string;
	startedAt: string;
	entry: AcceptanceRun;
	batchIds: string[];
	/** The files written so far, in the order first written. */
	files: string[];
	/** Writes a numbered evidence file (redacted) and lists it. */
	write(file: string, data: unknown): void;
	/** Lists a file or folder written some other way. */
	record(file: string): void;
}

/** Creates the folder and the index entry (`running`), and writes the run's input. */
export async function openRun(
	store: StateStore,
	o: AcceptanceOptions,
	first: ImportPlanInput,
	access: AcceptAccess,
	modes: AccessMode[],
): Promise<RunFolder> {
	const host = first.host;
	const startedAt = new Date().toISOString();
	const runId = newRunId(host.name, first.pack.id);
	const folder = mainFolder(runId);
	const dir = path.join(store.paths.dir, folder);
	mkdirSync(dir, {recursive: true, mode: 0o700});
	const files: string[] = [];
	registerSecret(first.key);
	const record = (file: string) => {
		if (!files.includes(file)) files.push(file);
	};
	const run: RunFolder = {
		runId,
		dir,
		startedAt,
		batchIds: [],
		files,
		record,
		write: (file, data) => {
			writeEvidenceSync(dir, file, data);
			record(file);
		},
		entry: {
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
			batch_ids: [],
			started_at: startedAt,
			finished_at: null,
			folder,
			final: false,
			host_version: host.version,
			tool_version: toolVersion(),
		},
	};
	run.entry.batch_ids = run.batchIds;
	ensureRuns(store.data).push(run.entry);
	await store.write();
	o.onRun?.(runId, dir);
	run.write(FILES.runInput, {
		run_id: runId,
		started_at: startedAt,
		tool: {name: TOOL_NAME, version: toolVersion()},
		host: hostEntry(host),
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
	return run;
}
