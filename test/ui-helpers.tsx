// Shared by the ui-*.test.tsx files: renders the real App with ink-testing-library, sends keys
// through its stdin and waits for frames. Every render must be unmounted (ink keeps the loop alive).
import {mkdtempSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import React from 'react';
import {render} from 'ink-testing-library';
import {App} from '../source/ui/app.js';
import {TuiSession, type Screen} from '../source/ui/context.js';
import {Session} from '../source/app/session.js';

export const KEY = {
	enter: '\r',
	escape: '\u001B',
	up: '\u001B[A',
	down: '\u001B[B',
	right: '\u001B[C',
	left: '\u001B[D',
	pageDown: '\u001B[6~',
	pageUp: '\u001B[5~',
	home: '\u001B[H',
	end: '\u001B[F',
	backspace: '\u007F',
	ctrlC: '\u0003',
	tab: '\t',
} as const;

export const FAST = {requestTimeoutMs: 5000, smokeRetryMs: 3000, smokeRetryIntervalMs: 100};

export function tempData(label = 'crm-ui'): string {
	return mkdtempSync(path.join(tmpdir(), `${label}-`));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface Tui {
	/** The application session the TUI runs with (its data folder, packs, timing). */
	app: Session;
	session: TuiSession;
	frame: () => string;
	/** Sends keys one at a time, letting Ink render between them. */
	press: (...keys: string[]) => Promise<void>;
	/** Types text as one chunk (as a paste would arrive). */
	type: (text: string) => Promise<void>;
	waitFor: (match: string | RegExp | ((frame: string) => boolean), timeoutMs?: number) => Promise<string>;
	/** Resizes the fake terminal (Ink re-lays out on resize). */
	resize: (columns: number, rows: number) => void;
	frames: string[];
	stdin: {write: (data: string) => void};
	unmount: () => void;
	/** Unmounts, then stops a sandbox the session started. */
	close: () => Promise<void>;
}

export function renderTui(
	options: {dataDir?: string; initialScreen?: Screen; session?: TuiSession} = {},
): Tui {
	const app = new Session({dataDir: options.dataDir ?? tempData(), timing: FAST, actor: 'crm tui'});
	const session = options.session ?? new TuiSession();
	const instance = render(<App app={app} session={session} initialScreen={options.initialScreen} />);
	const frame = () => instance.lastFrame() ?? '';
	let unmounted = false;
	const unmount = () => {
		if (unmounted) return;
		unmounted = true;
		instance.unmount();
	};
	const tui: Tui = {
		app,
		session,
		frame,
		frames: instance.frames,
		stdin: instance.stdin,
		press: async (...keys) => {
			for (const key of keys) {
				instance.stdin.write(key);
				// a lone Esc is held briefly by Ink's input parser (it may start a sequence)
				await sleep(key === KEY.escape ? 120 : 40);
			}
		},
		type: async (text) => {
			instance.stdin.write(text);
			await sleep(40);
		},
		waitFor: async (match, timeoutMs = 15_000) => {
			const test =
				typeof match === 'function'
					? match
					: typeof match === 'string'
						? (f: string) => f.includes(match)
						: (f: string) => match.test(f);
			const deadline = Date.now() + timeoutMs;
			for (;;) {
				const f = frame();
				if (test(f)) {
					// Ink draws a frame on commit; the new screen's key handlers attach in passive
					// effects just after. Let them run before the next key is sent.
					await new Promise((resolve) => setImmediate(resolve));
					await sleep(20);
					return f;
				}
				if (Date.now() > deadline) {
					throw new Error(`timed out waiting for ${String(match)}; last frame:\n${f}`);
				}
				await sleep(25);
			}
		},
		resize: (columns, rows) => {
			Object.defineProperty(instance.stdout, 'columns', {value: columns, configurable: true});
			Object.defineProperty(instance.stdout, 'rows', {value: rows, configurable: true});
			instance.stdout.emit('resize');
		},
		unmount,
		close: async () => {
			unmount();
			await session.close();
		},
	};
	return tui;
}

/** The live part of a frame (what is below the scrollback log), as lines. */
export function lines(frame: string): string[] {
	return frame.split('\n');
}

// eslint-disable-next-line no-control-regex
export const stripAnsi = (s: string) => s.replace(/\u001B\[[0-9;?]*[A-Za-z]/g, '');
