// Engine step events -> what the StepList shows: finished steps (append-only, for <Static>) and the
// steps running now (with their latest progress message).
import {useCallback, useReducer} from 'react';
import type {StepEvent, StepOutcome} from '../../core/pipeline/events.js';
import type {FailureClass} from '../../store/schema.js';
import {useUIActions} from '../context.js';

export interface StepView {
	key: string;
	name: string;
	status: 'running' | StepOutcome;
	message: string;
	durationMs: number | null;
	failureClass: FailureClass | null;
}

interface StepsState {
	done: StepView[];
	running: StepView[];
}

function reducer(state: StepsState, event: StepEvent): StepsState {
	switch (event.type) {
		case 'start':
			return {
				...state,
				running: [
					...state.running.filter((s) => s.name !== event.step),
					{
						key: `${event.step}-${event.at}`,
						name: event.step,
						status: 'running',
						message: '',
						durationMs: null,
						failureClass: null,
					},
				],
			};
		case 'progress':
			return {
				...state,
				running: state.running.map((s) => (s.name === event.step ? {...s, message: event.message} : s)),
			};
		case 'end':
			return {
				running: state.running.filter((s) => s.name !== event.step),
				done: [
					...state.done,
					{
						key: `${event.step}-${state.done.length}`,
						name: event.step,
						status: event.status,
						message: event.message,
						durationMs: event.duration_ms,
						failureClass: event.failure_class,
					},
				],
			};
		default:
			return state;
	}
}

/**
 * The steps of one run. With `log`, each finished step also goes to the app's scrollback log (the
 * root's single <Static>), which is how a run's finished lines stay above whatever comes next.
 */
export function useSteps(options: {log?: boolean} = {}): StepsState & {sink: (event: StepEvent) => void} {
	const {appendLog} = useUIActions();
	const log = options.log ?? false;
	const [state, dispatch] = useReducer(reducer, {done: [], running: []});
	const sink = useCallback(
		(event: StepEvent) => {
			dispatch(event);
			if (log && event.type === 'end') {
				appendLog({
					kind: 'step',
					step: {
						key: event.step,
						name: event.step,
						status: event.status,
						message: event.message,
						durationMs: event.duration_ms,
						failureClass: event.failure_class,
					},
				});
			}
		},
		[appendLog, log],
	);
	return {...state, sink};
}
