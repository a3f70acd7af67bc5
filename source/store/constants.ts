// The versions, vocabularies and keys of the data folder, without zod: modules on a command's
// start-up path (reading state.json, see state-codec.ts) import these, not schema.ts.
import type {State} from './schema.js';

/** Version of state.json. 1: everything inline; 2: batch detail in batch files; 3: the resource
 * index beside the batch files, the batch index and secrets as rows. */
export const SCHEMA_VERSION = 3;
/** Version of a batch file (unchanged since state schema 2). */
export const BATCH_FILE_VERSION = 2;

/**
 * The tool's own id shapes (newBatchId, the reconcile run id): ids name files in the data folder,
 * so one of any other shape (`../state`, a path) means the file was not written by crm: corrupt.
 */
export const BATCH_ID = /^b\d{8}-\d{6}-[0-9a-f]{6}$/;
export const RECONCILE_RUN_ID = /^r\d{14}-[0-9a-f]{6}$/;

/** How a normal user gets access to an imported provider. */
export const ACCESS_MODES = ['self_service', 'subscription'] as const;
export const BATCH_STATUSES = ['running', 'succeeded', 'failed', 'partial', 'rolled_back'] as const;
export const ACCESS_STATUSES = [
	'pending',
	'models_only',
	'self_service_ready',
	'subscription_ready',
	'fully_ready',
	'broken',
] as const;
export const PROVIDER_STATUSES = ['active', 'degraded', 'broken', 'paused'] as const;
export const HEALTH_STATES = ['ok', 'failing', 'skipped'] as const;
export const ALERT_FORMATS = ['generic', 'feishu', 'dingtalk', 'slack'] as const;
export const FAILURE_CLASSES = [
	'host_compatibility_gap',
	'upstream_key_quota_issue',
	'upstream_auth_issue',
	'upstream_rate_limited',
	'upstream_unavailable',
	'host_auth_issue',
	'network_unreachable',
	'invalid_input',
	'unknown',
] as const;
export const RESOURCE_TYPES = ['group', 'account', 'user', 'api_key', 'subscription'] as const;
export const RESOURCE_STATUSES = ['pending', 'created', 'deleted', 'gone', 'failed', 'unknown'] as const;
export const STEP_NAMES = [
	'preflight',
	'host_probe',
	'upstream_probe',
	'plan',
	'create_group',
	'create_account',
	'account_test',
	'access_closure',
	'access_smoke',
	'summary',
] as const;

/** The resource index's key of a host resource. */
export function resourceKey(
	hostId: string,
	type: (typeof RESOURCE_TYPES)[number],
	hostResourceId: string,
): string {
	return `${hostId}|${type}|${hostResourceId}`;
}

export function emptyState(): State {
	return {
		schema_version: SCHEMA_VERSION,
		hosts: [],
		batches: [],
		batch_secrets: {},
		reconcile_runs: [],
	};
}
