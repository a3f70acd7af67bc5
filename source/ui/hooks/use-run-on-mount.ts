// Starts one operation when a stage mounts, its step events going to the scrollback log (the shape
// the Drift & rollback stages use), so a stage is a view of one application-layer call.
import {useEffect, useRef} from 'react';
import {useUIActions} from '../context.js';
import {useOperation} from './use-operation.js';
import {useSteps} from './use-steps.js';

export function useRunOnMount<T>(
	note: string,
	fn: (sink: ReturnType<typeof useSteps>['sink'], signal: AbortSignal) => Promise<T>,
) {
	const actions = useUIActions();
	const steps = useSteps({log: true});
	const op = useOperation<T>();
	const started = useRef(false);
	const fnRef = useRef(fn);
	const {sink} = steps;
	const {start} = op;
	useEffect(() => {
		if (started.current) return;
		started.current = true;
		actions.appendLog({kind: 'note', text: note});
		start((signal) => fnRef.current(sink, signal));
	}, [actions, note, start, sink]);
	return {steps, op};
}
