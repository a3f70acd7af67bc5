// The import's inputs and its result (the JSON of `crm import`, docs/cli.md).
import type {Pack, AccessMode} from '../packs/packs.js';
import type {ImportWarning} from './warnings.js';
import type {
	AccessStatus,
	BatchStatus,
	FailureClass,
	HostRecord,
	ProviderStatus,
} from '../../store/schema.js';

export interface ImportRequest {
	host: string | undefined;
	pack: string | undefined;
	url?: string;
	/** The provider key, already read from env/file/stdin (a bad one is named by the field `key`). */
	key: string | undefined;
	access?: string;
	smokeModel?: string;
	user?: string;
	continueOnUpstreamFailure?: boolean;
	force?: boolean;
	/** Keep the provider key in state.json for balance reads and direct health checks (--keep-key). */
	keepKey?: boolean;
}

export interface ImportPlanInput {
	host: HostRecord;
	pack: Pack;
	baseUrl: string;
	key: string;
	fingerprint: string;
	accessMode: AccessMode;
	smokeModel: string | null;
	user: string | null;
	continueOnUpstreamFailure: boolean;
	keepKey: boolean;
}

export {DEFAULT_TIMING, type Timing} from '../pipeline/timing.js';

export interface ImportResult {
	batch_id: string;
	host_id: string;
	pack: string;
	access_mode: AccessMode;
	batch_status: BatchStatus;
	provider_status: ProviderStatus | null;
	access_status: AccessStatus;
	failure_class: FailureClass | null;
	completion_ok: boolean;
	completion_status: number | null;
	completion_type: 'json' | 'stream' | null;
	completion_preview: string | null;
	probe_advisory: boolean;
	smoke_model: string | null;
	/** The address the access smoke went through (the gateway address, or the admin address after a fallback). */
	gateway_used: string | null;
	/** What a ready import is warned about; the provider stays `active`. */
	warnings: ImportWarning[];
	stopped_at_step: string | null;
	/** The operator stopped the run (Ctrl-C, a stop request) before it finished. */
	stopped_by_operator: boolean;
	steps: Array<{name: string; status: string; duration_ms: number | null; message: string}>;
	resources: Array<{resource_type: string; host_resource_id: string | null; name: string}>;
	artifacts_dir: string;
}
