// Smoke again: a finished batch's access smoke once more (source/app smokeAgain), live in one step
// line, then what it found, as recorded in the batch (its access status is updated either way).
import React from 'react';
import {Box} from 'ink';
import {Text} from './text.js';
import {smokeAgain, type SmokeAgainResult} from '../../app/drift.js';
import {useUIState} from '../context.js';
import {useRun} from '../hooks/use-run.js';
import {color} from '../theme.js';
import {ErrorLine} from './error-line.js';
import {SelectList} from './select-list.js';
import {StepLine, StepList} from './step-list.js';

export function SmokeAgain({batchId, onDone}: {batchId: string; onDone: () => void}) {
	const {app, stopping} = useUIState();
	const {steps, op, finished} = useRun<SmokeAgainResult>(
		null,
		(run) => smokeAgain(app, {batch: batchId}, run),
		{
			log: false,
		},
	);
	return (
		<Box flexDirection="column">
			{steps.done.map((s) => (
				<StepLine key={s.key} step={s} />
			))}
			<StepList running={steps.running} stopping={stopping} />
			{finished ? (
				<Box flexDirection="column">
					{op.result ? <SmokeAgainResultLine result={op.result} /> : <ErrorLine error={op.error} />}
					<SelectList items={[{label: 'Back', value: 'back'}]} onSelect={onDone} />
				</Box>
			) : null}
		</Box>
	);
}

function SmokeAgainResultLine({result}: {result: SmokeAgainResult}) {
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
