// The import's inputs and its result (the JSON of `crm import`, CLI.md).
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
	/** The provider key, already read from env/file/stdin. */
	key: string | undefined;
	keySource: string;
	access?: string;
	smokeModel?: string;
	user?: string;
	continueOnUpstreamFailure?: boolean;
	force?: boolean;
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
}

export interface Timing {
	/** Per HTTP request. */
	requestTimeoutMs: number;
	/** Total window for retrying the access smoke (503 warm-up, stale models list). */
	smokeRetryMs: number;
	/** Pause between smoke attempts. */
	smokeRetryIntervalMs: number;
	/** Window for waiting out a provider's plain 429 (honouring Retry-After) before it is final. */
	upstreamRetryMs: number;
}

export const DEFAULT_TIMING: Timing = {
	requestTimeoutMs: 15_000,
	smokeRetryMs: 25_000,
	smokeRetryIntervalMs: 1_000,
	upstreamRetryMs: 30_000,
};

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
	steps: Array<{name: string; status: string; duration_ms: number | null; message: string}>;
	resources: Array<{resource_type: string; host_resource_id: string | null; name: string}>;
	artifacts_dir: string;
}
