// One batch as every view shows it (`crm batch show`, the TUI's batch screen): its index entry, its
// file (input, steps, resources, access results, its own reconcile runs, summary), its evidence
// files, and what can still be done with it. Reads that batch's file only.
import {readdirSync} from 'node:fs';
import {CrmError} from '../../lib/errors.js';
import {shown} from '../input/validate.js';
import type {BatchFile, BatchIndex} from '../../store/schema.js';
import type {StateStore} from '../../store/state-store.js';

export interface BatchDetail extends BatchIndex {
	artifacts_dir: string;
	input: BatchFile['input'] | null;
	steps: BatchFile['steps'];
	resources: BatchFile['resources'];
	access_results: BatchFile['access_results'];
	reconcile_runs: BatchFile['reconcile_runs'];
	summary: BatchFile['summary'];
	/** false when the batch file is gone (the index entry is all there is). */
	file_present: boolean;
	evidence_files: string[];
	/** The model its smokes use (its last access result's), if it ever got that far. */
	smoke_model: string | null;
	/** It still holds resources on the host (reconcile and roll back apply). */
	holds_resources: boolean;
	/** Its access smoke can run again: it holds resources and has a smoke model (docs/domain.md). */
	smoke_again_applies: boolean;
}

function listFiles(dir: string): string[] {
	try {
		return readdirSync(dir).sort();
	} catch {
		return [];
	}
}

export async function batchDetail(store: StateStore, batchId: string | undefined): Promise<BatchDetail> {
	const index = store.data.batches.find((b) => b.batch_id === batchId);
	if (!batchId || !index)
		throw new CrmError('invalid_input', `no batch ${shown(batchId ?? '')}; see crm batches`, {
			field: 'batch',
		});
	const file = await store.readBatch(index.batch_id);
	const artifacts = store.paths.artifacts(index.batch_id);
	const smokeModel = (file?.access_results.at(-1)?.smoke_model ?? null) as string | null;
	const holds = (file?.resources ?? []).some((r) => r.status === 'created');
	return {
		...index,
		artifacts_dir: artifacts,
		input: file?.input ?? null,
		steps: file?.steps ?? [],
		resources: file?.resources ?? [],
		access_results: file?.access_results ?? [],
		reconcile_runs: file?.reconcile_runs ?? [],
		summary: file?.summary ?? null,
		file_present: file !== null,
		evidence_files: listFiles(artifacts),
		smoke_model: smokeModel,
		holds_resources: holds,
		smoke_again_applies: holds && Boolean(smokeModel),
	};
}
