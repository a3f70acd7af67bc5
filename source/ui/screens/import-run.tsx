// The import running, live: one line per step (spinner while it runs; mark, duration and one-line
// message when done; warnings yellow with the reason, failures red with the failure class and what
// to do next). Then the finished screen: batch, provider and access status, the completion preview,
// the evidence folder, and actions. Ctrl-C stops the run cleanly (the batch is marked where it
// stopped).
import React, {useEffect, useRef, useState} from 'react';
import {Box} from 'ink';
import {Text} from '../components/text.js';
import {NEXT_STEP} from '../../core/pipeline/failure.js';
import {useUIActions, useUIState} from '../context.js';
import {
	errorKind,
	errorText,
	smokeAgain,
	startImport,
	type ImportRequest,
	type ImportResult,
	type SmokeOutcome,
} from '../engine.js';
import {Header} from '../components/header.js';
import {KeyHelp, LIST_KEYS} from '../components/key-help.js';
import {SelectList} from '../components/select-list.js';
import {RunningLines, StepLine, StepList} from '../components/step-list.js';
import {useOperation} from '../hooks/use-operation.js';
import {useScreenKeys} from '../hooks/use-screen-keys.js';
import {useSteps} from '../hooks/use-steps.js';
import {color, statusColor} from '../theme.js';

type Action = 'smoke' | 'reconcile' | 'rollback' | 'status' | 'again' | 'home' | 'retry';

export function ImportRun({
	request,
	hostName,
	packId,
	onAgain,
}: {
	request: ImportRequest;
	hostName: string;
	packId: string;
	onAgain: () => void;
}) {
	const {config, stopping} = useUIState();
	const actions = useUIActions();
	const steps = useSteps({log: true});
	const op = useOperation<ImportResult>();
	const [batchId, setBatchId] = useState<string | null>(null);
	const [attempt, setAttempt] = useState(0);
	const [smoke, setSmoke] = useState(0);
	const started = useRef(-1);
	const {sink} = steps;
	const {start} = op;

	useEffect(() => {
		if (started.current === attempt) return;
		started.current = attempt;
		actions.appendLog({kind: 'note', text: `── import ${packId} into ${hostName} ──`});
		start((signal) =>
			startImport(config, {request, sink, signal, operator: actions.operator, onBatch: setBatchId}),
		);
	}, [attempt, start, config, request, sink, actions, packId, hostName]);

	const finished = op.phase === 'done' || op.phase === 'error';
	const result = op.result;
	const smoking = smoke > 0 && result !== null;
	useScreenKeys({list: finished && !smoking, onBack: finished && !smoking ? actions.home : undefined});

	const choose = (action: Action) => {
		switch (action) {
			case 'smoke':
				return setSmoke((n) => n + 1);
			case 'reconcile':
				return actions.push({
					id: 'drift',
					hostId: result!.host_id,
					batchId: result!.batch_id,
					then: 'reconcile',
				});
			case 'rollback':
				return actions.push({
					id: 'drift',
					hostId: result!.host_id,
					batchId: result!.batch_id,
					then: 'rollback',
				});
			case 'status':
				return actions.push({id: 'batch', batchId: result!.batch_id});
			case 'again':
				return onAgain();
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
					<Text color={color.fail} wrap="wrap">
						✗ {errorText(op.error)}
					</Text>
					{errorKind(op.error) === 'state_locked' ? (
						<Text dimColor>
							Another crm holds the data folder; nothing was started. Try again when it ends.
						</Text>
					) : null}
					<SelectList
						items={[
							{label: 'Try again', value: 'retry' as Action},
							{label: 'Home', value: 'home' as Action},
						]}
						onSelect={choose}
					/>
				</Box>
			) : null}
			{result ? <ResultView result={result} onChoose={choose} actions={!smoking} /> : null}
			{smoking ? (
				<SmokeAgain
					key={smoke}
					batch={{
						batch_id: result.batch_id,
						host_id: result.host_id,
						access_mode: result.access_mode,
						smoke_model: result.smoke_model,
					}}
					onDone={() => setSmoke(0)}
				/>
			) : null}
			<KeyHelp keys={finished ? LIST_KEYS : []} />
		</Box>
	);
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
	const ready = r.batch_status === 'succeeded';
	const stopped = !ready && r.failure_class === null && r.stopped_at_step !== null;
	return (
		<Box flexDirection="column">
			<Text>
				<Text color={statusColor(r.batch_status)}>{r.batch_status}</Text>
				{' · provider '}
				<Text color={statusColor(r.provider_status)}>{r.provider_status ?? '-'}</Text>
				{' · access '}
				<Text bold color={statusColor(r.access_status)}>
					{r.access_status}
				</Text>
				{r.probe_advisory ? <Text color={color.warn}> · probe_advisory</Text> : null}
			</Text>
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
					{r.resources.length
						? ` with ${r.resources.length} resource(s) recorded (roll back to remove them)`
						: ', nothing was created'}
				</Text>
			) : null}
			{r.failure_class ? (
				<Text color={color.fail} wrap="wrap">
					failed at {r.stopped_at_step}: {r.failure_class} — {NEXT_STEP[r.failure_class]}
				</Text>
			) : null}
			{r.resources.length ? (
				<Text dimColor wrap="truncate-end">
					created: {r.resources.map((x) => `${x.resource_type} ${x.host_resource_id ?? '?'}`).join(', ')}
				</Text>
			) : null}
			<Text dimColor wrap="truncate-middle">
				evidence {r.artifacts_dir}
			</Text>
			{actions ? (
				<Box marginTop={1}>
					<SelectList
						items={[
							...(r.resources.length ? [{label: 'Run the smoke again', value: 'smoke' as Action}] : []),
							...(r.resources.length ? [{label: 'Reconcile this batch', value: 'reconcile' as Action}] : []),
							...(r.resources.length ? [{label: 'Roll back this batch', value: 'rollback' as Action}] : []),
							{label: 'Import another', value: 'again' as Action},
							{label: 'Home', value: 'home' as Action},
						]}
						onSelect={onChoose}
					/>
				</Box>
			) : null}
		</Box>
	);
}

