// Live progress of a run (docs/architecture.md "The event stream"): finished steps go to the
// scrollback log (<Static>: printed once, kept above); the running ones draw a spinner with their
// latest progress message.
import React from 'react';
import {Box, Static} from 'ink';
import {Text} from './text.js';
import Spinner from 'ink-spinner';
import {nextStep} from '../../app/reads.js';
import type {LogEntry, StepView} from '../steps.js';
import {color, mark, outcomeColor, seconds} from '../theme.js';

export function StepLine({step}: {step: StepView}) {
	if (step.status === 'running') return null;
	const name = step.name.padEnd(15);
	const took = seconds(step.durationMs).padStart(6);
	const tint = outcomeColor[step.status];
	const long = step.status === 'warn' || step.status === 'fail';
	return (
		<Box flexDirection="column">
			<Text color={tint} dimColor={step.status === 'skipped'} wrap={long ? 'wrap' : 'truncate-end'}>
				{mark[step.status]} {name} {took} {step.message}
			</Text>
			{step.status === 'fail' && step.failureClass ? (
				<Text color={color.fail} wrap="wrap">
					{'  '}
					{step.failureClass}: {nextStep(step.failureClass)}
				</Text>
			) : null}
		</Box>
	);
}

/** The live part of a run: its running steps (finished ones are in the root's scrollback log). */
export function StepList({running, stopping}: {running: StepView[]; stopping?: boolean}) {
	return (
		<Box flexDirection="column">
			{running.map((s) => (
				<Text key={s.key} wrap="truncate-end">
					<Text color={color.accent}>
						<Spinner type="dots" />
					</Text>{' '}
					{s.name.padEnd(15)} <Text dimColor>{stopping ? 'stopping…' : s.message || 'running'}</Text>
				</Text>
			))}
		</Box>
	);
}

/**
 * The one <Static> of the app, mounted for the app's whole life: Ink 6.8 keeps a dangling pointer
 * to an unmounted <Static> (vadimdemedes/ink#904), so screens never mount their own.
 */
export function ScrollbackLog({log}: {log: LogEntry[]}) {
	return (
		<Static items={log}>
			{(entry) =>
				entry.kind === 'step' ? (
					<StepLine key={entry.key} step={entry.step} />
				) : (
					<Text key={entry.key} color={entry.color} bold>
						{entry.text}
					</Text>
				)
			}
		</Static>
	);
}
