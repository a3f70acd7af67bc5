// The on-disk shapes. state.json (schema_version 3) holds hosts, the batch index, the reconcile-run
// index and every secret (state-codec.ts writes the batch index and the secrets as compact rows);
// batches/<id>.json holds a batch's steps, resources, access results and reconcile runs (no secrets);
// batches/resource-index.jsonl maps host resources to their batches (resource-index.ts). Unknown
// fields are kept (loose) so nothing is dropped.
import {z} from 'zod';
import {
	ACCESS_STATUSES,
	ALERT_FORMATS,
	BATCH_FILE_VERSION,
	BATCH_ID,
	RECONCILE_RUN_ID,
	BATCH_STATUSES,
	FAILURE_CLASSES,
	HEALTH_STATES,
	PROVIDER_STATUSES,
	RESOURCE_STATUSES,
	RESOURCE_TYPES,
	SCHEMA_VERSION,
} from './constants.js';

export {
	ACCESS_STATUSES,
	ALERT_FORMATS,
	BATCH_FILE_VERSION,
	BATCH_STATUSES,
	FAILURE_CLASSES,
	HEALTH_STATES,
	PROVIDER_STATUSES,
	RESOURCE_STATUSES,
	RESOURCE_TYPES,
	SCHEMA_VERSION,
	STEP_NAMES,
	BATCH_ID,
	RECONCILE_RUN_ID,
	emptyState,
	resourceKey,
} from './constants.js';

/** A loose object's type without its index signature, so Omit/Pick work and typos are caught. */
export type Strict<T> = {[K in keyof T as string extends K ? never : K]: T[K]};

const iso = z.string().min(1);

/** Acceptance runs live in acceptance/<run_id> or acceptance/archive/<run_id>: one plain name. */
const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;
const batchId = z.string().regex(BATCH_ID, 'not a batch id crm makes (b<date>-<time>-<6 hex>)');
const runId = z.string().regex(RECONCILE_RUN_ID, 'not a reconcile run id crm makes');
const nullableIso = iso.nullable();

export type BatchStatus = (typeof BATCH_STATUSES)[number];
export type AccessStatus = (typeof ACCESS_STATUSES)[number];
export type ProviderStatus = (typeof PROVIDER_STATUSES)[number];
export type HealthState = (typeof HEALTH_STATES)[number];
export type AlertFormat = (typeof ALERT_FORMATS)[number];
export type FailureClass = (typeof FAILURE_CLASSES)[number];
export type ResourceType = (typeof RESOURCE_TYPES)[number];
export type ResourceStatus = (typeof RESOURCE_STATUSES)[number];
export type AccessModeValue = 'self_service' | 'subscription';

export const sessionSchema = z.looseObject({
	access_token: z.string(),
	refresh_token: z.string().nullable(),
	expires_at: z.string().nullable(),
	user_agent: z.string(),
});

export const hostSchema = z.looseObject({
	host_id: z.string().min(1),
	name: z.string().min(1),
	url: z.string().min(1),
	auth_type: z.enum(['admin_api_key', 'login']),
	credential: z.looseObject({
		admin_api_key: z.string().optional(),
		email: z.string().optional(),
		password: z.string().optional(),
	}),
	session: sessionSchema.nullable(),
	version: z.string().nullable(),
	capabilities: z.record(z.string(), z.unknown()),
	prefix: z.string(),
	user_domain: z.string(),
	created_at: iso,
	last_probe_at: nullableIso,
	/** The address users call (docs/domain.md rule 13); absent or null: the admin address `url`. */
	gateway_url: z.string().min(1).nullable().optional(),
	/** The operator allowed cleartext http:// to this host's non-loopback addresses. */
	allow_insecure_http: z.boolean().optional(),
	/** Opt-in auto-pause of the accounts this tool created (docs/domain.md "Health"); absent: off. */
	auto_pause: z.looseObject({enabled: z.boolean(), pause_after: z.number().int().min(1)}).optional(),
	/**
	 * The built-in sandbox started inside a crm process registered this host (docs/cli.md `crm host
	 * show`): that process and its run, so a later one can tell the sandbox stopped with it.
	 */
	built_in_sandbox: z
		.looseObject({
			pid: z.number().int(),
			session: z.string().min(1),
			started_at: iso,
			profile: z.string().min(1),
		})
		.optional(),
});
export type HostRecord = Strict<z.infer<typeof hostSchema>>;

