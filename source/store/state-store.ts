// The state store: lowdb over state.json (atomic temp-file + rename writes through steno), plus the
// per-batch and per-reconcile detail files beside it. A file that is not valid JSON, fails the
// schema or has a newer schema_version is refused (exit 4) and never rewritten. state.json is the one
// home of secrets (docs/domain.md): what it holds is registered when it is read, and every other file
// written here is redacted with every secret the process knows (lib/secrets) before it is serialised.
import {chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, statSync} from 'node:fs';
import path from 'node:path';
import {Low} from 'lowdb';
import {DataFile} from 'lowdb/node';
import {CrmError} from '../lib/errors.js';
import {redactValue, registerSecret, registerSecretsIn} from '../lib/secrets.js';
import {acquireLock, pidAlive, type HeldLock} from './lock.js';
import {migrateV1, stateV1Schema} from './migrations.js';
import {checkDataDir, dataPaths, type DataPaths} from './paths.js';
import {
	BATCH_ID,
	RECONCILE_RUN_ID,
	SCHEMA_VERSION,
	batchFileSchema,
	emptyState,
	reconcileRunSchema,
	stateSchema,
	type BatchFile,
	type ReconcileRun,
	type State,
} from './schema.js';

/** Every file but state.json: every string and field name redacted before it is serialised. */
const redactedPretty = (data: unknown) => JSON.stringify(redactValue(data), null, 2) + '\n';
/** state.json only: the one file that holds secrets. */
const compact = (data: unknown) => JSON.stringify(data) + '\n';

// One adapter per file: steno queues writes per Writer, so concurrent writes to one file must share it.
const adapters = new Map<string, DataFile<unknown>>();
function jsonFile<T>(file: string, stringify: (data: unknown) => string = redactedPretty): DataFile<T> {
	let adapter = adapters.get(file);
	if (!adapter) {
		adapter = new DataFile<unknown>(file, {parse: (text) => JSON.parse(text) as unknown, stringify});
		adapters.set(file, adapter);
	}
	return adapter as DataFile<T>;
}

/**
 * A writer killed between steno's temp write and its rename leaves `.state.json.tmp` (which holds
 * secrets) behind; with the lock held no write is under way, so any such file is stale.
 */
function removeStaleTemp(paths: DataPaths): void {
	const tmp = path.join(paths.dir, `.${path.basename(paths.state)}.tmp`);
	rmSync(tmp, {force: true});
}

/**
 * Creates the data folder and its subfolders when writing: each folder crm creates is 0700; one
 * that already exists (a folder shared with other tools, say) keeps its mode.
 */
export function ensureDataDir(paths: DataPaths): void {
	checkDataDir(paths.dir, {write: true});
	for (const dir of [paths.dir, paths.batches, paths.reconciles]) {
		if (existsSync(dir)) continue;
		try {
			const first = mkdirSync(dir, {recursive: true, mode: 0o700});
			// Every folder this call made, from the first one down to dir.
			for (let made = dir; first && made.startsWith(first); made = path.dirname(made)) {
				chmodSync(made, 0o700);
				if (made === first) break;
			}
		} catch (error) {
			throw new CrmError(
				'invalid_input',
				`--data ${paths.dir}: cannot create ${dir} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); give a folder crm can write`,
				{field: '--data'},
			);
		}
	}
}

function stateError(kind: 'state_corrupt' | 'state_newer', file: string, why: string): CrmError {
	const advice =
		kind === 'state_newer'
			? 'use the newer crm that wrote it'
			: 'restore it from a backup or move it aside to start with an empty state';
	return new CrmError(kind, `state file ${file} ${why}; it was left exactly as it is (${advice})`);
}

function schemaProblem(error: {issues: Array<{path: PropertyKey[]; message: string}>}): string {
	const issue = error.issues[0];
	return `${issue?.path.map(String).join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`;
}

/** Parts of state.json that hold no secret by design. */
const SECRET_FREE = new Set(['batches', 'resource_index', 'reconcile_runs', 'acceptance_runs']);

export interface OpenOptions {
	/**
	 * Take the data folder's lock (commands that change state). `existing`: the command only acts on
	 * what is already recorded, so an absent data folder is not created (it is read as empty, and
	 * the command then finds nothing to act on).
	 */
	lock?: {command: string; waitMs?: number; existing?: boolean};
}

