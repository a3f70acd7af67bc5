// The batch import's rows: what each row's events made of it (pack, step, batch, outcome), the live
// table while packs are detected and rows imported, and, once the run is over, the rows as a list
// whose highlighted row says why (its batch, failure class and message) and opens its batch on Enter.
// Rows and totals are worded by source/app (rowStatus, totalsText), as the CLI's table is.
import React, {useMemo, useState} from 'react';
import {Box} from 'ink';
import Spinner from 'ink-spinner';
import {Text} from '../components/text.js';
import {
	previewWord,
	rowStatus,
	rowWord,
	totalsText,
	type BatchEvent,
	type BatchResult,
	type BatchRowResult,
	type RowPreview,
} from '../../app/import-batch.js';
import {accessWord} from '../../app/reads.js';
import {SelectList} from '../components/select-list.js';
import {columns, row, TableHeader, useFitted} from '../components/table.js';
import {WordLegend, type Words} from '../components/word-legend.js';
import {color, statusColor} from '../theme.js';

export interface RowView {
	line: number;
	url: string;
	pack: string | null;
	by: string | null;
	phase: 'detecting' | 'detected' | 'running' | 'done';
	step: string | null;
	batchId: string | null;
	/** The finished row (phase `done`). */
	result: BatchRowResult | null;
}

export type RowsEvent = BatchEvent | {type: 'reset'};

export function rowsReducer(rows: Map<number, RowView>, event: RowsEvent): Map<number, RowView> {
	if (event.type === 'reset') return new Map();
	const next = new Map(rows);
	const get = (line: number): RowView =>
		next.get(line) ?? {
			line,
			url: '',
			pack: null,
			by: null,
			phase: 'detecting',
			step: null,
			batchId: null,
			result: null,
		};
	const set = (patch: Partial<RowView>) => next.set(event.line, {...get(event.line), ...patch});
	switch (event.type) {
		case 'detect_start':
			set({url: event.url, phase: 'detecting'});
			break;
		case 'detected':
			set({pack: event.detection.pack, by: event.detection.detected_by, phase: 'detected'});
			break;
		case 'row_start':
			set({pack: event.pack, phase: 'running'});
			break;
		case 'row_batch':
			set({batchId: event.batch_id});
			break;
		case 'row_step':
			if (event.event.type === 'start') set({step: event.event.step});
			break;
		case 'row_end': {
			const r = event.result;
			set({
				url: r.url ?? get(event.line).url,
				pack: r.pack,
				by: r.detected_by,
				phase: 'done',
				step: null,
				batchId: r.batch_id ?? get(event.line).batchId,
				result: r,
			});
			break;
		}
	}
	return next;
}

// Wide terminals show every column the CLI's table has; 80 columns keep what tells rows apart
// (the result and the failure class) and show the batch of the highlighted row below the table.
const DETECT_COLUMNS = columns('LINE:4, URL:22+~, PACK:8, BY:7, PLAN:30+');
const RUN_COLUMNS = columns('LINE:4, URL:12+~, PACK:8, RESULT:26, FAILURE:24, BATCH:23?, BY:7?, ACCESS:18?');

function resultOf(r: RowView): string {
	if (r.phase === 'detecting') return 'detecting';
	if (r.phase === 'running') return r.step ?? 'starting';
	if (r.result) return rowStatus(r.result);
	return 'waiting';
}

function cellsOf(r: RowView): unknown[] {
	const x = r.result;
	return [
		r.line,
		r.url || null,
		r.pack ?? (x ? null : '…'),
		resultOf(r),
		x && !x.skipped ? x.failure_class : null,
		r.batchId,
		r.by,
		x?.batch_id ? accessWord(x.batch_status, x.access_status) : null,
	];
}

function tint(r: RowView): string | undefined {
	if (!r.result) return undefined;
	const word = rowWord(r.result);
	if (word === 'stopped' || word === 'not run' || word === 'invalid') return color.warn;
	return statusColor(word);
}

/** The rows while packs are detected (with what the run will skip) and while they are imported. */
export function LiveTable({
	rows,
	limit,
	preview,
	stage,
}: {
	rows: RowView[];
	limit: number;
	preview: Map<number, RowPreview> | null;
	stage: 'detect' | 'run';
}) {
	const detect = useFitted(DETECT_COLUMNS);
	const run = useFitted(RUN_COLUMNS);
	const cols = stage === 'detect' ? detect : run;
	const shown = rows.slice(0, limit);
	return (
		<Box flexDirection="column">
			<TableHeader columns={cols} indent={2} />
			{shown.map((r) => {
				const busy = r.phase === 'detecting' || r.phase === 'running';
				const plan =
					r.phase === 'detecting' ? 'detecting the pack' : previewWord(preview?.get(r.line) ?? undefined);
				const skip = preview?.get(r.line)?.skip;
				return (
					<Text
						key={r.line}
						wrap="truncate-end"
						color={stage === 'run' ? tint(r) : skip ? color.warn : undefined}
					>
						{busy ? <Spinner type="dots" /> : ' '}{' '}
						{stage === 'detect'
							? row([r.line, r.url, r.pack ?? '…', r.by ?? '', plan], cols)
							: row(cellsOf(r), cols)}
					</Text>
				);
			})}
			{rows.length > shown.length ? <Text dimColor>… {rows.length - shown.length} more rows</Text> : null}
		</Box>
	);
}

