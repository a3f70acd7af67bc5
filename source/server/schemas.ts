// The service's request and answer schemas (docs/cli.md, Service). The request schemas validate every
// body, query and path parameter; the OpenAPI document is generated from these same schemas, so the
// document and what the service accepts cannot disagree. Answers use the CLI's JSON shapes; their
// schemas name the fields the CLI documents and let further fields through (loose objects).
import {z} from '@hono/zod-openapi';
import {
	ACCESS_STATUSES,
	BATCH_STATUSES,
	FAILURE_CLASSES,
	HEALTH_STATES,
	PROVIDER_STATUSES,
} from '../app/service.js';

const id = (name: string, example: string) =>
	z
		.string()
		.min(1)
		.max(200)
		.openapi({param: {name, in: 'path'}, example});
const text = (max = 2048) => z.string().min(1).max(max);
const nullable = <T extends z.ZodType>(t: T) => t.nullable();

export const ErrorSchema = z
	.object({
		error: z.object({
			kind: z.string().openapi({example: 'invalid_input'}),
			field: z.string().nullable().openapi({example: 'pack'}),
			message: z.string(),
		}),
	})
	.openapi('Error');

export const errorResponses = {
	400: {
		description: 'Bad input: the field and what to do',
		content: {'application/json': {schema: ErrorSchema}},
	},
	401: {description: 'No or wrong bearer token', content: {'application/json': {schema: ErrorSchema}}},
	404: {description: 'No such host, batch or run', content: {'application/json': {schema: ErrorSchema}}},
	409: {
		description: 'The data folder is locked; the message names the holder',
		content: {'application/json': {schema: ErrorSchema}},
	},
	413: {description: 'Request body over 1 MiB', content: {'application/json': {schema: ErrorSchema}}},
	500: {description: 'The operation failed', content: {'application/json': {schema: ErrorSchema}}},
} as const;

// ---- parameters ----
export const HostParam = z.object({host: id('host', 'sb')});
export const BatchParam = z.object({id: id('id', 'b-20250101-000000-abcd')});
export const RunParam = z.object({run: id('run', 'r-20250101-000000-abcd')});

export const HostQuery = z.object({host: text(200).optional().openapi({description: 'host id or name'})});
export const HostRequiredQuery = z.object({host: text(200).openapi({description: 'host id or name'})});
export const BatchesQuery = z.object({host: text(200).optional(), pack: text(200).optional()});
export const LockWaitQuery = z.object({
	wait_s: z.coerce
		.number()
		.min(0)
		.max(600)
		.optional()
		.openapi({description: 'wait up to this many seconds for a busy data folder instead of answering 409'}),
});

// ---- request bodies ----
// What a request may answer for the operator (the CLI's --totp-env and --accept-compliance).
const operatorFields = {
	totp: z
		.string()
		.regex(/^\d{6}$/)
		.optional()
		.openapi({description: "the current 2FA / step-up code, when the host's admin login needs one"}),
	accept_compliance: z
		.boolean()
		.optional()
		.openapi({description: "accept the host's compliance acknowledgement if it asks"}),
};

const access = z.enum(['self_service', 'subscription']);

export const ImportBody = z
	.strictObject({
		host: text(200).openapi({description: 'host id or name', example: 'sb'}),
		pack: text(200).openapi({example: 'deepseek'}),
		url: text().optional().openapi({description: "the provider's base URL (the pack's when left out)"}),
		key: text(4096).openapi({description: 'the provider key; never appears in any answer, log or event'}),
		access: access.optional(),
		smoke_model: text(200).optional(),
		keep_key: z.boolean().optional(),
		user: text(320).optional(),
		force: z.boolean().optional(),
		continue_on_upstream_failure: z.boolean().optional(),
		...operatorFields,
	})
	.openapi('ImportRequest');

export const ImportBatchBody = z
	.strictObject({
		host: text(200),
		rows: z
			.array(
				z.strictObject({
					url: text(),
					key: text(4096),
					pack: text(200).optional(),
					access: access.optional(),
					smoke_model: text(200).optional(),
				}),
			)
			.min(1)
			.max(500),
		concurrency: z.number().int().min(1).max(64).optional(),
	})
	.openapi('ImportBatchRequest');