/**
 * A `running` batch whose process is gone reads `failed` to a reader without the lock, as crash
 * recovery (which needs the lock) will record it; nothing is written.
 */
function showDeadAsFailed(state: State): void {
	for (const b of state.batches) {
		if (b.batch_status !== 'running') continue;
		if (b.pid !== null && (b.pid === process.pid || pidAlive(b.pid))) continue;
		b.batch_status = 'failed';
		b.failure_class = b.failure_class ?? 'unknown';
		b.stopped_at_step = b.stopped_at_step ?? 'preflight';
		b.provider_status = b.resource_count > 0 ? 'broken' : null;
		b.access_status = b.resource_count > 0 ? 'broken' : 'pending';
		b.pid = null;
	}
}

export class StateStore {
	readonly paths: DataPaths;
	private readonly db: Low<State>;
	private held: HeldLock | null;

	private constructor(paths: DataPaths, db: Low<State>, held: HeldLock | null) {
		this.paths = paths;
		this.db = db;
		this.held = held;
	}

	static async open(dataDir: string, options: OpenOptions = {}): Promise<StateStore> {
		process.umask(0o077);
		const paths = dataPaths(dataDir);
		let held: HeldLock | null = null;
		if (options.lock && !(options.lock.existing && !existsSync(paths.dir))) {
			ensureDataDir(paths);
			held = await acquireLock(paths.lock, options.lock.command, options.lock.waitMs ?? 0);
			removeStaleTemp(paths);
		}
		try {
			// state.json is compact: at 10,000 batches indentation alone adds a third to every write.
			const db = new Low<State>(jsonFile<State>(paths.state, compact), emptyState());
			const store = new StateStore(paths, db, held);
			await store.load();
			return store;
		} catch (error) {
			held?.release();
			throw error;
		}
	}

	get data(): State {
		return this.db.data;
	}

	get locked(): boolean {
		return this.held !== null;
	}

	private async load(): Promise<void> {
		const file = this.paths.state;
		let raw: unknown;
		try {
			raw = await this.db.adapter.read();
		} catch (error) {
			throw stateError('state_corrupt', file, `is not valid JSON (${(error as Error).message})`);
		}
		if (raw === null) {
			// lowdb reads an absent file as null, and a file holding `null` the same way.
			if (existsSync(file)) throw stateError('state_corrupt', file, 'holds null instead of the state');
			this.db.data = emptyState();
			return;
		}
		const version = (raw as {schema_version?: unknown})?.schema_version;
		if (typeof version === 'number' && version > SCHEMA_VERSION) {
			throw stateError(
				'state_newer',
				file,
				`has schema_version ${version}, newer than this crm (${SCHEMA_VERSION})`,
			);
		}
		if (version === 1) {
			const old = stateV1Schema.safeParse(raw);
			if (!old.success)
				throw stateError('state_corrupt', file, `fails the version 1 schema at ${schemaProblem(old.error)}`);
			const migrated = migrateV1(old.data);
			this.db.data = migrated.state;
			this.registerSecrets();
			if (this.held) {
				// Keep the old file, then write the detail files before the index that points at them.
				copyFileSync(file, `${file}.v1.bak`);
				for (const batch of migrated.batchFiles) await this.writeBatch(batch);
				for (const run of migrated.hostRuns) await this.writeHostRun(run);
				await this.write();
			} else {
				this.pendingMigration = migrated;
			}
			return;
		}
		const parsed = stateSchema.safeParse(raw);
		if (!parsed.success)
			throw stateError('state_corrupt', file, `fails the schema at ${schemaProblem(parsed.error)}`);
		this.db.data = parsed.data;
		this.registerSecrets();
		if (!this.held) showDeadAsFailed(this.db.data);
	}

	/**
	 * Host credentials and sessions, managed users' passwords and keys, kept provider keys: every
	 * string under a secret-named field is known before anything is printed. The large indexes hold
	 * none and are skipped (at 10,000 batches walking them would cost every command).
	 */
	private registerSecrets(): void {
		registerSecretsIn(
			Object.fromEntries(Object.entries(this.db.data).filter(([name]) => !SECRET_FREE.has(name))),
		);
		// The alerts webhook URL carries its token (Feishu, DingTalk) under a name that is not secret-like.
		registerSecret(this.db.data.alerts?.webhook_url);
	}