/** What the run will skip, said before it starts: one line per skipped row. */
export function PreviewNotes({preview, max}: {preview: RowPreview[]; max: number}) {
	const skipped = preview.filter((p) => p.skip !== null);
	if (skipped.length === 0) return null;
	return (
		<Box flexDirection="column">
			<Text color={color.warn}>{skipped.length} row(s) will be skipped as already imported or repeated:</Text>
			{skipped.slice(0, max).map((p) => (
				<Text key={p.line} color={color.warn} wrap="truncate-end">
					{`  line ${p.line}: ${p.message}`}
				</Text>
			))}
			{skipped.length > max ? <Text dimColor>{`  … ${skipped.length - max} more`}</Text> : null}
		</Box>
	);
}

type Choice = {line: number} | 'status' | 'record' | 'home';

/** Every line of the result (invalid lines too, which send no events), in file order. */
export function resultRows(result: BatchResult, live: RowView[]): RowView[] {
	const seen = new Map(live.map((r) => [r.line, r]));
	return result.results.map((x) => ({
		line: x.line,
		url: x.url ?? seen.get(x.line)?.url ?? '',
		pack: x.pack,
		by: x.detected_by,
		phase: 'done',
		step: null,
		batchId: x.batch_id ?? seen.get(x.line)?.batchId ?? null,
		result: x,
	}));
}

/** The finished run: its totals, the rows (Enter opens a row's batch), Status and Home. */
export function ResultList({
	result,
	live,
	limit,
	onOpen,
	onStatus,
	onRecord,
	onHome,
}: {
	result: BatchResult;
	/** The live table's rows (batch ids seen while running). */
	live: RowView[];
	limit: number;
	onOpen: (batchId: string) => void;
	onStatus: () => void;
	/** The run's saved record (crm batch-run show). */
	onRecord: () => void;
	onHome: () => void;
}) {
	const cols = useFitted(RUN_COLUMNS);
	const rows = useMemo(() => resultRows(result, live), [result, live]);
	const [at, setAt] = useState<Choice>(rows[0] ? {line: rows[0].line} : 'status');
	const [note, setNote] = useState<string | null>(null);
	const byLine = new Map(rows.map((r) => [r.line, r]));
	const items = [
		...rows.map((r) => ({
			key: `line-${r.line}`,
			label: row(cellsOf(r), cols),
			value: {line: r.line} as Choice,
			color: tint(r),
		})),
		{key: 'status', label: 'Status', value: 'status' as Choice},
		{key: 'record', label: `This run’s record (${result.run_id})`, value: 'record' as Choice},
		{key: 'home', label: 'Home', value: 'home' as Choice},
	];
	const current = typeof at === 'object' ? byLine.get(at.line) : undefined;
	const choose = (c: Choice) => {
		if (c === 'status') return onStatus();
		if (c === 'record') return onRecord();
		if (c === 'home') return onHome();
		const r = byLine.get(c.line);
		if (r?.batchId) return onOpen(r.batchId);
		setNote(`line ${c.line} has no batch: nothing was created for it`);
	};
	return (
		<Box flexDirection="column">
			<Text>{totalsText(result)}</Text>
			<TableHeader columns={cols} indent={2} />
			<SelectList
				items={items}
				limit={limit}
				onHighlight={(c) => {
					setAt(c);
					setNote(null);
				}}
				onSelect={choose}
			/>
			{current?.result ? <RowDetail row={current} result={current.result} /> : null}
			{note ? <Text color={color.warn}>{note}</Text> : null}
		</Box>
	);
}

/** The highlighted row: its batch, its outcome in words, and what its status and class mean. */
function RowDetail({row: r, result}: {row: RowView; result: BatchRowResult}) {
	const words: Words = [
		['row', rowWord(result)],
		['failure', result.skipped ? null : result.failure_class],
	];
	return (
		<Box flexDirection="column">
			<Text wrap="truncate-end">
				line {r.line}
				{r.batchId ? ` · batch ${r.batchId} (Enter opens it)` : ' · no batch'}
				{result.failure_class && !result.skipped ? ` · ${result.failure_class}` : ''}
			</Text>
			<Text dimColor wrap="wrap">
				{'  '}
				{result.message}
			</Text>
			<WordLegend words={words} max={2} />
		</Box>
	);
}