export const HostAddBody = z
	.strictObject({
		name: text(64),
		url: text(),
		admin_key: text(4096).optional(),
		email: text(320).optional(),
		password: text(4096).optional(),
		...operatorFields,
		prefix: text(32).optional(),
		user_domain: text(253).optional(),
	})
	.openapi('HostAddRequest');

export const ReconcileBody = z
	.strictObject({host: text(200).optional(), batch: text(200).optional(), ...operatorFields})
	.openapi('ReconcileRequest');

export const RollbackBody = z
	.strictObject({
		batch: text(200).optional(),
		host: text(200).optional(),
		pack: text(200).optional(),
		url: text(2000)
			.optional()
			.openapi({description: "a provider rollback: only that provider's base URL (as crm rollback --url)"}),
		dry_run: z.boolean().optional(),
		confirm: z
			.string()
			.max(500)
			.optional()
			.openapi({description: 'a real rollback: the batch id, or "host/pack" for a provider'}),
		force: z
			.boolean()
			.optional()
			.openapi({description: 'delete a resource although it changed on the host since it was recorded'}),
		...operatorFields,
	})
	.openapi('RollbackRequest');

export const SmokeBody = z.strictObject({batch: text(200)}).openapi('SmokeRequest');
export const RepairBody = z.strictObject({batch: text(200), ...operatorFields}).openapi('RepairRequest');
export const RotateKeyBody = z.strictObject({batch: text(200), key: text(4096)}).openapi('RotateKeyRequest');

// ---- answers ----
export const HealthzAnswer = z.object({ok: z.literal(true), version: z.string()}).openapi('Healthz');

export const PackView = z.looseObject({
	id: z.string(),
	name: z.string(),
	base_url: z.string().nullable(),
	models: z.array(z.object({id: z.string(), upstream: z.string()})),
	smoke_test_model: z.string().nullable(),
	access_mode: z.string(),
});
export const PacksAnswer = z.object({packs: z.array(PackView)}).openapi('Packs');

export const HostView = z
	.looseObject({
		host_id: z.string(),
		name: z.string(),
		url: z.string(),
		/** The address users call; the admin `url` unless one was set. */
		gateway_url: z.string(),
		allow_insecure_http: z.boolean(),
		version: z.string().nullable(),
		auth_type: z.string(),
		capabilities: z.record(z.string(), z.unknown()),
		prefix: z.string(),
		user_domain: z.string(),
		created_at: z.string(),
		last_probe_at: z.string().nullable(),
		/** A host the built-in sandbox registered: its sandbox `running` or `stopped`; else null. */
		sandbox: z.enum(['running', 'stopped']).nullable(),
	})
	.openapi('Host');
export const HostsAnswer = z.object({hosts: z.array(HostView)}).openapi('Hosts');
export const RemovedAnswer = z.object({removed: z.string()}).openapi('HostRemoved');

export const ProviderRowView = z.looseObject({
	host_id: z.string(),
	host: z.string(),
	pack: z.string(),
	base_url: z.string(),
	latest_batch: z.string(),
	batch_status: z.string(),
	provider_status: z.string().nullable(),
	/** Warning codes of the batch the provider status comes from (listed, not a status). */
	warnings: z.array(z.string()),
	access_status: z.string(),
	modes_ready: z.array(z.string()),
	failure_class: z.string().nullable(),
	last_reconcile: nullable(z.object({run_id: z.string(), reconcile_status: z.string(), at: z.string()})),
	batches: z.number(),
	updated_at: z.string(),
});
export const StatusAnswer = z
	.object({
		hosts: z.array(
			z.looseObject({
				host_id: z.string(),
				name: z.string(),
				url: z.string(),
				gateway_url: z.string(),
				version: z.string().nullable(),
				providers: z.array(ProviderRowView),
			}),
		),
	})
	.openapi('Status');

export const BatchListItem = z.looseObject({
	batch_id: z.string(),
	host_id: z.string(),
	pack: z.string(),
	access_mode: z.string(),
	batch_status: z.enum(BATCH_STATUSES),
	access_status: z.enum(ACCESS_STATUSES),
	created_at: z.string(),
});
export const BatchesAnswer = z.object({batches: z.array(BatchListItem)}).openapi('Batches');

export const ResourcesAnswer = z
	.object({
		resources: z.array(
			z.looseObject({
				batch_id: z.string(),
				resource_type: z.string(),
				host_resource_id: z.string().nullable(),
				name: z.string(),
				state: z.enum(['active', 'deleted', 'unknown']),
				created_at: z.string(),
			}),
		),
	})
	.openapi('Resources');

