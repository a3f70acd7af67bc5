// Runs one engine operation (async, under an AbortSignal) and tracks its phase. While it runs the
// app knows, so Ctrl-C aborts it and waits for the engine to stop cleanly instead of quitting.
import {useCallback, useEffect, useRef, useState} from 'react';
import {useUIActions} from '../context.js';

export type Phase = 'idle' | 'running' | 'done' | 'error';

export interface Operation<T> {
	phase: Phase;
	result: T | null;
	error: unknown;
	start: (fn: (signal: AbortSignal) => Promise<T>) => void;
	reset: () => void;
}

export function useOperation<T>(): Operation<T> {
	const actions = useUIActions();
	const [phase, setPhase] = useState<Phase>('idle');
	const [result, setResult] = useState<T | null>(null);
	const [error, setError] = useState<unknown>(null);
	const mounted = useRef(true);
	useEffect(() => {
		mounted.current = true;
		return () => {
			mounted.current = false;
		};
	}, []);

	const start = useCallback(
		(fn: (signal: AbortSignal) => Promise<T>) => {
			const controller = new AbortController();
			const end = actions.beginRun(() => controller.abort());
			setPhase('running');
			setError(null);
			setResult(null);
			fn(controller.signal)
				.then(
					(value) => {
						if (!mounted.current) return;
						setResult(value);
						setPhase('done');
					},
					(failure: unknown) => {
						if (!mounted.current) return;
						setError(failure);
						setPhase('error');
					},
				)
				.finally(() => {
					end();
					void actions.reload();
				});
		},
		[actions],
	);

	const reset = useCallback(() => {
		setPhase('idle');
		setResult(null);
		setError(null);
	}, []);

	return {phase, result, error, start, reset};
}
