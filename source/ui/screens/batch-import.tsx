// Batch import: a host, a file of `url,key[,pack[,access]]` lines (checked line by line), the
// detected pack of each row to confirm, then the imports (bounded concurrency) in a live table,
// and the totals. Esc goes back at every stage before the imports start; Ctrl-C stops them
// cleanly (rows not started are reported as not run).
import React, {useCallback, useMemo, useReducer, useState} from 'react';
import {Box} from 'ink';
import {Text} from '../components/text.js';
import Spinner from 'ink-spinner';
import {
	detectPacks,
	importRows,
	readImportFile,
	type BatchEvent,
	type BatchFileRead,
	type BatchResult,
	type DetectedRow,
} from '../../app/import-batch.js';
import {useUIActions, useUIState} from '../context.js';
import {ErrorLine, errorText} from '../components/error-line.js';
import {HostPick} from '../components/host-pick.js';
import {Header} from '../components/header.js';
import {KeyHelp, LIST_KEYS} from '../components/key-help.js';
import {TextField} from '../components/masked-field.js';
import {SelectList} from '../components/select-list.js';
import {columns, row, TableHeader} from '../components/table.js';
import {useOperation} from '../hooks/use-operation.js';
import {useScreenKeys} from '../hooks/use-screen-keys.js';
import {useListRows} from '../hooks/use-window.js';
import {color, statusColor} from '../theme.js';

type Stage = 'host' | 'file' | 'checked' | 'detect' | 'run';

interface RowView {
	line: number;
	url: string;
	pack: string | null;
	by: string | null;
	phase: 'detecting' | 'detected' | 'running' | 'done';
	step: string | null;
	status: string | null;
	access: string | null;
	failure: string | null;
}

function rowsReducer(rows: Map<number, RowView>, event: BatchEvent | {type: 'reset'}): Map<number, RowView> {
	const next = new Map(event.type === 'reset' ? [] : rows);
	if (event.type === 'reset') return next;
	const get = (line: number): RowView =>
		next.get(line) ?? {
			line,
			url: '',
			pack: null,
			by: null,
			phase: 'detecting',
			step: null,
			status: null,
			access: null,
			failure: null,
		};
	switch (event.type) {
		case 'detect_start':
			next.set(event.line, {...get(event.line), url: event.url, phase: 'detecting'});
			break;
		case 'detected':
			next.set(event.line, {
				...get(event.line),
				pack: event.detection.pack,
				by: event.detection.detected_by,
				phase: 'detected',
			});
			break;
		case 'row_start':
			next.set(event.line, {...get(event.line), pack: event.pack, phase: 'running'});
			break;
		case 'row_step':
			if (event.event.type === 'start') next.set(event.line, {...get(event.line), step: event.event.step});
			break;
		case 'row_end': {
			const r = event.result;
			next.set(event.line, {
				...get(event.line),
				url: r.url ?? get(event.line).url,
				pack: r.pack,
				by: r.detected_by,
				phase: 'done',
				step: null,
				status: r.skipped
					? `skipped${r.skip_reason ? ` (${r.skip_reason})` : ''}`
					: r.not_run
						? 'not run'
						: r.batch_status,
				access: r.access_status,
				failure: r.failure_class,
			});
			break;
		}
		default:
			break;
	}
	return next;
}

const COLUMNS = columns('LINE:4, URL:22, PACK:8, BY:7, RESULT:32');