	/** A version-1 file read without the lock is migrated in memory only; its batch files live here. */
	private pendingMigration: ReturnType<typeof migrateV1> | null = null;

	async write(): Promise<void> {
		if (!this.held) throw new Error('state write without the lock');
		await this.db.write();
	}

	/**
	 * A batch's file. One missing for a batch in the index is a state problem (exit 4 naming the
	 * file), never an empty batch: an empty batch would read as "in sync" and "nothing to roll back".
	 */
	async readBatch(batchId: string): Promise<BatchFile> {
		const file = await this.readBatchIfPresent(batchId);
		if (!file)
			throw stateError(
				'state_corrupt',
				this.paths.batchFile(batchId),
				`is missing, though batch ${batchId} is in the index of ${this.paths.state}`,
			);
		return file;
	}

	/** A batch's file, or null when there is none (crash recovery marks such a batch failed). */
	async readBatchIfPresent(batchId: string): Promise<BatchFile | null> {
		const pending = this.pendingMigration?.batchFiles.find((b) => b.batch_id === batchId);
		if (pending) return pending;
		if (!BATCH_ID.test(batchId))
			throw stateError('state_corrupt', this.paths.state, `names a batch id crm never makes`);
		const file = this.paths.batchFile(batchId);
		let raw: unknown;
		try {
			raw = await jsonFile<BatchFile>(file).read();
		} catch (error) {
			throw stateError('state_corrupt', file, `is not valid JSON (${(error as Error).message})`);
		}
		if (raw === null) {
			if (existsSync(file)) throw stateError('state_corrupt', file, 'holds null instead of the batch');
			return null;
		}
		const parsed = batchFileSchema.safeParse(raw);
		if (!parsed.success)
			throw stateError('state_corrupt', file, `fails the schema at ${schemaProblem(parsed.error)}`);
		if (parsed.data.batch_id !== batchId)
			throw stateError('state_corrupt', file, `holds batch ${parsed.data.batch_id}, not ${batchId}`);
		return parsed.data;
	}

	async writeBatch(batch: BatchFile): Promise<void> {
		if (!this.held) throw new Error('batch write without the lock');
		await jsonFile<BatchFile>(this.paths.batchFile(batch.batch_id)).write(batch);
	}

	async readHostRun(runId: string): Promise<ReconcileRun | null> {
		const pending = this.pendingMigration?.hostRuns.find((r) => r.run_id === runId);
		if (pending) return pending;
		if (!RECONCILE_RUN_ID.test(runId))
			throw stateError('state_corrupt', this.paths.state, `names a reconcile run id crm never makes`);
		const raw = await jsonFile<ReconcileRun>(this.paths.reconcileFile(runId)).read();
		if (raw === null) {
			if (existsSync(this.paths.reconcileFile(runId)))
				throw stateError('state_corrupt', this.paths.reconcileFile(runId), 'holds null');
			return null;
		}
		const parsed = reconcileRunSchema.safeParse(raw);
		if (!parsed.success)
			throw stateError('state_corrupt', this.paths.reconcileFile(runId), 'fails the schema');
		return parsed.data;
	}

	async writeHostRun(run: ReconcileRun): Promise<void> {
		if (!this.held) throw new Error('reconcile write without the lock');
		await jsonFile<ReconcileRun>(this.paths.reconcileFile(run.run_id)).write(run);
	}

	release(): void {
		this.held?.release();
		this.held = null;
	}
}

/** Modes of everything in the data folder (tests and `crm doctor`-style checks). */
export function listModes(dir: string): Array<{path: string; mode: number; dir: boolean}> {
	const out: Array<{path: string; mode: number; dir: boolean}> = [];
	const walk = (p: string) => {
		const st = statSync(p);
		out.push({path: p, mode: st.mode & 0o777, dir: st.isDirectory()});
		if (st.isDirectory()) for (const child of readdirSync(p)) walk(`${p}/${child}`);
	};
	if (existsSync(dir)) walk(dir);
	return out;
}