export const batchIndexSchema = z.looseObject({
	batch_id: batchId,
	host_id: z.string().min(1),
	pack: z.string().min(1),
	base_url: z.string(),
	key_fingerprint: z.string(),
	access_mode: z.enum(['self_service', 'subscription']),
	batch_status: z.enum(BATCH_STATUSES),
	access_status: z.enum(ACCESS_STATUSES),
	provider_status: z.enum(PROVIDER_STATUSES).nullable(),
	failure_class: z.enum(FAILURE_CLASSES).nullable(),
	stopped_at_step: z.string().nullable(),
	created_at: iso,
	updated_at: iso,
	finished_at: nullableIso,
	pid: z.number().int().nullable(),
	resource_count: z.number().int().min(0),
	/** Some resource record is still pending (its create's answer was never recorded). */
	pending: z.boolean().optional(),
	/** Warning codes of a ready import (probe_advisory, pack_models_dropped, ...): listed, not a status. */
	warnings: z.array(z.string()).optional(),
});
export type BatchIndex = Strict<z.infer<typeof batchIndexSchema>>;

export const batchSecretsSchema = z.looseObject({
	user_email: z.string().nullable(),
	user_password: z.string().nullable(),
	user_key: z.string().nullable(),
	/** The provider key, kept only when the operator asked (--keep-key): balance reads, direct checks. */
	provider_key: z.string().nullable().optional(),
});
export type BatchSecrets = Strict<z.infer<typeof batchSecretsSchema>>;

export const reconcileIndexSchema = z.looseObject({
	run_id: runId,
	host_id: z.string().min(1),
	batch_id: batchId.nullable(),
	reconcile_status: z.enum(['in_sync', 'drifted']),
	at: iso,
	counts: z.record(z.string(), z.number()),
	/**
	 * A host-wide run: the batches it found drifted, and those with a resource missing (so each
	 * provider is judged by its own batches). Absent in runs recorded before they were kept.
	 */
	drifted_batches: z.array(batchId).optional(),
	missing_batches: z.array(batchId).optional(),
});
export type ReconcileIndex = Strict<z.infer<typeof reconcileIndexSchema>>;

/** Where alerts go (`crm alerts set`): the webhook URL is a secret (Feishu/DingTalk URLs carry tokens). */
export const alertsConfigSchema = z.looseObject({
	webhook_url: z.string().min(1),
	format: z.enum(ALERT_FORMATS),
	/** Below this balance a provider is degraded and one low_balance alert goes out; null: no threshold. */
	min_balance: z.number().min(0).nullable(),
	set_at: iso,
});
export type AlertsConfig = Strict<z.infer<typeof alertsConfigSchema>>;

/** The TUI's settings kept between runs: plain values an operator typed, never a secret. */
export const tuiSettingsSchema = z.looseObject({
	/** The file the last batch import read (offered again next time). */
	batch_file: z.string().optional(),
});
export type TuiSettings = Strict<z.infer<typeof tuiSettingsSchema>>;

