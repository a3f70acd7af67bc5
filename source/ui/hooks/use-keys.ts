// `useInput` for every component that owns keys (screens, lists, fields, prompts), through the key
// gate (ui/key-gate.ts): the component counts as drawn-but-not-listening from the commit that shows
// it until its handler is attached, so keys typed in between are held and replayed, not lost. The
// handler is stable (the latest one is called through a ref updated at commit), so Ink never
// re-subscribes it and a key never reaches the handler of an earlier render; once the component is
// gone its handler ignores what still reaches it.
import {useCallback, useEffect, useLayoutEffect, useRef, useState} from 'react';
import {useInput, useStdin, type Key} from 'ink';
import {useUIActions} from '../context.js';

export function useKeys(
	handler: (input: string, key: Key) => void,
	options: {isActive?: boolean} = {},
): void {
	const {keyGate: gate} = useUIActions();
	const active = options.isActive !== false;
	const [id] = useState(() => Symbol('keys'));
	const latest = useRef(handler);
	const gone = useRef(false);
	useLayoutEffect(() => {
		latest.current = handler;
	});
	// An inactive owner still counts as listening: what reaches it is dropped on purpose (a key
	// pressed during a run is not replayed after it). Turning active draws it again until attached.
	useLayoutEffect(() => {
		gone.current = false;
		gate.draw(id);
		return () => {
			gone.current = true;
			gate.leave(id);
		};
	}, [gate, id, active]);
	const stable = useCallback(
		(input: string, key: Key) => {
			if (gone.current || gate.swallowed) return;
			latest.current(input, key);
		},
		[gate],
	);
	useInput(stable, {isActive: active});
	// Declared after useInput: runs once its listener is attached.
	useEffect(() => {
		gate.ready(id);
	}, [gate, id, active]);
}

/**
 * The root's side of the gate (mounted once, before any screen): it sees every raw input first, and
 * the gate holds what no owner is listening for yet and replays it to every handler once one is.
 * Ctrl-C is never held: it always stops the running operation or quits.
 */
export function useKeyGateRoot(): void {
	const {keyGate: gate} = useUIActions();
	const {internal_eventEmitter: input} = useStdin();
	useEffect(() => {
		const offer = (data: string) => {
			if (data !== '\u0003') gate.offer(data);
		};
		input.prependListener('input', offer);
		gate.attach((data) => input.emit('input', data));
		return () => {
			gate.attach(null);
			input.off('input', offer);
		};
	}, [input, gate]);
}