const StepView = z.looseObject({
	name: z.string(),
	status: z.string(),
	duration_ms: z.number().nullable(),
	message: z.string(),
});
const ResourceView = z.looseObject({
	resource_type: z.string(),
	host_resource_id: z.string().nullable(),
	name: z.string(),
});

export const BatchAnswer = z
	.looseObject({
		batch_id: z.string(),
		host_id: z.string(),
		pack: z.string(),
		batch_status: z.enum(BATCH_STATUSES),
		access_status: z.enum(ACCESS_STATUSES),
		artifacts_dir: z.string(),
		steps: z.array(StepView),
		resources: z.array(ResourceView),
		access_results: z.array(z.unknown()),
		reconcile_runs: z.array(z.unknown()),
	})
	.openapi('Batch');

export const ImportResultView = z
	.looseObject({
		batch_id: z.string(),
		host_id: z.string(),
		pack: z.string(),
		access_mode: z.string(),
		batch_status: z.enum(BATCH_STATUSES),
		provider_status: z.enum(PROVIDER_STATUSES).nullable(),
		access_status: z.enum(ACCESS_STATUSES),
		failure_class: z.enum(FAILURE_CLASSES).nullable(),
		completion_ok: z.boolean(),
		smoke_model: z.string().nullable(),
		stopped_at_step: z.string().nullable(),
		steps: z.array(StepView),
		resources: z.array(ResourceView),
		artifacts_dir: z.string(),
	})
	.openapi('ImportResult');

export const ImportAccepted = z
	.object({
		batch_id: z.string(),
		events_url: z.string().openapi({example: '/api/v1/batches/b-…/events'}),
	})
	.openapi('ImportAccepted');

export const ImportsAnswer = z
	.object({
		imports: z.array(
			z.object({
				batch_id: z.string(),
				host_id: z.string(),
				pack: z.string(),
				started_at: z.string(),
				state: z.enum(['running', 'finished']),
				events_url: z.string(),
			}),
		),
	})
	.openapi('Imports');

export const EventStream = z.string().openapi({
	description:
		'Server-sent events: `event: step` with one step event (JSON: type start|progress|end, step, …) per message, in order, the steps so far first; then `event: end` with the import output (or `{"error":…}`).',
});

/** An answer whose shape is the CLI's JSON for that command (documented in docs/cli.md). */
export const CliDocument = (name: string, fields: Record<string, z.ZodType>) =>
	z.looseObject(fields).openapi(name);

// ---- operations ----
export const HostRemoveQuery = z.object({
	force: z
		.enum(['true', 'false'])
		.optional()
		.openapi({description: 'forget the host although batches still record resources on it'}),
	wait_s: LockWaitQuery.shape.wait_s,
});

export const HostAddAnswer = z
	.looseObject({
		host_id: z.string(),
		name: z.string(),
		url: z.string(),
		version: z.string().nullable(),
		auth_type: z.string(),
		capabilities: z.record(z.string(), z.unknown()),
	})
	.openapi('HostAdded');

const ItemView = z.looseObject({
	resource_type: z.string(),
	host_resource_id: z.string().nullable(),
	name: z.string().nullable(),
});

export const ReconcileAnswer = z
	.looseObject({
		run_id: z.string(),
		host_id: z.string(),
		batch_id: z.string().nullable(),
		reconcile_status: z.enum(['in_sync', 'drifted']),
		items: z.array(ItemView.extend({state: z.string(), detail: z.string()})),
	})
	.openapi('Reconcile');

export const RollbackAnswer = z
	.union([
		z.looseObject({
			batch_id: z.string(),
			plan: z.array(ItemView.extend({action: z.enum(['delete', 'keep', 'done']), reason: z.string()})),
		}),
		z.looseObject({
			batch_id: z.string(),
			batch_status: z.string(),
			deleted: z.array(ItemView),
			skipped: z.array(ItemView),
			failed: z.array(ItemView),
		}),
		z.object({
			batches: z.array(z.looseObject({batch_id: z.string()})),
			not_run: z.array(z.string()).optional(),
		}),
	])
	.openapi('Rollback', {
		description:
			'the plan (dry run) or the rollback output of one batch; for host and pack, {"batches":[…]} of those, newest first',
	});

