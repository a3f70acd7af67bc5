// Evidence runs (`crm evidence list|keep|archive` in the TUI, issue 10): every acceptance run,
// newest first, with its verdict and whether it is kept (final), a trial, or archived. Enter on a
// run shows it and offers Keep (mark final; an archived run moves back); Archive moves every run
// not kept to acceptance/archive/ after a confirm, so the main folder holds only final evidence.
import React, {useEffect, useMemo, useState} from 'react';
import {Box} from 'ink';
import {Text} from '../components/text.js';
import {useUIActions, useUIState} from '../context.js';
import {archiveEvidence, errorText, evidenceRuns, keepEvidence, type RunView} from '../engine.js';
import {Confirm} from '../components/confirm.js';
import {Header} from '../components/header.js';
import {KeyHelp, LIST_KEYS} from '../components/key-help.js';
import {SelectList} from '../components/select-list.js';
import {row, TableHeader, type Column} from '../components/table.js';
import {useOperation} from '../hooks/use-operation.js';
import {useScreenKeys} from '../hooks/use-screen-keys.js';
import {useListRows} from '../hooks/use-window.js';
import {color, shortTime, statusColor} from '../theme.js';

const COLUMNS: Column[] = [
	{title: 'RUN', width: 36},
	{title: 'RESULT', width: 16},
	{title: 'KEPT', width: 8},
	{title: 'AT', width: 11},
];

const kept = (r: RunView) => (r.final ? 'final' : r.archived ? 'archived' : 'trial');
/** Runs `archive` would move: not final, finished, still in the main folder. */
const archivable = (r: RunView) => !r.final && !r.archived && r.result !== 'running' && r.present;

type Mode = {kind: 'list'} | {kind: 'run'; runId: string} | {kind: 'confirm-archive'};

