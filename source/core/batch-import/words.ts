// How a batch import's rows and totals are written (docs/domain.md "Statuses", the `row` words):
// the CLI's table and the TUI's live table say the same thing. A row the operator stopped (Ctrl-C)
// reads `stopped`, never `failed`; an invalid line reads `invalid`, never `skipped`. UI-free, types only.
import type {BatchResult, BatchRowResult, RowPreview} from './types.js';

export type RowWord = 'succeeded' | 'failed' | 'stopped' | 'not run' | 'skipped' | 'invalid';

/** The row's status word (explained by the `row` words of core/reads/words.ts). */
export function rowWord(r: BatchRowResult): RowWord {
	if (r.skipped) return r.skip_reason === 'invalid_line' ? 'invalid' : 'skipped';
	if (r.not_run) return 'not run';
	if (r.batch_status === 'succeeded') return 'succeeded';
	return r.stopped ? 'stopped' : 'failed';
}

/** The row's status with why it was skipped: `skipped (already imported)`, `skipped (same as line 2)`. */
export function rowStatus(r: BatchRowResult): string {
	const word = rowWord(r);
	if (word !== 'skipped') return word;
	if (r.skip_reason === 'duplicate_row') return `skipped (same as line ${r.duplicate_of ?? '?'})`;
	return 'skipped (already imported)';
}

/** What the run will do with a detected row: `ready to import` or why it will be skipped. */
export function previewWord(p: RowPreview | undefined): string {
	if (!p || p.skip === null) return 'ready to import';
	return p.skip === 'duplicate_row'
		? `will skip: same as line ${p.duplicate_of ?? '?'}`
		: 'will skip: already imported';
}

export interface RowCounts {
	succeeded: number;
	failed: number;
	stopped: number;
	skipped: number;
	invalid: number;
	'not run': number;
}

/** Rows counted by their word (a stopped row is not a failure; an invalid line is not skipped). */
export function rowCounts(result: BatchResult): RowCounts {
	const counts: RowCounts = {succeeded: 0, failed: 0, stopped: 0, skipped: 0, invalid: 0, 'not run': 0};
	for (const r of result.results) counts[rowWord(r)] += 1;
	return counts;
}

/** `2 succeeded · 1 failed · 1 skipped · 1 invalid` (stopped and not run only when there are some). */
export function totalsText(result: BatchResult): string {
	const c = rowCounts(result);
	return [
		`${c.succeeded} succeeded`,
		`${c.failed} failed`,
		...(c.stopped ? [`${c.stopped} stopped`] : []),
		`${c.skipped} skipped`,
		...(c.invalid ? [`${c.invalid} invalid`] : []),
		...(c['not run'] ? [`${c['not run']} not run`] : []),
	].join(' · ');
}
