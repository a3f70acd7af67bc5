// Evidence runs (`crm evidence list|keep|archive` in the TUI): every acceptance run, newest first,
// with its verdict and whether it is kept (final), a trial, or archived. Enter on a run shows it and
// offers Keep (mark final; an archived run moves back); Archive moves every run not kept to
// acceptance/archive/ after a confirm, so the main folder holds only final evidence.
import React, {useMemo, useState} from 'react';
import {Box} from 'ink';
import {Text} from '../components/text.js';
import {
	archiveEvidence,
	exportEvidence,
	keepEvidence,
	listEvidence,
	runEvidenceFiles,
	type RunView,
} from '../../app/evidence.js';
import {FileView} from '../components/file-view.js';
import {TextField} from '../components/masked-field.js';
import type {Session} from '../../app/session.js';
import {useUIActions, useUIState} from '../context.js';
import {Confirm} from '../components/confirm.js';
import {ErrorLine} from '../components/error-line.js';
import {OperationLine} from '../components/operation-line.js';
import {Header} from '../components/header.js';
import {KeyHelp, LIST_KEYS} from '../components/key-help.js';
import {SelectList} from '../components/select-list.js';
import {columns, row, TableHeader, useFitted} from '../components/table.js';
import {useOperation, type Operation} from '../hooks/use-operation.js';
import {useRead} from '../hooks/use-read.js';
import {useScreenKeys} from '../hooks/use-screen-keys.js';
import {useListRows} from '../hooks/use-window.js';
import {color, shortTime, statusColor} from '../theme.js';
import {resultKind} from '../../app/reads.js';
import {WordLegend, type Words} from '../components/word-legend.js';

// The CLI's columns (crm evidence list); the run id grows, the host, pack and access show when they fit.
const COLUMNS = columns('RUN:36+, RESULT:16, HOST:10?, PACK:8?, ACCESS:18?, KEPT:8, AT:11');

const kept = (r: RunView) => (r.final ? 'final' : r.archived ? 'archived' : 'trial');
/** Runs `archive` would move: not final, finished, still in the main folder. */
const archivable = (r: RunView) => !r.final && !r.archived && r.result !== 'running' && r.present;

type Mode =
	| {kind: 'list'}
	| {kind: 'run'; runId: string}
	| {kind: 'confirm-archive'}
	| {kind: 'read'; runId: string; file: string}
	| {kind: 'export'; runId: string};

function keepRun(app: Session, op: Operation<string>, run: RunView) {
	op.start(async () => {
		const view = await keepEvidence(app, {run: run.run_id});
		return `kept ${view.run_id} as final evidence in ${view.evidence_dir}`;
	});
}

function archiveRuns(app: Session, op: Operation<string>) {
	op.start(async () => {
		const result = await archiveEvidence(app);
		return [
			result.archived.length
				? `archived ${result.archived.length} run(s) to ${result.archive_dir}`
				: 'nothing to archive: every run in acceptance/ is final',
			`${result.kept.length} final run(s) stay`,
			...result.missing.map((m) => `the folder of ${m} is gone; nothing moved`),
		].join('; ');
	});
}