function RowsTable({rows, limit}: {rows: RowView[]; limit: number}) {
	const shown = rows.slice(0, limit);
	return (
		<Box flexDirection="column">
			<TableHeader columns={COLUMNS} indent={2} />
			{shown.map((r) => {
				const result =
					r.phase === 'detecting'
						? 'detecting the pack'
						: r.phase === 'running'
							? (r.step ?? 'starting')
							: r.phase === 'detected'
								? 'ready to import'
								: [r.status, r.access, r.failure].filter(Boolean).join(' · ');
				const busy = r.phase === 'detecting' || r.phase === 'running';
				return (
					<Text
						key={r.line}
						wrap="truncate-end"
						color={r.phase === 'done' ? statusColor(r.failure ? 'failed' : r.status) : undefined}
					>
						{busy ? <Spinner type="dots" /> : ' '}{' '}
						{row([r.line, r.url, r.pack ?? '…', r.by ?? '', result], COLUMNS)}
					</Text>
				);
			})}
			{rows.length > shown.length ? <Text dimColor>… {rows.length - shown.length} more rows</Text> : null}
		</Box>
	);
}

/** The file read and checked: its valid and invalid lines, and what can be done next. */
function FileChecked({
	read,
	onChoose,
}: {
	read: {file: BatchFileRead | null; error: string | null};
	onChoose: (choice: 'detect' | 'file' | 'back') => void;
}) {
	const f = read.file;
	const runnable = f && f.rows.length > 0 && !f.problems.some((p) => p.line === 0);
	return (
		<Box flexDirection="column">
			{read.error ? (
				<Text color={color.fail} wrap="wrap">
					✗ {read.error}
				</Text>
			) : null}
			{f ? (
				<Box flexDirection="column">
					<Text>
						{f.rows.length} valid line(s)
						{f.problems.length ? <Text color={color.warn}>, {f.problems.length} invalid</Text> : null}
					</Text>
					{f.permissionWarning ? <Text color={color.warn}>! {f.permissionWarning}</Text> : null}
					{f.problems.slice(0, 6).map((p, i) => (
						<Text key={i} color={color.warn} wrap="truncate-end">
							{p.line > 0 ? `  line ${p.line}: ${p.field}: ${p.message}` : `  ${p.message}`}
						</Text>
					))}
				</Box>
			) : null}
			<SelectList
				items={[
					...(runnable
						? [
								{
									label: f.problems.length
										? 'Skip the invalid lines and detect the packs'
										: 'Detect the packs',
									value: 'detect' as const,
								},
							]
						: []),
					{label: 'Choose another file', value: 'file' as const},
					{label: 'Back', value: 'back' as const},
				]}
				onSelect={onChoose}
			/>
		</Box>
	);
}

/** The run's totals, then Status or Home. */
function Totals({result}: {result: BatchResult}) {
	const actions = useUIActions();
	const t = result.totals;
	return (
		<Box flexDirection="column">
			<Text>
				<Text color={color.ok}>{t.succeeded} succeeded</Text>
				{' · '}
				<Text color={t.failed ? color.fail : undefined}>{t.failed} failed</Text>
				{` · ${t.skipped} skipped`}
				{t.not_run ? ` · ${t.not_run} not run` : ''}
			</Text>
			<SelectList
				items={[
					{label: 'Status', value: 'status'},
					{label: 'Home', value: 'home'},
				]}
				onSelect={(v) => (v === 'status' ? actions.replace({id: 'status'}) : actions.home())}
			/>
		</Box>
	);
}