/** One acceptance run (`crm accept`), indexed for `crm evidence` and `crm matrix`. Optional in state. */
export const acceptanceRunSchema = z.looseObject({
	run_id: z.string().regex(SAFE_NAME, 'not a run id crm makes'),
	host_id: z.string().min(1),
	host: z.string(),
	pack: z.string().min(1),
	base_url: z.string(),
	key_fingerprint: z.string(),
	access: z.enum(['self_service', 'subscription', 'both']),
	/** `running` until it ends; then `ready`, a failure class, `stopped` or `interrupted`. */
	result: z.string(),
	access_status: z.enum(ACCESS_STATUSES),
	failure_class: z.enum(FAILURE_CLASSES).nullable(),
	batch_ids: z.array(batchId),
	started_at: iso,
	finished_at: nullableIso,
	/** Relative to the data folder: acceptance/<run_id> or acceptance/archive/<run_id>. */
	folder: z
		.string()
		.regex(/^acceptance\/(archive\/)?[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/, 'not a folder crm makes'),
	final: z.boolean(),
	host_version: z.string().nullable(),
	tool_version: z.string(),
});
export type AcceptanceRun = Strict<z.infer<typeof acceptanceRunSchema>>;

/** One run of import-batch, indexed when it starts; its printed document is DIR/batch-runs/<run_id>.json. */
export const batchRunIndexSchema = z.looseObject({
	run_id: z.string().min(1),
	host_id: z.string().min(1),
	file_sha256: z.string().nullable(),
	rows: z.number().int().min(0),
	totals: z.record(z.string(), z.number()).nullable(),
	started_at: iso,
	finished_at: nullableIso,
	/** The process running it, until it finishes. */
	pid: z.number().int().nullable(),
});
export type BatchRunIndex = Strict<z.infer<typeof batchRunIndexSchema>>;

export const stateSchema = z.looseObject({
	schema_version: z.literal(SCHEMA_VERSION),
	hosts: z.array(hostSchema),
	batches: z.array(batchIndexSchema),
	batch_secrets: z.record(z.string(), batchSecretsSchema),
	reconcile_runs: z.array(reconcileIndexSchema),
	/** Added with acceptance runs; absent in older files. */
	acceptance_runs: z.array(acceptanceRunSchema).optional(),
	/** Batch-import runs (crm batch-runs); absent in older files. */
	batch_runs: z.array(batchRunIndexSchema).optional(),
	/** Added with health alerts; absent until `crm alerts set`. */
	alerts: alertsConfigSchema.optional(),
	/** What the TUI remembers between runs (never a secret); absent until it remembers something. */
	tui: tuiSettingsSchema.optional(),
});
export type State = Strict<z.infer<typeof stateSchema>>;

export const stepSchema = z.looseObject({
	name: z.string(),
	status: z.enum(['running', 'ok', 'warn', 'fail', 'skipped']),
	started_at: nullableIso,
	duration_ms: z.number().nullable(),
	message: z.string(),
});
export type StepRecord = Strict<z.infer<typeof stepSchema>>;

export const resourceSchema = z.looseObject({
	resource_type: z.enum(RESOURCE_TYPES),
	host_resource_id: z.string().nullable(),
	name: z.string(),
	/**
	 * `unknown`: the create's answer was lost and the host holds a resource of that name that does not
	 * carry this record's marker, so it cannot be proven ours: reported, never deleted, adoptable.
	 * Added after schema 2 was fixed; older files simply never hold it.
	 */
	status: z.enum(RESOURCE_STATUSES),
	snapshot: z.record(z.string(), z.unknown()),
	created_at: iso,
	confirmed_at: nullableIso,
	deleted_at: nullableIso,
	deleted_by: z.string().nullable(),
	/** true when this batch made it; false for an existing user it only used (--user) */
	owned: z.boolean(),
	/** For an `unknown` record: the same-named host resource that lacked the marker. */
	candidate_id: z.string().nullable().optional(),
	/** When the operator recorded it with `crm adopt`. */
	adopted_at: nullableIso.optional(),
});
export type ResourceRecord = Strict<z.infer<typeof resourceSchema>>;

export const reconcileItemSchema = z.looseObject({
	resource_type: z.enum(RESOURCE_TYPES),
	host_resource_id: z.string().nullable(),
	name: z.string().nullable(),
	state: z.enum(['present', 'missing', 'changed', 'unmanaged', 'unknown']),
	detail: z.string(),
	fields: z.array(z.string()),
	/** The batch that recorded it (null for unmanaged residue); absent in runs recorded before. */
	batch_id: batchId.nullable().optional(),
});
export type ReconcileItem = Strict<z.infer<typeof reconcileItemSchema>>;

export const reconcileRunSchema = z.looseObject({
	run_id: runId,
	host_id: z.string(),
	batch_id: batchId.nullable(),
	reconcile_status: z.enum(['in_sync', 'drifted']),
	at: iso,
	items: z.array(reconcileItemSchema),
});
export type ReconcileRun = Strict<z.infer<typeof reconcileRunSchema>>;

export const accessResultSchema = z.looseObject({
	at: iso,
	access_mode: z.enum(['self_service', 'subscription']),
	access_status: z.enum(ACCESS_STATUSES),
	smoke_model: z.string().nullable(),
	models_ok: z.boolean(),
	completion_ok: z.boolean(),
	completion_status: z.number().nullable(),
	completion_type: z.enum(['json', 'stream']).nullable(),
	completion_preview: z.string().nullable(),
	attempts: z.number().int(),
});
export type AccessResult = Strict<z.infer<typeof accessResultSchema>>;

/**
 * Something the tool did to a resource after its import (auto-pause, resume, key rotation), recorded
 * `pending` before the request is sent and `done` (or `failed`) after, like a create.
 */
export const toolActionSchema = z.looseObject({
	action: z.enum(['pause', 'resume', 'rotate_key']),
	resource_type: z.enum(RESOURCE_TYPES),
	host_resource_id: z.string(),
	status: z.enum(['pending', 'done', 'failed']),
	at: iso,
	detail: z.string(),
	old_fingerprint: z.string().optional(),
	new_fingerprint: z.string().optional(),
});
export type ToolAction = Strict<z.infer<typeof toolActionSchema>>;

export const batchFileSchema = z.looseObject({
	schema_version: z.literal(BATCH_FILE_VERSION),
	batch_id: batchId,
	host_id: z.string(),
	pack: z.string(),
	input: z.record(z.string(), z.unknown()),
	steps: z.array(stepSchema),
	resources: z.array(resourceSchema),
	access_results: z.array(accessResultSchema),
	reconcile_runs: z.array(reconcileRunSchema),
	summary: z.record(z.string(), z.unknown()).nullable(),
	/** Added with auto-pause and key rotation; absent in older files. */
	tool_actions: z.array(toolActionSchema).optional(),
});
export type BatchFile = Strict<z.infer<typeof batchFileSchema>>;
