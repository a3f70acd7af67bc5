// The end of an acceptance run in the TUI: the verdict, each mode's batch with its reconcile, the
// errors and what to do next, the evidence folder and its numbered files (or what each holds), and
// the actions: keep it as final evidence, the validation matrix, run it again, home. The batch rows
// head the list of actions (↑ from the first action reaches them): Enter on one opens that batch.
import React, {useState} from 'react';
import {Box} from 'ink';
import {Text} from '../components/text.js';
import type {AcceptanceResult} from '../../app/acceptance.js';
import {evidenceGuide, keepEvidence, type RunView} from '../../app/evidence.js';
import {isTransientClass} from '../../app/next.js';
import {accessWord, nextStep, resultKind} from '../../app/reads.js';
import {useUIActions, useUIState} from '../context.js';
import {errorText} from '../components/error-line.js';
import {SelectList} from '../components/select-list.js';
import {cell, columns, row, TableHeader, useFitted, type Column} from '../components/table.js';
import type {Operation} from '../hooks/use-operation.js';
import {color, statusColor} from '../theme.js';
import {WordLegend, type Words} from '../components/word-legend.js';

type Action = 'keep' | 'guide' | 'matrix' | 'again' | 'home' | `rollback:${string}` | `open:${string}`;

const BATCH_COLUMNS = columns('MODE:12, BATCH:23, STATUS:9, ACCESS:18+, RECONCILE:9');

/** The guide's entries for the files this run wrote (`<mode>` matches either mode). */
function guideFor(guide: Array<[string, string]>, files: string[]): Array<[string, string]> {
	return guide.filter(([name]) => {
		const re = new RegExp(`^${name.replace(/[.]/g, '\\.').replace('<mode>', '[a-z_]+')}$`);
		return files.some((f) => re.test(f));
	});
}

/** The verdict's words: the run's result and its access. */
export function resultWords(r: AcceptanceResult): Words {
	return [
		[resultKind(r.result), r.result],
		['access', r.access_status],
	];
}

function Verdict({result: r}: {result: AcceptanceResult}) {
	const stopped = r.result === 'stopped';
	return (
		<Text>
			{r.result === 'ready' ? (
				<Text color={color.ok}>✓ ready</Text>
			) : (
				<Text color={stopped ? color.warn : color.fail}>✗ {r.result}</Text>
			)}
			{' · access '}
			<Text bold color={statusColor(r.access_status)}>
				{r.access_status}
			</Text>
			<Text dimColor>
				{' '}
				· sub2api {r.host_version ?? 'unknown'} · tool {r.tool_version}
			</Text>
		</Text>
	);
}

/** The run's batches as rows of the action list: Enter opens the batch. */
function batchItems(r: AcceptanceResult, cols: Column[]) {
	return r.batches.map((b) => ({
		key: b.batch_id,
		label: row(
			[
				b.access_mode,
				b.batch_id,
				b.batch_status,
				accessWord(b.batch_status, b.access_status),
				b.reconcile_status,
			],
			cols,
		),
		value: `open:${b.batch_id}` as Action,
		color: statusColor(b.access_status),
	}));
}

/** What went wrong and what to do next. */
function Problems({result: r}: {result: AcceptanceResult}) {
	return (
		<Box flexDirection="column">
			{r.errors.map((e, i) => (
				<Text key={i} color={color.fail} wrap="truncate-end">
					{'  '}
					{e.step}
					{e.access_mode ? ` (${e.access_mode})` : ''}: {e.failure_class}: {e.message}
				</Text>
			))}
			{r.failure_class ? (
				<Text color={color.fail} wrap="wrap">
					next: {nextStep(r.failure_class)}
				</Text>
			) : null}
			{r.result === 'stopped' ? (
				<Text color={color.warn} wrap="wrap">
					stopped by the operator; the evidence folder records how far it got
				</Text>
			) : null}
		</Box>
	);
}

export function AcceptanceResultView({
	result: r,
	keep,
	onAgain,
}: {
	result: AcceptanceResult;
	keep: Operation<RunView>;
	onAgain: () => void;
}) {
	const {app} = useUIState();
	const actions = useUIActions();
	const [guide, setGuide] = useState<Array<[string, string]> | null>(null);
	const cols = useFitted(BATCH_COLUMNS);
	const busy = keep.phase === 'running';
	const kept = keep.result;
	const ready = r.result === 'ready';
	// A run that did not prove ready offers to remove what it made (never to keep it as final
	// evidence); one that failed for a passing reason offers to run again first.
	const leftovers = ready
		? []
		: r.batches.filter((b) => b.batch_status !== 'rolled_back' && b.resources.length > 0);
	const againFirst =
		!ready && leftovers.length === 0 && (r.result === 'stopped' || isTransientClass(r.failure_class));
	const choose = (action: Action) => {
		if (action.startsWith('open:')) actions.push({id: 'batch', batchId: action.slice('open:'.length)});
		else if (action.startsWith('rollback:')) {
			const batch = r.batches.find((b) => b.batch_id === action.slice('rollback:'.length))!;
			actions.push({id: 'drift', hostId: batch.host_id, batchId: batch.batch_id, then: 'rollback'});
		} else if (action === 'keep') keep.start(() => keepEvidence(app, {run: r.run_id}));
		else if (action === 'guide') {
			if (guide) setGuide(null);
			else void evidenceGuide().then(setGuide);
		} else if (action === 'matrix') actions.push({id: 'matrix'});
		else if (action === 'again') onAgain();
		else actions.home();
	};
	const choices = [
		...leftovers.map((b) => ({
			label: `Roll back the ${b.access_mode} batch (${b.resources.length} resource${b.resources.length === 1 ? '' : 's'})`,
			value: `rollback:${b.batch_id}` as Action,
		})),
		...(againFirst ? [{label: 'Run it again', value: 'again' as Action}] : []),
		...(kept || !ready ? [] : [{label: 'Keep it as final evidence', value: 'keep' as Action}]),
		{label: guide ? 'Show the file list' : 'What each file holds', value: 'guide' as Action},
		{label: 'Validation matrix', value: 'matrix' as Action},
		...(againFirst ? [] : [{label: 'Run it again', value: 'again' as Action}]),
		{label: 'Home', value: 'home' as Action},
	];
	return (
		<Box flexDirection="column">
			<Verdict result={r} />
			<WordLegend words={resultWords(r)} max={2} />
			<Problems result={r} />
			<Text wrap="truncate-middle">evidence {r.evidence_dir}</Text>
			{guide ? (
				guideFor(guide, r.files).map(([name, what]) => (
					<Text key={name} dimColor wrap="truncate-end">
						{'  '}
						{cell(name, 26)} {what}
					</Text>
				))
			) : (
				<Text dimColor wrap="wrap">
					files: {r.files.join(' · ')}
				</Text>
			)}
			{kept ? <Text color={color.ok}>✓ kept as final evidence in {kept.evidence_dir}</Text> : null}
			{keep.phase === 'error' ? <Text color={color.fail}>✗ {errorText(keep.error)}</Text> : null}
			{busy ? <Text dimColor>marking it final…</Text> : null}
			<Box flexDirection="column" marginTop={1}>
				{r.batches.length ? <TableHeader columns={cols} indent={2} /> : null}
				{busy ? (
					batchItems(r, cols).map((b) => (
						<Text key={b.key} color={b.color} wrap="truncate-end">
							{'  '}
							{b.label}
						</Text>
					))
				) : (
					<SelectList
						items={[...batchItems(r, cols), ...choices]}
						initialIndex={r.batches.length}
						onSelect={choose}
					/>
				)}
			</Box>
		</Box>
	);
}
