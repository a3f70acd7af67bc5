// The import running, live: one line per step (spinner while it runs; mark, duration and one-line
// message when done; warnings yellow with the reason, failures red with the failure class and what
// to do next). Then the finished screen: batch, provider and access status, the completion preview,
// the evidence folder, and actions. Ctrl-C stops the run cleanly (the batch is marked where it
// stopped).
import React, {useState} from 'react';
import {Box} from 'ink';
import {Text} from '../components/text.js';
import {importProvider, type ImportInput, type ImportResult} from '../../app/import.js';
import {afterImport, retryable, type NextStep} from '../../app/next.js';
import {accessWord, nextStep, resourceLabel} from '../../app/reads.js';
import {useUIActions, useUIState} from '../context.js';
import {ErrorLine} from '../components/error-line.js';
import {Header} from '../components/header.js';
import {KeyHelp, LIST_KEYS} from '../components/key-help.js';
import {SelectList} from '../components/select-list.js';
import {SmokeAgain} from '../components/smoke-again.js';
import {StepList} from '../components/step-list.js';
import {useRun} from '../hooks/use-run.js';
import {useScreenKeys} from '../hooks/use-screen-keys.js';
import {WordLegend, type Words} from '../components/word-legend.js';
import {color, statusColor} from '../theme.js';

type Action = NextStep | 'status' | 'again' | 'home' | 'watch';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The TUI's words for the next steps (the order is decided by source/app). */
function stepItem(step: NextStep, resources: number): {label: string; value: Action} {
	switch (step) {
		case 'rollback':
			return {label: `Roll back (${plural(resources, 'resource')})`, value: step};
		case 'retry':
			return {label: 'Retry', value: step};
		case 'smoke':
			return {label: 'Run the smoke again', value: step};
		case 'reconcile':
			return {label: 'Reconcile this batch', value: step};
		case 'repair':
			return {label: 'Repair this batch', value: step};
		case 'fix_input':
			return {label: 'Change the input', value: step};
	}
}

export function ImportRun({
	input,
	hostName,
	packId,
	onAgain,
	onFix,
}: {
	input: ImportInput;
	hostName: string;
	packId: string;
	/** A new import from the start of the form. */
	onAgain: () => void;
	/** Back to the form with this input, to change it. */
	onFix?: () => void;
}) {
	const {app, stopping} = useUIState();
	const actions = useUIActions();
	const [batchId, setBatchId] = useState<string | null>(null);
	const [attempt, setAttempt] = useState(0);
	const [smoke, setSmoke] = useState(0);
	const {steps, op, finished} = useRun<ImportResult>(
		`── import ${packId} into ${hostName} ──`,
		(run) => importProvider(app, input, {...run, onBatch: setBatchId}),
		{attempt},
	);
	const result = op.result;
	const smoking = smoke > 0 && result !== null;
	const words: Words = result ? wordsOf(result) : [];
	useScreenKeys({list: finished && !smoking, onBack: finished && !smoking ? actions.home : undefined});

	const choose = (action: Action) => {
		const batch = result ? {hostId: result.host_id, batchId: result.batch_id} : null;
		switch (action) {
			case 'smoke':
				return setSmoke((n) => n + 1);
			case 'reconcile':
			case 'rollback':
			case 'repair':
				return actions.push({
					id: 'drift',
					hostId: batch!.hostId,
					batchId: batch!.batchId,
					then: action === 'repair' ? 'reconcile' : action,
				});
			case 'fix_input':
				return (onFix ?? onAgain)();
			case 'status':
				return actions.push({id: 'batch', batchId: result!.batch_id});
			case 'again':
				return onAgain();
			case 'watch':
				return actions.push({id: 'watch', hostId: result!.host_id, batchIds: [result!.batch_id]});
			case 'retry':
				return setAttempt((n) => n + 1);
			case 'home':
				return actions.home();
		}
	};

	return (
		<Box flexDirection="column">
			<Header
				title={
					finished ? `Import of ${packId} into ${hostName}: finished` : `Importing ${packId} into ${hostName}`
				}
				subtitle={batchId ? `batch ${batchId}` : 'preparing the batch'}
			/>
			<StepList running={steps.running} stopping={stopping} />
			{op.phase === 'running' && steps.running.length === 0 ? <Text dimColor>working…</Text> : null}
			{op.phase === 'error' ? (
				<Box flexDirection="column">
					<ErrorLine error={op.error} />
					<SelectList
						items={[
							...(retryable(op.error)
								? [{label: 'Retry', value: 'retry' as Action}]
								: [
										{label: 'Change the input', value: 'fix_input' as Action},
										{label: 'Retry', value: 'retry' as Action},
									]),
							{label: 'Home', value: 'home' as Action},
						]}
						onSelect={choose}
					/>
				</Box>
			) : null}
			{result ? <ResultView result={result} onChoose={choose} actions={!smoking} /> : null}
			{smoking ? <SmokeAgain key={smoke} batchId={result.batch_id} onDone={() => setSmoke(0)} /> : null}
			<KeyHelp keys={finished ? LIST_KEYS : []} words={words} />
		</Box>
	);
}

