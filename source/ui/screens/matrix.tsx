// The provider validation matrix (`crm matrix` in the TUI): per host and pack, the latest
// acceptance verdict (ready, or its failure class), the access status, when, and where the evidence
// is (shown for the highlighted row); packs not validated on a host yet are named below. From here:
// the evidence runs (list, keep, archive) and a new acceptance run.
import React, {useMemo, useState} from 'react';
import {Box} from 'ink';
import {Text} from '../components/text.js';
import {validationMatrix, type MatrixRow} from '../../app/acceptance.js';
import {nextStep, resultKind} from '../../app/reads.js';
import {useUIActions, useUIState} from '../context.js';
import {ErrorLine} from '../components/error-line.js';
import {Header} from '../components/header.js';
import {KeyHelp, LIST_KEYS} from '../components/key-help.js';
import {SelectList} from '../components/select-list.js';
import {columns, row, TableHeader, useFitted} from '../components/table.js';
import {useRead} from '../hooks/use-read.js';
import {useScreenKeys} from '../hooks/use-screen-keys.js';
import {useListRows} from '../hooks/use-window.js';
import {color, shortTime, statusColor} from '../theme.js';
import {WordLegend, type Words} from '../components/word-legend.js';

// The CLI's columns (crm matrix); the evidence folder shows where the terminal is wide enough.
const COLUMNS = columns('HOST:10, PACK:9, RESULT:24, ACCESS:18, AT:11, EVIDENCE:30?+~');

const MAX_UNVALIDATED = 3;

type Item = {row: MatrixRow} | {action: 'evidence' | 'accept' | 'back'};

export function MatrixScreen() {
	const {app, data} = useUIState();
	const actions = useUIActions();

	const [highlighted, setHighlighted] = useState<Item | null>(null);
	const limit = useListRows(18, 4);
	const fitted = useFitted(COLUMNS);
	useScreenKeys({list: true, onBack: actions.back});

	// Re-read whenever the app's view of state changes (an acceptance run, keep or archive).
	const matrix = useRead(() => validationMatrix(app), [app, data]);

	const rows = matrix?.value?.rows;
	const items = useMemo(
		() => [
			...(rows ?? []).map((r) => ({
				key: `${r.host_id}|${r.pack}|${r.endpoint === 'official' ? 'official' : r.base_url}`,
				// The detail line names the endpoint (official host or relay URL) of the highlighted row.
				label: row(
					[r.host, r.pack, r.result, r.access_status, shortTime(r.at).slice(5), r.evidence_dir],
					fitted,
				),
				value: {row: r} as Item,
				color: r.result === 'ready' ? color.ok : color.fail,
			})),
			{key: '+evidence', label: 'Evidence runs (list, keep, archive)', value: {action: 'evidence'} as Item},
			{key: '+accept', label: 'New acceptance run', value: {action: 'accept'} as Item},
			{key: '+back', label: 'Back', value: {action: 'back'} as Item},
		],
		[rows, fitted],
	);

	if (!matrix) return <Text dimColor>reading the acceptance runs…</Text>;
	const current = highlighted ?? items[0]?.value ?? null;
	const unvalidated = (matrix.value?.unvalidated ?? []).filter((u) => u.packs.length > 0);
	const words: Words =
		current && 'row' in current
			? [
					[resultKind(current.row.result), current.row.result],
					['access', current.row.access_status],
				]
			: [];

	return (
		<Box flexDirection="column">
			<Header
				title="Validation matrix"
				subtitle={`latest acceptance verdict per host and pack · ${rows?.length ?? 0} result(s)`}
			/>
			{matrix.error ? <ErrorLine error={matrix.error} /> : null}
			{rows && rows.length === 0 ? (
				<Text dimColor wrap="wrap">
					No acceptance results yet: start one with New acceptance run (or crm accept).
				</Text>
			) : (
				<TableHeader columns={fitted} indent={2} />
			)}
			<SelectList
				items={items}
				limit={limit}
				onHighlight={(v) => setHighlighted(v)}
				onSelect={(v) => {
					if ('row' in v) actions.push({id: 'evidence', runId: v.row.run_id});
					else if (v.action === 'evidence') actions.push({id: 'evidence'});
					else if (v.action === 'accept') actions.push({id: 'acceptance'});
					else actions.back();
				}}
			/>
			{current && 'row' in current ? <RowDetail row={current.row} /> : null}
			<WordLegend words={words} max={2} />
			{unvalidated.slice(0, MAX_UNVALIDATED).map((u) => (
				<Text key={u.host_id} color={color.warn} wrap="truncate-end">
					not validated on {u.host}: {u.packs.join(', ')}
				</Text>
			))}
			{unvalidated.length > MAX_UNVALIDATED ? (
				<Text dimColor>
					… and {unvalidated.length - MAX_UNVALIDATED} more host(s) with packs not validated
				</Text>
			) : null}
			<KeyHelp keys={LIST_KEYS} words={words} />
		</Box>
	);
}

function RowDetail({row: r}: {row: MatrixRow}) {
	return (
		<Box flexDirection="column" marginTop={1}>
			<Text wrap="truncate-end">
				<Text color={statusColor(r.access_status)}>{r.result}</Text>
				{r.failure_class ? ` · failure class ${r.failure_class}` : ''} · access {r.access} ·{' '}
				{r.final ? 'final' : 'trial'} run {r.run_id} · {shortTime(r.at)}
			</Text>
			{r.failure_class ? (
				<Text color={color.fail} wrap="truncate-end">
					next: {nextStep(r.failure_class)}
				</Text>
			) : null}
			<Text dimColor wrap="truncate-middle">
				{r.endpoint === 'official' ? 'official host' : 'relay URL'} {r.base_url}
			</Text>
			<Text dimColor wrap="truncate-middle">
				evidence {r.evidence_dir}
			</Text>
		</Box>
	);
}