/** Runs a finished batch's access smoke again, live, in one step line. */
export function SmokeAgain({
	batch,
	onDone,
}: {
	batch: {
		batch_id: string;
		host_id: string;
		access_mode: 'self_service' | 'subscription';
		smoke_model: string | null;
	};
	onDone: () => void;
}) {
	const {config, stopping} = useUIState();
	const steps = useSteps();
	const op = useOperation<SmokeOutcome>();
	const started = useRef(false);
	const {sink} = steps;
	const {start} = op;
	useEffect(() => {
		if (started.current) return;
		started.current = true;
		start((signal) => smokeAgain(config, batch, sink, signal));
	}, [start, config, batch, sink]);
	const finished = op.phase === 'done' || op.phase === 'error';
	return (
		<Box flexDirection="column">
			{steps.done.map((s) => (
				<StepLine key={s.key} step={s} />
			))}
			<RunningLines running={steps.running} stopping={stopping} />
			{finished ? (
				<Box flexDirection="column">
					<SmokeAgainResult phase={op.phase} result={op.result} error={op.error} />
					<SelectList items={[{label: 'Back', value: 'back'}]} onSelect={onDone} />
				</Box>
			) : null}
		</Box>
	);
}

/** The smoke's outcome, as recorded in the batch (its access status is updated either way). */
function SmokeAgainResult({
	phase,
	result,
	error,
}: {
	phase: string;
	result: SmokeOutcome | null;
	error: unknown;
}) {
	if (phase === 'error' || !result) return <Text color={color.fail}>✗ {errorText(error)}</Text>;
	if (result.access_status.endsWith('_ready'))
		return (
			<Text color={color.ok} wrap="truncate-end">
				✓ the smoke passed again: {result.access_status}, completion {result.completion_status} (recorded)
			</Text>
		);
	return (
		<Text color={color.fail} wrap="wrap">
			✗ the smoke failed this time: access {result.access_status}
			{result.last_error ? ` (${result.last_error.message})` : ''}; recorded in the batch. Reconcile or repair
			from {'Drift & rollback'}.
		</Text>
	);
}
