// Batch import: a host, a file of `url,key[,pack[,access]]` lines (checked line by line), the
// detected pack of each row to confirm, then the imports (bounded concurrency) in a live table,
// and the totals. Esc goes back at every stage before the imports start; Ctrl-C stops them
// cleanly (rows not started are reported as not run).
import React, {useCallback, useMemo, useReducer, useState} from 'react';
import {Box} from 'ink';
import {Text} from '../components/text.js';
import {
	detectPacks,
	importRows,
	previewImport,
	readImportFile,
	type BatchEvent,
	type BatchFileRead,
	type BatchResult,
	type DetectedRow,
	type RowPreview,
} from '../../app/import-batch.js';
import {saveTuiSettings, tuiSettingsOf} from '../../app/tui-settings.js';
import {useUIActions, useUIState} from '../context.js';
import {ErrorLine, errorText} from '../components/error-line.js';
import {HostPick} from '../components/host-pick.js';
import {Header} from '../components/header.js';
import {KeyHelp, LIST_KEYS} from '../components/key-help.js';
import {TextField} from '../components/masked-field.js';
import {SelectList} from '../components/select-list.js';
import {useOperation} from '../hooks/use-operation.js';
import {useScreenKeys} from '../hooks/use-screen-keys.js';
import {useListRows} from '../hooks/use-window.js';
import {color} from '../theme.js';
import {LiveTable, PreviewNotes, ResultList, rowsReducer, type RowView} from './batch-import-rows.js';

type Stage = 'host' | 'file' | 'checked' | 'detect' | 'run';

interface Detected {
	rows: DetectedRow[];
	preview: RowPreview[];
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
										? 'Leave out the invalid lines and detect the packs'
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

/** The screen's state and what it runs: the file read, the detection (with its preview), the run. */
function useBatchImport() {
	const {app, data} = useUIState();
	const actions = useUIActions();
	const hosts = data?.hosts ?? [];
	const [stage, setStage] = useState<Stage>(hosts.length === 1 ? 'file' : 'host');
	const [hostId, setHostId] = useState<string | undefined>(
		hosts.length === 1 ? hosts[0]!.host_id : undefined,
	);
	// The file of the last batch import, remembered in the TUI's settings (state.json `tui`).
	const [file, setFile] = useState(() => tuiSettingsOf(data).batch_file ?? '');
	const [read, setRead] = useState<{file: BatchFileRead | null; error: string | null} | null>(null);
	const [rows, dispatch] = useReducer(rowsReducer, new Map<number, RowView>());
	const detect = useOperation<Detected>();
	const run = useOperation<BatchResult>();
	const host = hosts.find((h) => h.host_id === hostId);
	const sink = useCallback((event: BatchEvent) => dispatch(event), []);
	const table = useMemo(() => [...rows.values()].sort((a, b) => a.line - b.line), [rows]);

	const checkFile = (path: string) => {
		setRead(null);
		setStage('checked');
		readImportFile(app, {file: path.trim()}).then(
			(file) => {
				setRead({file, error: null});
				// Remembered once it could be read; a busy data folder only means it is not remembered.
				saveTuiSettings(app, {batch_file: path.trim()}).catch(() => undefined);
			},
			(error: unknown) => setRead({file: null, error: errorText(error)}),
		);
	};

	const startDetect = () => {
		const f = read?.file;
		if (!f || !hostId) return;
		dispatch({type: 'reset'});
		setStage('detect');
		detect.start(async (signal) => {
			const detected = await detectPacks(app, {rows: f.rows}, {sink, signal});
			return {rows: detected, preview: await previewImport(app, {host: hostId, rows: detected})};
		});
	};

	const startRun = () => {
		const f = read?.file;
		const detected = detect.result?.rows;
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
					fileSha256: f.sha256,
				},
				{sink, signal},
			),
		);
	};

	return {
		hosts,
		host,
		hostId,
		setHostId,
		stage,
		setStage,
		file,
		setFile,
		read,
		table,
		detect,
		run,
		checkFile,
		startDetect,
		startRun,
	};
}

export function BatchImportScreen() {
	const actions = useUIActions();
	const b = useBatchImport();
	const {stage, setStage, hosts, host, hostId, detect, run} = b;
	const limit = useListRows(stage === 'run' ? 16 : 14, 3);
	const preview = useMemo(
		() => (detect.result ? new Map(detect.result.preview.map((p) => [p.line, p])) : null),
		[detect.result],
	);
	const skipping = detect.result?.preview.filter((p) => p.skip !== null).length ?? 0;

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
						b.setHostId(id);
						setStage('file');
					}}
				/>
			) : null}
			{stage === 'file' ? (
				<TextField
					label="File"
					value={b.file}
					onChange={b.setFile}
					onSubmit={b.checkFile}
					validate={(v) => (v.trim() ? null : 'the path of the url,key file')}
					placeholder="providers.csv"
					note="keys stay in the file; they are never shown or stored (only fingerprints)"
				/>
			) : null}
			{stage === 'checked' && !b.read ? <Text dimColor>reading the file…</Text> : null}
			{stage === 'checked' && b.read ? (
				<FileChecked
					read={b.read}
					onChoose={(v) =>
						v === 'detect' ? b.startDetect() : v === 'file' ? setStage('file') : actions.back()
					}
				/>
			) : null}
			{stage === 'detect' || (stage === 'run' && !run.result) ? (
				<LiveTable rows={b.table} limit={limit} preview={preview} stage={stage} />
			) : null}
			{stage === 'detect' && detect.phase === 'error' ? <ErrorLine error={detect.error} /> : null}
			{stage === 'detect' && detect.result ? (
				<Box flexDirection="column">
					<PreviewNotes preview={detect.result.preview} max={3} />
					<SelectList
						items={[
							{
								label: `Import ${detect.result.rows.length - skipping} row(s) into ${host?.name ?? hostId}${skipping ? ` (${skipping} will be skipped)` : ''}`,
								value: 'run',
							},
							{label: 'Back', value: 'back'},
						]}
						onSelect={(v) => (v === 'run' ? b.startRun() : back())}
					/>
				</Box>
			) : null}
			{stage === 'run' && run.phase === 'error' ? <ErrorLine error={run.error} /> : null}
			{stage === 'run' && run.result ? (
				<ResultList
					result={run.result}
					live={b.table}
					limit={limit}
					onOpen={(batchId) => actions.push({id: 'batch', batchId})}
					onStatus={() => actions.replace({id: 'status'})}
					onRecord={() => actions.replace({id: 'batch-run', runId: run.result!.run_id})}
					onHome={actions.home}
				/>
			) : null}
			<KeyHelp
				keys={
					stage === 'file'
						? [
								{keys: 'Enter', does: 'read the file'},
								{keys: 'Esc', does: 'back'},
							]
						: stage === 'run' && done
							? [
									{keys: 'Enter', does: 'open the row’s batch'},
									...LIST_KEYS.filter((k) => k.keys !== 'Enter'),
								]
							: LIST_KEYS
				}
				typing={stage === 'file'}
			/>
		</Box>
	);
}