export function EvidenceScreen({runId: initialRun}: {runId?: string}) {
	const {app, data} = useUIState();
	const actions = useUIActions();
	// Re-read after every change of state (keep and archive reload the app's view when they end).
	const runs = useRead(() => listEvidence(app), [app, data]);
	const [mode, setMode] = useState<Mode>(initialRun ? {kind: 'run', runId: initialRun} : {kind: 'list'});
	const [highlight, setHighlight] = useState<string | undefined>(initialRun);
	const op = useOperation<string>();
	const busy = op.phase === 'running';
	useScreenKeys({
		list: mode.kind === 'list',
		text: mode.kind === 'export',
		isActive: !busy && mode.kind !== 'read',
		onBack: () =>
			mode.kind === 'list'
				? actions.back()
				: setMode(mode.kind === 'export' ? {kind: 'run', runId: mode.runId} : {kind: 'list'}),
	});
	if (!runs) return <Text dimColor>reading the acceptance runs…</Text>;
	if (mode.kind === 'read')
		return (
			<FileView
				title={`Evidence › ${mode.runId} › ${mode.file.split('/').at(-1)}`}
				file={mode.file}
				onClose={() => setMode({kind: 'run', runId: mode.runId})}
			/>
		);
	const list = runs.value ?? [];
	const selected =
		mode.kind === 'run' || mode.kind === 'export' ? list.find((r) => r.run_id === mode.runId) : undefined;
	const toList = () => setMode({kind: 'list'});
	return (
		<Box flexDirection="column">
			<Header
				title={selected ? `Evidence › ${selected.run_id}` : 'Evidence runs'}
				subtitle={`${runs.value?.length ?? 0} acceptance run(s) · final runs stay in acceptance/, the others can be archived`}
			/>
			{runs.error ? <ErrorLine error={runs.error} /> : null}
			{mode.kind === 'run' && !selected ? (
				<Box flexDirection="column">
					<Text color={color.fail}>no acceptance run {mode.runId}</Text>
					<SelectList items={[{label: 'Back to the list', value: 'back'}]} onSelect={toList} />
				</Box>
			) : null}
			{selected && mode.kind === 'export' ? (
				<ExportField run={selected} op={op} onDone={() => setMode({kind: 'run', runId: selected.run_id})} />
			) : null}
			{selected && mode.kind === 'run' ? (
				<RunChoice
					run={selected}
					busy={busy}
					onRead={(file) => setMode({kind: 'read', runId: selected.run_id, file})}
					onExport={() => {
						op.reset();
						setMode({kind: 'export', runId: selected.run_id});
					}}
					onKeep={() => keepRun(app, op, selected)}
					onBack={() => {
						op.reset();
						setHighlight(selected.run_id);
						toList();
					}}
				/>
			) : null}
			{mode.kind === 'list' ? (
				<RunList
					runs={runs.value}
					busy={busy}
					highlight={highlight}
					onPick={(v) => {
						op.reset();
						if (v === '+back') actions.back();
						else if (v === '+archive') setMode({kind: 'confirm-archive'});
						else setMode({kind: 'run', runId: v});
					}}
				/>
			) : null}
			{mode.kind === 'confirm-archive' ? (
				<ArchiveConfirm
					count={list.filter(archivable).length}
					archiveDir={`${app.dataDir}/acceptance/archive/`}
					onAnswer={(yes) => {
						if (yes) archiveRuns(app, op);
						toList();
					}}
				/>
			) : null}
			<OperationLine op={op} />
			<KeyHelp keys={LIST_KEYS} words={selected ? runWords(selected) : []} />
		</Box>
	);
}

function RunList({
	runs,
	busy,
	highlight,
	onPick,
}: {
	runs: RunView[] | null;
	busy: boolean;
	highlight: string | undefined;
	onPick: (value: string) => void;
}) {
	const limit = useListRows(12, 3);
	const fitted = useFitted(COLUMNS);
	const items = useMemo(
		() => [
			...(runs ?? []).map((r) => ({
				key: r.run_id,
				label: row(
					[
						r.run_id,
						r.result,
						r.host,
						r.pack,
						r.access_status,
						kept(r),
						shortTime(r.finished_at ?? r.started_at).slice(5),
					],
					fitted,
				),
				value: r.run_id,
				color: r.result === 'ready' ? color.ok : r.result === 'running' ? color.warn : color.fail,
				dim: r.archived,
			})),
			{key: '+archive', label: 'Archive every run not kept…', value: '+archive'},
			{key: '+back', label: 'Back', value: '+back'},
		],
		[runs, fitted],
	);
	return (
		<Box flexDirection="column">
			{runs && runs.length === 0 ? (
				<Text dimColor>No acceptance runs yet: start one from Home (Acceptance run) or with crm accept.</Text>
			) : (
				<TableHeader columns={fitted} indent={2} />
			)}
			{busy ? null : (
				<SelectList
					items={items}
					limit={limit}
					initialIndex={Math.max(
						0,
						items.findIndex((i) => i.value === highlight),
					)}
					onSelect={onPick}
				/>
			)}
		</Box>
	);
}

