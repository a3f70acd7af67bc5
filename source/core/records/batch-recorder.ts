// Everything an import writes, in order: the batch index entry (state.json), the batch file, the
// resource records (pending before the create request, confirmed after) and the evidence files.
// Writes are chained so concurrent steps never interleave a half-updated file.
import {randomBytes} from 'node:crypto';
import {mkdir, writeFile} from 'node:fs/promises';
import path from 'node:path';
import type {StateStore} from '../../store/state-store.js';
import {
	BATCH_FILE_VERSION,
	STEP_NAMES,
	resourceKey,
	type AccessResult,
	type BatchFile,
	type BatchIndex,
	type BatchSecrets,
	type ResourceRecord,
	type ResourceType,
	type StepRecord,
} from '../../store/schema.js';
import {registerSecret} from '../../lib/secrets.js';
import {evidenceText, stepArtifactName} from './evidence.js';

export function newBatchId(): string {
	const d = new Date();
	const stamp = d.toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-');
	return `b${stamp}-${randomBytes(3).toString('hex')}`;
}

/** The collision-proof suffix used in names on the host. */
export function shortId(batchId: string): string {
	return batchId.slice(-6);
}

export class BatchRecorder {
	readonly store: StateStore;
	readonly batchId: string;
	readonly file: BatchFile;
	private entry: BatchIndex | null = null;
	/** Changes not yet written (saveLater). */
	private dirty = false;
	private artifactsFolder: Promise<unknown> | null = null;
	private artifactWrites: Array<Promise<unknown>> = [];

	private constructor(store: StateStore, file: BatchFile) {
		this.store = store;
		this.batchId = file.batch_id;
		this.file = file;
	}

	static async create(
		store: StateStore,
		index: Omit<BatchIndex, 'resource_count' | 'updated_at' | 'finished_at'>,
		input: Record<string, unknown>,
	): Promise<BatchRecorder> {
		const file: BatchFile = {
			schema_version: BATCH_FILE_VERSION,
			batch_id: index.batch_id,
			host_id: index.host_id,
			pack: index.pack,
			input,
			steps: [],
			resources: [],
			access_results: [],
			reconcile_runs: [],
			summary: null,
		};
		store.data.batches.push({...index, resource_count: 0, updated_at: index.created_at, finished_at: null});
		const recorder = new BatchRecorder(store, file);
		await store.writeBatch(file);
		await store.write();
		return recorder;
	}

	static async open(store: StateStore, batchId: string): Promise<BatchRecorder> {
		const file = await store.readBatch(batchId);
		if (!file) throw new Error(`batch file for ${batchId} is missing`);
		return new BatchRecorder(store, file);
	}

	/** This batch's index entry (found once: at 10,000 batches a search per write would add up). */
	get index(): BatchIndex {
		if (this.entry) return this.entry;
		const entry = this.store.data.batches.find((b) => b.batch_id === this.batchId);
		if (!entry) throw new Error(`batch ${this.batchId} is not in the index`);
		this.entry = entry;
		return entry;
	}

	get artifactsDir(): string {
		return this.store.paths.artifacts(this.batchId);
	}

	private touch(): void {
		this.index.updated_at = new Date().toISOString();
		this.index.resource_count = this.file.resources.filter((r) => r.status !== 'failed').length;
		this.index.pending = this.file.resources.some((r) => r.status === 'pending');
	}

	/**
	 * Writes the batch file with every change so far: the durable points of an import (the batch
	 * exists, a step starts, a resource is about to be created, a secret is kept, the end).
	 */
	private async saveNow(): Promise<void> {
		this.dirty = false;
		this.store.doneWith(this.writeDue);
		this.touch();
		await this.store.writeBatch(this.file);
	}

	/**
	 * Changes nothing waits for (a step's end, a confirmation, an access result) ride with the next
	 * durable write: a step's end and the next step's start are one write, not two (docs/benchmarks.md,
	 * batch import scaling). A kill before it leaves what recovery already handles: a confirmed record
	 * still pending (resolved by its name and marker) or an ended step still running (the batch reads
	 * failed there). Every import ends with a durable write; anything else still held back is written
	 * when the store lets the lock go.
	 */
	private saveLater(): void {
		if (this.dirty) return;
		this.dirty = true;
		this.store.whenReleasing(this.writeDue);
	}

	/** The held-back write, when the store lets the lock go. */
	private readonly writeDue = (): void => {
		if (!this.dirty) return;
		this.dirty = false;
		this.touch();
		this.store.writeBatchNow(this.file);
	};

	/**
	 * Writes the batch file and state.json. During a run only the batch file needs writing
	 * (flushBatch): it is the truth crash recovery rebuilds the index from, and a whole-state write
	 * costs far more at 10,000 batches. state.json is written at creation, when a secret is stored
	 * (before the request that needs it) and at the end.
	 */
	async flush(): Promise<void> {
		await this.saveNow();
		await this.artifactsWritten();
		await this.store.write();
	}

	async flushBatch(): Promise<void> {
		await this.saveNow();
	}

	/**
	 * An evidence file: its text made now (the records it shows may change later), written off the
	 * main thread without holding the step up; the batch's durable flushes wait for all of them.
	 */
	private writeArtifact(file: string, data: unknown): void {
		const text = evidenceText(data);
		this.artifactsFolder ??= mkdir(this.artifactsDir, {recursive: true, mode: 0o700});
		const write = this.artifactsFolder.then(() =>
			writeFile(path.join(this.artifactsDir, file), text, {mode: 0o600}),
		);
		write.catch(() => {}); // awaited (and its failure thrown) by the next flush
		this.artifactWrites.push(write);
	}