export const SmokeAnswer = z
	.looseObject({
		batch_id: z.string(),
		smoke_model: z.string(),
		access_status: z.enum(ACCESS_STATUSES),
		completion_ok: z.boolean(),
	})
	.openapi('Smoke');

export const MatrixAnswer = z
	.object({
		rows: z.array(
			z.looseObject({
				host: z.string(),
				pack: z.string(),
				result: z.string(),
				access_status: z.string(),
				failure_class: z.string().nullable(),
				at: z.string(),
				evidence_dir: z.string(),
			}),
		),
	})
	.openapi('Matrix');

export const RepairAnswer = z
	.looseObject({
		batch_id: z.string(),
		repaired: z.array(ItemView.extend({action: z.string()})),
		access_status: z.string(),
		batch_status: z.string(),
		completion_ok: z.boolean(),
	})
	.openapi('Repair');

// ---- health, rotation, batch imports ----
const BalanceView = z.looseObject({
	amount: z.number().nullable(),
	currency: z.string().nullable(),
	source: z.string().nullable(),
});

export const ProviderHealthAnswer = z
	.object({
		providers: z.array(
			z.looseObject({
				host_id: z.string(),
				host: z.string(),
				pack: z.string(),
				base_url: z.string(),
				batch_id: z.string().nullable(),
				health: z.enum(HEALTH_STATES).nullable(),
				failure_class: z.string().nullable(),
				last_check_at: z.string().nullable(),
				latency_ms: z.number().nullable(),
				consecutive_failures: z.number(),
				provider_status: z.string().nullable(),
				balance: BalanceView.extend({at: z.string()}).nullable(),
				paused: z.object({at: z.string(), account_id: z.string()}).nullable(),
				note: z.string().nullable(),
			}),
		),
	})
	.openapi('ProviderHealth', {
		description: 'per provider, the batch the health watch checks and its last check (null before one)',
	});

export const BatchHealthAnswer = z
	.object({
		batch_id: z.string(),
		checks: z.array(
			z.looseObject({
				batch_id: z.string(),
				pack: z.string(),
				health: z.enum(HEALTH_STATES),
				failure_class: z.string().nullable(),
				models_ok: z.boolean(),
				completion_ok: z.boolean().nullable(),
				latency_ms: z.number().nullable(),
				balance: BalanceView.nullable(),
				at: z.string(),
			}),
		),
	})
	.openapi('BatchHealth', {description: 'the health history of one batch, newest first (crm health --json)'});

export const RotateKeyAnswer = z
	.looseObject({
		batch_id: z.string(),
		old_fingerprint: z.string(),
		new_fingerprint: z.string(),
		access_status: z.string(),
		completion_ok: z.boolean(),
	})
	.openapi('RotateKey');

export const ImportBatchAccepted = z
	.object({run_id: z.string().openapi({example: 'r20250101-000000-abcdef'})})
	.openapi('ImportBatchAccepted');

const BatchRowResultView = z.looseObject({
	line: z.number(),
	url: z.string().nullable(),
	pack: z.string().nullable(),
	detected_by: z.string().nullable(),
	batch_id: z.string().nullable(),
	batch_status: z.enum(BATCH_STATUSES).nullable(),
	access_status: z.enum(ACCESS_STATUSES).nullable(),
	failure_class: z.enum(FAILURE_CLASSES).nullable(),
	skipped: z.boolean(),
	duration_ms: z.number(),
});

export const ImportBatchRunAnswer = z
	.object({
		run_id: z.string(),
		host: z.string(),
		state: z.enum(['running', 'finished', 'failed']),
		started_at: z.string(),
		finished_at: z.string().nullable(),
		concurrency: z.number().nullable(),
		progress: z.object({
			total: z.number(),
			done: z.number(),
			rows: z.array(
				z.object({
					line: z.number(),
					url: z.string(),
					key_hint: z.string(),
					pack: z.string().nullable(),
					batch_id: z.string().nullable(),
					state: z.enum(['waiting', 'detecting', 'detected', 'importing', 'done']),
					step: z.string().nullable(),
				}),
			),
		}),
		result: z
			.looseObject({
				results: z.array(BatchRowResultView),
				totals: z.looseObject({succeeded: z.number(), failed: z.number(), skipped: z.number()}),
			})
			.nullable()
			.openapi({description: 'once finished: the document crm import-batch --json prints'}),
		error: ErrorSchema.shape.error.nullable(),
	})
	.openapi('ImportBatchRun');