function RunChoice({
	run,
	busy,
	onRead,
	onExport,
	onKeep,
	onBack,
}: {
	run: RunView;
	busy: boolean;
	onRead: (file: string) => void;
	onExport: () => void;
	onKeep: () => void;
	onBack: () => void;
}) {
	const keepable = !run.final && run.result !== 'running';
	const files = useRead(() => runEvidenceFiles(run), [run]);
	return (
		<Box flexDirection="column">
			<RunDetail run={run} />
			{busy ? null : (
				<Box marginTop={1}>
					<SelectList
						items={[
							...(keepable
								? [
										{
											label: run.archived
												? 'Keep it as final evidence (moves it back from the archive)'
												: 'Keep it as final evidence',
											value: 'keep',
										},
									]
								: []),
							{label: 'Back to the list', value: 'back'},
							...(run.present && run.result !== 'running'
								? [{label: 'Export it as a bundle (.tar.gz)…', value: 'export'}]
								: []),
							...(files?.value ?? []).map((f) => ({key: f, label: `Read ${f}`, value: `file:${f}`})),
						]}
						limit={8}
						onSelect={(v) =>
							v === 'keep'
								? onKeep()
								: v === 'export'
									? onExport()
									: v.startsWith('file:')
										? onRead(`${run.evidence_dir}/${v.slice(5)}`)
										: onBack()
						}
					/>
				</Box>
			)}
		</Box>
	);
}

function ArchiveConfirm({
	count,
	archiveDir,
	onAnswer,
}: {
	count: number;
	archiveDir: string;
	onAnswer: (yes: boolean) => void;
}) {
	if (count === 0)
		return (
			<Box flexDirection="column">
				<Text wrap="wrap">
					Nothing to archive: every run in acceptance/ is kept as final (or already archived).
				</Text>
				<SelectList items={[{label: 'Back to the list', value: 'back'}]} onSelect={() => onAnswer(false)} />
			</Box>
		);
	return (
		<Confirm
			danger
			question={`Move ${count} run(s) not kept to ${archiveDir}? Final runs stay where they are.`}
			yes="Archive them"
			onAnswer={onAnswer}
		/>
	);
}

function runWords(r: RunView): Words {
	return [
		[resultKind(r.result), r.result],
		['access', r.access_status],
		['evidence', kept(r)],
	];
}

function RunDetail({run: r}: {run: RunView}) {
	return (
		<Box flexDirection="column">
			<Text wrap="truncate-end">
				<Text bold color={r.result === 'ready' ? color.ok : color.fail}>
					{r.result}
				</Text>
				{' · access '}
				<Text color={statusColor(r.access_status)}>{r.access_status}</Text>
				{r.failure_class ? ` · ${r.failure_class}` : ''} · {kept(r)}
			</Text>
			<Text wrap="truncate-end">
				host {r.host} · pack {r.pack} · access {r.access} · {r.batch_ids.length} batch(es)
			</Text>
			<Text dimColor wrap="truncate-end">
				started {shortTime(r.started_at)} · finished {shortTime(r.finished_at)}
			</Text>
			<Text dimColor wrap="truncate-middle">
				evidence {r.evidence_dir}
				{r.present ? '' : ' (gone from disk)'}
			</Text>
			<WordLegend words={runWords(r)} max={3} />
		</Box>
	);
}

/** Where to write the run's bundle (the app's evidence export, refused when a file holds a secret). */
function ExportField({run, op, onDone}: {run: RunView; op: Operation<string>; onDone: () => void}) {
	const {app} = useUIState();
	const [out] = useState(() => `${process.cwd()}/${run.run_id}.tar.gz`);
	if (op.phase === 'running') return <Text dimColor>writing the bundle…</Text>;
	if (op.phase === 'done')
		return <SelectList items={[{label: 'Back to the run', value: 'back'}]} onSelect={onDone} />;
	return (
		<Box flexDirection="column">
			<TextField
				label="Bundle file"
				value={out}
				onChange={() => undefined}
				validate={(v) => (/\.(tar\.gz|tgz)$/.test(v.trim()) ? null : 'name a .tar.gz (or .tgz) file')}
				note="the run's folder as one file to hand over; nothing is written if a file holds a secret"
				onSubmit={(v) =>
					op.start(async () => {
						const done = await exportEvidence(app, {run: run.run_id, out: v.trim()});
						return `exported ${done.entries.length} file(s), ${done.bytes} bytes, to ${done.out}`;
					})
				}
			/>
		</Box>
	);
}