/** The status words a finished import shows. */
function wordsOf(r: ImportResult): Words {
	const stopped = r.batch_status !== 'succeeded' && r.stopped_by_operator;
	return [
		['batch', stopped ? 'stopped' : r.batch_status],
		['access', accessWord(r.batch_status, r.access_status)],
		['provider', r.provider_status],
		['failure', r.failure_class],
	];
}

function ResultView({
	result: r,
	onChoose,
	actions,
}: {
	result: ImportResult;
	onChoose: (a: Action) => void;
	actions: boolean;
}) {
	const stopped = r.batch_status !== 'succeeded' && r.stopped_by_operator;
	const created = r.resources.length > 0;
	const ready = r.batch_status === 'succeeded';
	return (
		<Box flexDirection="column">
			<Text>
				<Text color={statusColor(r.batch_status)}>{stopped ? 'stopped' : r.batch_status}</Text>
				{' · provider '}
				<Text color={statusColor(r.provider_status)}>{r.provider_status ?? '-'}</Text>
				{' · access '}
				<Text bold color={statusColor(r.access_status)}>
					{accessWord(r.batch_status, r.access_status)}
				</Text>
				{r.probe_advisory ? <Text color={color.warn}> · probe_advisory</Text> : null}
			</Text>
			<WordLegend words={wordsOf(r).slice(0, 2)} max={2} />
			{r.completion_ok ? (
				<Text wrap="truncate-end">
					completion {r.completion_status} ({r.completion_type}) with {r.smoke_model}: “{r.completion_preview}
					”
				</Text>
			) : null}
			{stopped ? (
				<Text color={color.warn} wrap="wrap">
					stopped by the operator during {r.stopped_at_step}; the batch is marked {r.batch_status} at that
					step
					{created
						? ` with ${r.resources.length} resource(s) recorded (roll back to remove them)`
						: ', nothing was created'}
				</Text>
			) : null}
			{r.failure_class ? (
				<Text color={color.fail} wrap="wrap">
					failed at {r.stopped_at_step}: {r.failure_class} — {nextStep(r.failure_class)}
				</Text>
			) : null}
			{created ? (
				<Text dimColor wrap="truncate-end">
					created: {r.resources.map((x) => resourceLabel(x.resource_type, x.host_resource_id)).join(', ')}
				</Text>
			) : null}
			<Text dimColor wrap="truncate-middle">
				evidence {r.artifacts_dir}
			</Text>
			{actions ? (
				<Box marginTop={1}>
					<SelectList
						items={[
							...afterImport({...r, resources: r.resources.length}).map((s) =>
								stepItem(s, r.resources.length),
							),
							{label: 'Open the batch', value: 'status' as Action},
							{label: 'Import another', value: 'again' as Action},
							...(ready ? [{label: 'Keep watching this provider', value: 'watch' as Action}] : []),
							{label: 'Home', value: 'home' as Action},
						]}
						onSelect={onChoose}
					/>
				</Box>
			) : null}
		</Box>
	);
}
