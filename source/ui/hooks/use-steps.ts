// The steps of one run, from its event stream (ui/steps.ts). With `log`, each finished step also
// goes to the app's scrollback log (the root's single <Static>), which is how a run's finished lines
// stay above whatever comes next.
import {useCallback, useReducer} from 'react';
import type {StepEvent} from '../../core/pipeline/events.js';
import {useUIActions} from '../context.js';
import {endedStep, stepsReducer, type StepsState} from '../steps.js';

export type {StepView} from '../steps.js';

export function useSteps(options: {log?: boolean} = {}): StepsState & {sink: (event: StepEvent) => void} {
	const {appendLog} = useUIActions();
	const log = options.log ?? false;
	const [state, dispatch] = useReducer(stepsReducer, {done: [], running: []});
	const sink = useCallback(
		(event: StepEvent) => {
			dispatch(event);
			if (log && event.type === 'end') appendLog({kind: 'step', step: endedStep(event, event.step)});
		},
		[appendLog, log],
	);
	return {...state, sink};
}
