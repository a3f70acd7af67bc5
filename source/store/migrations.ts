// Migrations from older state files. Version 1 (the first layout) kept every batch, with its steps,
// resources and reconcile runs, inline in state.json; version 2 moved batch detail to
// batches/<id>.json; version 3 moves the resource index beside the batch files (resource-index.ts)
// and writes the batch index and secrets as rows (state-codec.ts), so that one state write stays
// small at 10,000 batches. Every record is kept.
import {z} from 'zod';
import {
	BATCH_FILE_VERSION,
	SCHEMA_VERSION,
	acceptanceRunSchema,
	alertsConfigSchema,
	batchFileSchema,
	batchIndexSchema,
	batchSecretsSchema,
	hostSchema,
	reconcileIndexSchema,
	reconcileRunSchema,
	resourceKey,
	type BatchFile,
	type ReconcileRun,
	type State,
} from './schema.js';

export const stateV2Schema = z.looseObject({
	schema_version: z.literal(2),
	hosts: z.array(hostSchema),
	batches: z.array(batchIndexSchema),
	batch_secrets: z.record(z.string(), batchSecretsSchema),
	resource_index: z.record(z.string(), z.string()),
	reconcile_runs: z.array(reconcileIndexSchema),
	acceptance_runs: z.array(acceptanceRunSchema).optional(),
	alerts: alertsConfigSchema.optional(),
});
export type StateV2 = z.infer<typeof stateV2Schema>;

/** Version 2 to 3: the same records; the resource index leaves state.json for its own file. */
export function migrateV2(old: StateV2): {state: State; resourceIndex: Map<string, string>} {
	const {schema_version: _v, resource_index, ...rest} = old;
	return {
		state: {...rest, schema_version: SCHEMA_VERSION} as State,
		resourceIndex: new Map(Object.entries(resource_index)),
	};
}

export const stateV1Schema = z.looseObject({
	schema_version: z.literal(1),
	hosts: z.array(hostSchema),
	batches: z.array(
		batchIndexSchema.omit({resource_count: true}).extend({
			input: z.record(z.string(), z.unknown()),
			steps: batchFileSchema.shape.steps,
			resources: batchFileSchema.shape.resources,
			access_results: batchFileSchema.shape.access_results,
			reconcile_runs: batchFileSchema.shape.reconcile_runs,
			summary: batchFileSchema.shape.summary,
			secrets: z
				.object({
					user_email: z.string().nullable(),
					user_password: z.string().nullable(),
					user_key: z.string().nullable(),
				})
				.nullable(),
		}),
	),
	reconcile_runs: z.array(reconcileRunSchema),
});
export type StateV1 = z.infer<typeof stateV1Schema>;

export interface MigrationResult {
	state: State;
	batchFiles: BatchFile[];
	hostRuns: ReconcileRun[];
	resourceIndex: Map<string, string>;
}

export function migrateV1(old: StateV1): MigrationResult {
	const state: State = {
		schema_version: SCHEMA_VERSION,
		hosts: old.hosts,
		batches: [],
		batch_secrets: {},
		reconcile_runs: [],
	};
	const resourceIndex = new Map<string, string>();
	const batchFiles: BatchFile[] = [];
	for (const b of old.batches) {
		const {input, steps, resources, access_results, reconcile_runs, summary, secrets, ...index} = b;
		state.batches.push({...index, resource_count: resources.length});
		if (secrets) state.batch_secrets[b.batch_id] = secrets;
		for (const r of resources) {
			if (r.host_resource_id)
				resourceIndex.set(resourceKey(b.host_id, r.resource_type, r.host_resource_id), b.batch_id);
		}
		for (const run of reconcile_runs) {
			state.reconcile_runs.push({
				run_id: run.run_id,
				host_id: run.host_id,
				batch_id: b.batch_id,
				reconcile_status: run.reconcile_status,
				at: run.at,
				counts: countItems(run),
			});
		}
		batchFiles.push({
			schema_version: BATCH_FILE_VERSION,
			batch_id: b.batch_id,
			host_id: b.host_id,
			pack: b.pack,
			input,
			steps,
			resources,
			access_results,
			reconcile_runs,
			summary,
		});
	}
	for (const run of old.reconcile_runs) {
		state.reconcile_runs.push({
			run_id: run.run_id,
			host_id: run.host_id,
			batch_id: null,
			reconcile_status: run.reconcile_status,
			at: run.at,
			counts: countItems(run),
		});
	}
	return {state, batchFiles, hostRuns: old.reconcile_runs, resourceIndex};
}

export function countItems(run: ReconcileRun): Record<string, number> {
	const counts: Record<string, number> = {present: 0, missing: 0, changed: 0, unmanaged: 0};
	for (const item of run.items) counts[item.state] = (counts[item.state] ?? 0) + 1;
	return counts;
}
