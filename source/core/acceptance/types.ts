// Inputs and results of an acceptance run (`crm accept`, docs/cli.md) and its index views.
import type {AccessMode, PackSet} from '../packs/packs.js';
import type {EventSink} from '../pipeline/events.js';
import type {Operator} from '../hosts/access.js';
import type {ImportResult, Timing} from '../import/types.js';
import type {AccessStatus, FailureClass} from '../../store/schema.js';
import type {StateStore} from '../../store/state-store.js';

export const ACCEPT_ACCESS = ['self_service', 'subscription', 'both'] as const;
export type AcceptAccess = (typeof ACCEPT_ACCESS)[number];

/** Where a run is: what the TUI shows while it runs. */
export type AcceptancePhase =
	| {phase: 'host_probe'}
	| {phase: 'import'; mode: AccessMode; index: number; of: number}
	| {phase: 'reconcile'; mode: AccessMode; batch_id: string}
	| {phase: 'evidence'}
	| {phase: 'done'; result: string};

/** What an acceptance run is asked to prove (bad input names the field: host, pack, url, key, access). */
export interface AcceptanceInput {
	hostRef: string | undefined;
	pack: string | undefined;
	url?: string;
	/** The provider key, already read from env/file/stdin (never stored; redacted everywhere). */
	key: string | undefined;
	access: AcceptAccess | string | undefined;
	smokeModel?: string;
}

export interface AcceptanceOptions extends AcceptanceInput {
	/** Must hold the data folder's lock. */
	store: StateStore;
	/** Defaults to the packs in packs/. */
	packs?: PackSet;
	sink: EventSink;
	signal: AbortSignal;
	operator: Operator;
	timing?: Partial<Timing>;
	onPhase?: (phase: AcceptancePhase) => void;
	/** Called once the run's folder exists. */
	onRun?: (runId: string, evidenceDir: string) => void;
	onBatch?: (batchId: string, mode: AccessMode) => void;
}

export interface AcceptanceBatch extends ImportResult {
	/** Always true: acceptance re-runs import with --force. */
	forced: boolean;
	/** The earlier succeeded import of the same identity that --force went past, if any. */
	forced_over: string | null;
	reconcile_run_id: string | null;
	reconcile_status: 'in_sync' | 'drifted' | null;
	evidence_file: string;
}

export interface AcceptanceResult {
	run_id: string;
	evidence_dir: string;
	/** fully_ready when both modes were asked and are ready; else the mode's own status. */
	access_status: AccessStatus;
	/** `ready`, a failure class, or `stopped`. */
	result: string;
	failure_class: FailureClass | null;
	host_id: string;
	host: string;
	host_version: string | null;
	tool_version: string;
	pack: string;
	base_url: string;
	access: AcceptAccess;
	modes: AccessMode[];
	/** A failed mode that never got a batch (an unexpected error) is listed under errors instead. */
	batches: AcceptanceBatch[];
	errors: Array<{step: string; access_mode: AccessMode | null; failure_class: FailureClass; message: string}>;
	files: string[];
	started_at: string;
	finished_at: string;
	final: boolean;
}

/** One run as `crm evidence list` shows it. */
export interface RunView {
	run_id: string;
	host_id: string;
	host: string;
	pack: string;
	access: AcceptAccess;
	result: string;
	access_status: AccessStatus;
	failure_class: FailureClass | null;
	batch_ids: string[];
	started_at: string;
	finished_at: string | null;
	final: boolean;
	archived: boolean;
	evidence_dir: string;
	/** false when the folder is gone from disk. */
	present: boolean;
}

export interface MatrixRow {
	host: string;
	host_id: string;
	pack: string;
	/** The provider's official host, or a relay URL (docs/cli.md `crm matrix`). */
	endpoint: 'official' | 'relay';
	base_url: string;
	result: string;
	access_status: AccessStatus;
	failure_class: FailureClass | null;
	at: string;
	evidence_dir: string;
	run_id: string;
	access: AcceptAccess;
	final: boolean;
}