export function BatchImportScreen() {
	const {app, data} = useUIState();
	const actions = useUIActions();
	const hosts = data?.hosts ?? [];
	const [stage, setStage] = useState<Stage>(hosts.length === 1 ? 'file' : 'host');
	const [hostId, setHostId] = useState<string | undefined>(
		hosts.length === 1 ? hosts[0]!.host_id : undefined,
	);
	const [file, setFile] = useState('');
	const [read, setRead] = useState<{file: BatchFileRead | null; error: string | null} | null>(null);
	const [rows, dispatch] = useReducer(rowsReducer, new Map<number, RowView>());
	const detect = useOperation<DetectedRow[]>();
	const run = useOperation<BatchResult>();
	const limit = useListRows(14, 3);
	const host = hosts.find((h) => h.host_id === hostId);
	const sink = useCallback((event: BatchEvent) => dispatch(event), []);

	const back = () => {
		if (stage === 'host' || (stage === 'file' && hosts.length === 1)) actions.back();
		else if (stage === 'file') setStage('host');
		else if (stage === 'checked') setStage('file');
		else if (stage === 'detect' && detect.phase !== 'running') setStage('checked');
	};
	const running = detect.phase === 'running' || run.phase === 'running';
	const done = run.phase === 'done' || run.phase === 'error';
	useScreenKeys({
		text: stage === 'file',
		list: stage !== 'file',
		onBack: stage === 'run' ? (done ? actions.home : undefined) : running ? undefined : back,
	});

	const checkFile = (path: string) => {
		setRead(null);
		setStage('checked');
		readImportFile(app, {file: path.trim()}).then(
			(file) => setRead({file, error: null}),
			(error: unknown) => setRead({file: null, error: errorText(error)}),
		);
	};

	const startDetect = () => {
		const f = read?.file;
		if (!f) return;
		dispatch({type: 'reset'});
		setStage('detect');
		detect.start((signal) => detectPacks(app, {rows: f.rows}, {sink, signal}));
	};

	const startRun = () => {
		const f = read?.file;
		const detected = detect.result;
		if (!f || !detected || !hostId) return;
		const seen = new Set(detected.map((d) => d.line));
		setStage('run');
		actions.appendLog({
			kind: 'note',
			text: `── batch import of ${file.trim()} into ${host?.name ?? hostId} ──`,
		});
		run.start((signal) =>
			importRows(
				app,
				{
					host: hostId,
					rows: detected,
					notDetected: f.rows.filter((r) => !seen.has(r.line)),
					invalid: f.problems.filter((p) => p.line > 0),
				},
				{sink, signal},
			),
		);
	};

	const table = useMemo(() => [...rows.values()].sort((a, b) => a.line - b.line), [rows]);

	return (
		<Box flexDirection="column">
			<Header
				title={`Batch import${host ? ` › ${host.name}` : ''}`}
				subtitle="one url,key[,pack[,access]] line per provider; the pack is detected when not given"
			/>
			{stage === 'host' ? (
				<HostPick
					hosts={hosts}
					prompt="Into which host?"
					selected={hostId}
					versions={false}
					onPick={(id) => {
						setHostId(id);
						setStage('file');
					}}
				/>
			) : null}
			{stage === 'file' ? (
				<TextField
					label="File"
					value={file}
					onChange={setFile}
					onSubmit={checkFile}
					validate={(v) => (v.trim() ? null : 'the path of the url,key file')}
					placeholder="providers.csv"
					note="keys stay in the file; they are never shown or stored (only fingerprints)"
				/>
			) : null}
			{stage === 'checked' && !read ? <Text dimColor>reading the file…</Text> : null}
			{stage === 'checked' && read ? (
				<FileChecked
					read={read}
					onChoose={(v) =>
						v === 'detect' ? startDetect() : v === 'file' ? setStage('file') : actions.back()
					}
				/>
			) : null}
			{stage === 'detect' || stage === 'run' ? <RowsTable rows={table} limit={limit} /> : null}
			{stage === 'detect' && detect.phase === 'error' ? <ErrorLine error={detect.error} /> : null}
			{stage === 'detect' && detect.phase === 'done' ? (
				<SelectList
					items={[
						{label: `Import ${detect.result?.length ?? 0} row(s) into ${host?.name ?? hostId}`, value: 'run'},
						{label: 'Back', value: 'back'},
					]}
					onSelect={(v) => (v === 'run' ? startRun() : back())}
				/>
			) : null}
			{stage === 'run' && run.phase === 'error' ? <ErrorLine error={run.error} /> : null}
			{stage === 'run' && run.result ? <Totals result={run.result} /> : null}
			<KeyHelp
				keys={
					stage === 'file'
						? [
								{keys: 'Enter', does: 'read the file'},
								{keys: 'Esc', does: 'back'},
							]
						: LIST_KEYS
				}
				typing={stage === 'file'}
			/>
		</Box>
	);
}
