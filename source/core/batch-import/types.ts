// Batch auto-import: the shapes shared by the parser, the detector, the runner and their
// views (the CLI's stderr lines and JSON, the TUI's detection table and live table). UI-free.
import type {StepEvent} from '../pipeline/events.js';
import type {AccessMode} from '../packs/packs.js';
import type {AccessStatus, BatchStatus, FailureClass} from '../../store/schema.js';
import type {UpstreamErrorKind} from '../../upstream/index.js';

/** One valid `url,key[,pack[,access]]` line of the file. */
export interface BatchRow {
	/** 1-based line number in the file (where the record starts). */
	line: number;
	/** The base URL, normalised the way `crm import` normalises it (identity). */
	url: string;
	/** The provider key. Never printed or written anywhere but the host: show `key_hint`. */
	key: string;
	/** `maskSecret(key)`, e.g. `sk-…a1b2`. */
	key_hint: string;
	/** Third column: the pack chosen by the operator, else null (detected). */
	pack: string | null;
	/** Fourth column: the access mode, else null (the pack's default). */
	access: AccessMode | null;
	/** Fifth column: the smoke model, for relays whose /models is missing; else null. */
	smoke_model?: string | null;
}

/** A line that cannot run. The message names the column and never quotes a key. */
export interface RowProblem {
	line: number;
	field: 'line' | 'url' | 'key' | 'pack' | 'access' | 'smoke_model';
	message: string;
}

export interface ParsedBatchFile {
	rows: BatchRow[];
	problems: RowProblem[];
	/** Data lines (valid or not), header, blank and comment lines excluded. */
	records: number;
}

export type DetectedBy = 'column' | 'url' | 'models' | 'fallback';

/** How many listed model ids fell into each pack's families (docs/domain.md "Providers", packs' model_families). */
export interface FamilyCount {
	pack: string;
	count: number;
	/** Up to 5 of the ids, as listed. */
	examples: string[];
}

/** Why the pack is what it is: kept in the result and in the batch's `00-detection.json`. */
export interface DetectionEvidence {
	url_host: string;
	/** Packs whose official hosts (`url_hosts`) match the URL's host. */
	url_matches: string[];
	/** Where the model list came from (no query string), when it was asked for. */
	models_url: string | null;
	models_count: number | null;
	families: FamilyCount[];
	/** Listed ids that belong to no pack's families (e.g. gpt-4o-mini, embeddings). */
	unmatched: number;
	/** Up to 5 listed ids of other vendors (gpt-, claude-, gemini-, o1/o3/o4): a relay. */
	foreign?: string[];
	models_error: {kind: UpstreamErrorKind; status: number | null; message: string} | null;
	/** One sentence for the operator. */
	reason: string;
}

export interface Detection {
	pack: string;
	detected_by: DetectedBy;
	/** The access mode the row will use (column, else the pack's default). */
	access_mode: AccessMode;
	evidence: DetectionEvidence;
	duration_ms: number;
}

export interface DetectedRow extends BatchRow {
	detection: Detection;
}

export type SkipReason = 'already_imported' | 'duplicate_row' | 'invalid_line';

/** One line of `crm import-batch` output (docs/cli.md), plus a few fields operators want. */
export interface BatchRowResult {
	line: number;
	/** The normalised base URL; null for an invalid line (its columns are not echoed). */
	url: string | null;
	pack: string | null;
	detected_by: DetectedBy | null;
	batch_id: string | null;
	batch_status: BatchStatus | null;
	access_status: AccessStatus | null;
	failure_class: FailureClass | null;
	skipped: boolean;
	duration_ms: number;
	// Beyond docs/cli.md:
	/** `sk-…a1b2`; null for an invalid line. */
	key_hint: string | null;
	access_mode: AccessMode | null;
	skip_reason: SkipReason | null;
	/** For a duplicate row: the earlier line of the file it repeats. */
	duplicate_of: number | null;
	/** The import stopped here (step name), when it failed. */
	stopped_at_step: string | null;
	/** True when Ctrl-C came before the row started (no batch was made). */
	not_run: boolean;
	/** The operator stopped the run (Ctrl-C) while this row's import ran: its batch says where. */
	stopped: boolean;
	message: string;
	detection: DetectionEvidence | null;
}

export interface BatchTotals {
	succeeded: number;
	failed: number;
	skipped: number;
	// Beyond docs/cli.md:
	/** Of `skipped`, lines skipped as invalid (--skip-invalid). */
	invalid: number;
	/** Rows never started because the operator stopped the run. */
	not_run: number;
}

export interface BatchResult {
	/** The run's record (crm batch-run show RUN). */
	run_id: string;
	results: BatchRowResult[];
	totals: BatchTotals;
}

/** Progress, per row, for the CLI (stderr lines) and the TUI (a live table). */
export type BatchEvent =
	| {type: 'detect_start'; line: number; url: string}
	| {type: 'detected'; line: number; detection: Detection}
	| {type: 'row_start'; line: number; pack: string; access_mode: AccessMode}
	| {type: 'row_batch'; line: number; batch_id: string}
	| {type: 'row_step'; line: number; event: StepEvent}
	| {type: 'row_end'; line: number; result: BatchRowResult};

export type BatchSink = (event: BatchEvent) => void;

/** What the run would do with a detected row before it starts: skip it, and why. */
export interface RowPreview {
	line: number;
	skip: 'already_imported' | 'duplicate_row' | null;
	/** For already_imported: the batch that imported it. */
	batch_id: string | null;
	/** For duplicate_row: the earlier line it repeats. */
	duplicate_of: number | null;
	message: string;
}