	/**
	 * Waits for the writes started in the background (evidence, step starts, a kept key); never called
	 * from one of them (it would wait for itself).
	 */
	private async artifactsWritten(): Promise<void> {
		while (this.artifactWrites.length > 0) {
			const writes = this.artifactWrites;
			this.artifactWrites = [];
			await Promise.all(writes);
		}
	}

	/**
	 * Puts a step's record in place: steps that run side by side start and end in any order, and the
	 * batch keeps them in the pipeline's order (STEP_NAMES; others after, in the order they came).
	 */
	private placeStep(record: StepRecord): void {
		const steps = this.file.steps;
		const existing = steps.findIndex((s) => s.name === record.name);
		if (existing >= 0) {
			steps[existing] = record;
			return;
		}
		const rank = (name: string) => {
			const i = (STEP_NAMES as readonly string[]).indexOf(name);
			return i < 0 ? STEP_NAMES.length : i;
		};
		const after = steps.findIndex((s) => rank(s.name) > rank(record.name));
		if (after < 0) steps.push(record);
		else steps.splice(after, 0, record);
	}

	/**
	 * Records a step as running, in the batch file only (state.json waits): a run that dies in a step
	 * reads failed at that step (docs/domain.md "Write-ahead records"). Awaited: written in the
	 * background, the file lagged steps behind on a slow disk (a step that sends nothing itself, such
	 * as the plan, ends at once) and a dead run was named failed at a step it had already left.
	 */
	async startStep(record: StepRecord): Promise<void> {
		this.placeStep(record);
		await this.saveNow();
	}

	/** A step's end: its evidence file now, its record with the next write. */
	async recordStep(record: StepRecord, evidence: unknown): Promise<void> {
		this.placeStep(record);
		if (record.status === 'fail') this.index.stopped_at_step = record.name;
		this.writeArtifact(stepArtifactName(record.name), {step: record, evidence: evidence ?? null});
		this.saveLater();
	}

	/** Records a resource as pending, durably, before the request that creates it is sent. */
	async pending(
		type: ResourceType,
		name: string,
		snapshot: Record<string, unknown>,
		owned = true,
	): Promise<ResourceRecord> {
		const record: ResourceRecord = {
			resource_type: type,
			host_resource_id: null,
			name,
			status: 'pending',
			snapshot,
			created_at: new Date().toISOString(),
			confirmed_at: null,
			deleted_at: null,
			deleted_by: null,
			owned,
		};
		this.file.resources.push(record);
		await this.saveNow();
		return record;
	}

	/** Confirms a resource with its host id (after the create answered, or it was found by name). */
	async confirm(
		record: ResourceRecord,
		hostResourceId: string | number,
		snapshot?: Record<string, unknown>,
	): Promise<void> {
		record.host_resource_id = String(hostResourceId);
		record.status = 'created';
		record.confirmed_at = new Date().toISOString();
		if (snapshot) record.snapshot = snapshot;
		// The index line first: a kill before the batch file says `created` leaves the record pending,
		// which the next run resolves by name; never a created resource the index does not know.
		this.store.resources.set(
			resourceKey(this.index.host_id, record.resource_type, record.host_resource_id),
			this.batchId,
		);
		this.saveLater();
	}

	/**
	 * The create's answer was lost and the host holds a same-named resource without this record's
	 * marker (docs/domain.md, rollback): not proven ours, so never deleted; the operator may adopt it.
	 */
	async unknown(record: ResourceRecord, candidateId: string | number | null): Promise<void> {
		record.status = 'unknown';
		record.candidate_id = candidateId === null ? null : String(candidateId);
		this.saveLater();
	}

	/** The create definitively did not happen (the host refused it). */
	async failed(record: ResourceRecord): Promise<void> {
		record.status = 'failed';
		this.saveLater();
	}

	/**
	 * Keeps the managed user's secrets in state.json. Awaited by default: a password is durable before
	 * the request that sets it. `soon`: the write starts now and the batch's next flush waits for it
	 * (a new user key, which the smoke uses while state.json is written).
	 */
	async setSecrets(patch: Partial<BatchSecrets>, when: 'now' | 'soon' = 'now'): Promise<void> {
		const current = this.store.data.batch_secrets[this.batchId] ?? {
			user_email: null,
			user_password: null,
			user_key: null,
		};
		// Known to the registry before state.json (or anything else) is written.
		registerSecret(patch.user_password);
		registerSecret(patch.user_key);
		this.store.data.batch_secrets[this.batchId] = {...current, ...patch};
		if (when === 'now') return this.flush();
		this.inBackground(this.saveNow().then(() => this.store.write()));
	}

	/** A write nothing waits for now; the next flush waits for it (and throws its failure). */
	private inBackground(write: Promise<unknown>): void {
		write.catch(() => {});
		this.artifactWrites.push(write);
	}

	async accessResult(result: AccessResult): Promise<void> {
		this.file.access_results.push(result);
		this.saveLater();
	}

	async finish(patch: Partial<BatchIndex>, summary: Record<string, unknown>): Promise<void> {
		Object.assign(this.index, patch, {finished_at: new Date().toISOString()});
		this.file.summary = summary;
		await this.flush();
		this.writeArtifact('summary.json', summary);
		await this.artifactsWritten();
	}
}
