// The keys every screen shares: Esc back (or closes the key help), `?` toggles the key help, `q`
// quits from lists. Inactive while an operator prompt is open, and `?`/`q` stay out of text fields.
import type {Key} from 'ink';
import {useUIActions, useUIState} from '../context.js';
import {useKeys} from './use-keys.js';

export interface ScreenKeys {
	/** Esc; omit where Esc must not go back (a running operation). */
	onBack?: () => void;
	/** A list screen: `q` quits. */
	list?: boolean;
	/** A text field has the focus: `?` and `q` are typed, not commands. */
	text?: boolean;
	isActive?: boolean;
	/** Screen keys; return true when handled. */
	onKey?: (input: string, key: Key) => boolean | void;
}

export function useScreenKeys(options: ScreenKeys): void {
	const {prompt, helpOpen, running} = useUIState();
	const actions = useUIActions();
	useKeys(
		(input, key) => {
			if (key.ctrl && input === 'c') return; // the app root owns Ctrl-C
			if (key.escape) {
				if (helpOpen) actions.toggleHelp(false);
				else options.onBack?.();
				return;
			}
			if (options.onKey?.(input, key)) return;
			if (options.text) return;
			if (input === '?') actions.toggleHelp();
			else if (input === 'q' && options.list && !running) actions.quit(0);
		},
		{isActive: options.isActive !== false && !prompt},
	);
}
