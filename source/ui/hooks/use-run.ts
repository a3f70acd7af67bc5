// The one way a screen runs an operation of source/app when it mounts (and again on each `attempt`):
// a note in the scrollback log, the run's steps live, its outcome. While it runs the app knows, so
// Ctrl-C stops it cleanly instead of quitting (docs/architecture.md "Views").
import {useEffect, useRef} from 'react';
import type {Run} from '../../app/session.js';
import {useUIActions} from '../context.js';
import {useOperation, type Operation} from './use-operation.js';
import {useSteps} from './use-steps.js';

export interface RunState<T> {
	steps: ReturnType<typeof useSteps>;
	op: Operation<T>;
	finished: boolean;
}

/**
 * Starts `start` once per `attempt` (the first render, then each time the number changes). `note`
 * heads the run's lines in the scrollback log; `log: false` keeps its finished steps on the screen.
 */
export function useRun<T>(
	note: string | null,
	start: (run: Run) => Promise<T>,
	options: {attempt?: number; log?: boolean} = {},
): RunState<T> {
	const actions = useUIActions();
	const steps = useSteps({log: options.log ?? true});
	const op = useOperation<T>();
	const started = useRef(-1);
	const startRef = useRef(start);
	const attempt = options.attempt ?? 0;
	const {sink} = steps;
	const {start: begin} = op;
	useEffect(() => {
		if (started.current === attempt) return;
		started.current = attempt;
		if (note) actions.appendLog({kind: 'note', text: note});
		begin((signal) => startRef.current({sink, signal}));
	}, [attempt, actions, note, begin, sink]);
	return {steps, op, finished: op.phase === 'done' || op.phase === 'error'};
}