export function EvidenceScreen({runId: initialRun}: {runId?: string}) {
	const {config, data} = useUIState();
	const actions = useUIActions();
	const [runs, setRuns] = useState<{value: RunView[] | null; error: unknown} | null>(null);
	const [mode, setMode] = useState<Mode>(initialRun ? {kind: 'run', runId: initialRun} : {kind: 'list'});
	const [highlight, setHighlight] = useState<string | undefined>(initialRun);
	const op = useOperation<string>();
	const busy = op.phase === 'running';
	const limit = useListRows(12, 3);
	useScreenKeys({
		list: mode.kind === 'list',
		isActive: !busy,
		onBack: () => (mode.kind === 'list' ? actions.back() : setMode({kind: 'list'})),
	});

	// Re-read after every change of state (keep and archive reload the app's view when they end).
	useEffect(() => {
		let live = true;
		evidenceRuns(config).then(
			(value) => live && setRuns({value, error: null}),
			(error: unknown) => live && setRuns({value: null, error}),
		);
		return () => {
			live = false;
		};
	}, [config, data]);

	const list = runs?.value;
	const items = useMemo(
		() => [
			...(list ?? []).map((r) => ({
				key: r.run_id,
				label: row([r.run_id, r.result, kept(r), shortTime(r.finished_at ?? r.started_at).slice(5)], COLUMNS),
				value: r.run_id,
				color: r.result === 'ready' ? color.ok : r.result === 'running' ? color.warn : color.fail,
				dim: r.archived,
			})),
			{key: '+archive', label: 'Archive every run not kept…', value: '+archive'},
			{key: '+back', label: 'Back', value: '+back'},
		],
		[list],
	);

	if (!runs) return <Text dimColor>reading the acceptance runs…</Text>;
	const count = (list ?? []).filter(archivable).length;
	const archiveDir = `${config.dataDir}/acceptance/archive/`;
	const selected = mode.kind === 'run' ? list?.find((r) => r.run_id === mode.runId) : undefined;

	const keep = (run: RunView) =>
		op.start(async () => {
			const view = await keepEvidence(config, run.run_id);
			return `kept ${view.run_id} as final evidence in ${view.evidence_dir}`;
		});
	const archive = () =>
		op.start(async () => {
			const result = await archiveEvidence(config);
			return [
				result.archived.length
					? `archived ${result.archived.length} run(s) to ${result.archiveDir}`
					: 'nothing to archive: every run in acceptance/ is final',
				`${result.kept.length} final run(s) stay`,
				...result.missing.map((m) => `the folder of ${m} is gone; nothing moved`),
			].join('; ');
		});

	return (
		<Box flexDirection="column">
			<Header
				title={selected ? `Evidence › ${selected.run_id}` : 'Evidence runs'}
				subtitle={`${list?.length ?? 0} acceptance run(s) · final runs stay in acceptance/, the others can be archived`}
			/>
			{runs.error ? <Text color={color.fail}>✗ {errorText(runs.error)}</Text> : null}
			{mode.kind === 'run' && !selected ? (
				<Box flexDirection="column">
					<Text color={color.fail}>no acceptance run {mode.runId}</Text>
					<SelectList
						items={[{label: 'Back to the list', value: 'back'}]}
						onSelect={() => setMode({kind: 'list'})}
					/>
				</Box>
			) : null}
			{selected ? (
				<Box flexDirection="column">
					<RunDetail run={selected} />
					{busy ? null : (
						<Box marginTop={1}>
							<SelectList
								items={[
									...(selected.final || selected.result === 'running'
										? []
										: [
												{
													label: selected.archived
														? 'Keep it as final evidence (moves it back from the archive)'
														: 'Keep it as final evidence',
													value: 'keep',
												},
											]),
									{label: 'Back to the list', value: 'back'},
								]}
								onSelect={(v) => {
									if (v === 'keep') keep(selected);
									else {
										op.reset();
										setHighlight(selected.run_id);
										setMode({kind: 'list'});
									}
								}}
							/>
						</Box>
					)}
				</Box>
			) : null}
			{mode.kind === 'list' ? (
				<Box flexDirection="column">
					{list && list.length === 0 ? (
						<Text dimColor>
							No acceptance runs yet: start one from Home (Acceptance run) or with crm accept.
						</Text>
					) : (
						<TableHeader columns={COLUMNS} indent={2} />
					)}
					{busy ? null : (
						<SelectList
							items={items}
							limit={limit}
							initialIndex={Math.max(
								0,
								items.findIndex((i) => i.value === highlight),
							)}
							onSelect={(v) => {
								op.reset();
								if (v === '+back') actions.back();
								else if (v === '+archive') setMode({kind: 'confirm-archive'});
								else setMode({kind: 'run', runId: v});
							}}
						/>
					)}
				</Box>
			) : null}
			{mode.kind === 'confirm-archive' ? (
				count === 0 ? (
					<Box flexDirection="column">
						<Text wrap="wrap">
							Nothing to archive: every run in acceptance/ is kept as final (or already archived).
						</Text>
						<SelectList
							items={[{label: 'Back to the list', value: 'back'}]}
							onSelect={() => setMode({kind: 'list'})}
						/>
					</Box>
				) : (
					<Confirm
						danger
						question={`Move ${count} run(s) not kept to ${archiveDir}? Final runs stay where they are.`}
						yes="Archive them"
						onAnswer={(yes) => {
							if (yes) archive();
							setMode({kind: 'list'});
						}}
					/>
				)
			) : null}
			{busy ? <Text dimColor>working…</Text> : null}
			{op.phase === 'done' ? (
				<Text color={color.ok} wrap="wrap">
					✓ {op.result}
				</Text>
			) : null}
			{op.phase === 'error' ? (
				<Text color={color.fail} wrap="wrap">
					✗ {errorText(op.error)}
				</Text>
			) : null}
			<KeyHelp keys={LIST_KEYS} />
		</Box>
	);
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
		</Box>
	);
}
