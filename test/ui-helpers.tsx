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
	/** Moves the highlight down (wrapping) until `❯ label` shows, then presses Enter. */
	choose: (label: string) => Promise<void>;
	/** Types text as one chunk (as a paste would arrive). */
	type: (text: string) => Promise<void>;
	/**
	 * Waits for a frame; then lets the new screen's key handlers attach before the next key (unless
	 * `settle: false`, which returns on the very frame, for tests of keys typed ahead).
	 */
	waitFor: (
		match: string | RegExp | ((frame: string) => boolean),
		timeoutMs?: number,
		options?: {settle?: boolean},
	) => Promise<string>;
	/**
	 * Writes `keys` right after the first frame matching `match` is drawn (a microtask later: before
	 * React has run the new screen's effects), as a fast operator or a paste would.
	 */
	typeOnFrame: (match: string, keys: string) => Promise<void>;
	/** Resizes the fake terminal (Ink re-lays out on resize). */
	resize: (columns: number, rows: number) => void;
	frames: string[];
	stdin: {write: (data: string) => void};
	unmount: () => void;
	/** Unmounts, then stops a sandbox the session started. */
	close: () => Promise<void>;
}

export function renderTui(
	options: {
		dataDir?: string;
		initialScreen?: Screen;
		session?: TuiSession;
		timing?: Partial<typeof FAST>;
	} = {},
): Tui {
	const app = new Session({
		dataDir: options.dataDir ?? tempData(),
		timing: {...FAST, ...options.timing},
		actor: 'crm tui',
	});
	const session = options.session ?? new TuiSession();
	const instance = render(<App app={app} session={session} initialScreen={options.initialScreen} />);
	const frame = () => instance.lastFrame() ?? '';
	let unmounted = false;
	const unmount = () => {
		if (unmounted) return;
		unmounted = true;
		instance.unmount();
	};
	const onFrame: Array<(frame: string) => boolean> = [];
	const stdout = instance.stdout as unknown as {write: (frame: string) => void};
	const write = stdout.write;
	stdout.write = (f: string) => {
		write(f);
		for (let i = onFrame.length - 1; i >= 0; i--) if (onFrame[i]!(f)) onFrame.splice(i, 1);
	};
	const tui: Tui = {
		app,
		typeOnFrame: async (match, keys) =>
			new Promise<void>((resolve) => {
				onFrame.push((f) => {
					if (!f.includes(match)) return false;
					queueMicrotask(() => {
						instance.stdin.write(keys);
						resolve();
					});
					return true;
				});
			}),
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
		choose: async (label) => {
			for (let i = 0; i < 40; i++) {
				if (frame().includes(`❯ ${label}`)) {
					await tui.press(KEY.enter);
					return;
				}
				await tui.press(KEY.down);
			}
			throw new Error(`no item ${label} to choose; last frame:\n${frame()}`);
		},
		type: async (text) => {
			instance.stdin.write(text);
			await sleep(40);
		},
		waitFor: async (match, timeoutMs = 15_000, options = {}) => {
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
					if (options.settle === false) return f;
					// Ink draws a frame on commit; the new screen's key handlers attach in passive
					// effects just after. Let them run before the next key is sent.
					await new Promise((resolve) => setImmediate(resolve));
					await sleep(20);
					return f;
				}
				if (Date.now() > deadline) {
					throw new Error(`timed out waiting for ${String(match)}; last frame:\n${f}`);
				}
				await sleep(options.settle === false ? 1 : 25);
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

/** Registers a sandbox as host `name` in a data folder (reads only on the sandbox); its host id. */
export async function registerLab(
	dataDir: string,
	sb: {info: {host_url: string; admin_api_key: string}},
	name = 'lab',
): Promise<string> {
	const [{registerHost}, {StateStore}] = await Promise.all([
		import('../source/core/hosts/register.js'),
		import('../source/store/state-store.js'),
	]);
	const store = await StateStore.open(dataDir, {lock: {command: 'test'}});
	try {
		const host = await registerHost(
			store,
			{name, url: sb.info.host_url, credential: {type: 'admin_api_key', key: sb.info.admin_api_key}},
			{operator: {}},
		);
		return host.host_id;
	} finally {
		store.release();
	}
}

/** Every line of the frame fits `columns` (what a terminal that wide shows without wrapping). */
export function fitsWidth(frame: string, columns: number): string[] {
	return frame.split('\n').filter((l) => stripAnsi(l).length > columns);
}

/** The screen sizes every screen is checked at: the smallest supported and a wide one. */
export const SIZES: Array<[number, number]> = [
	[80, 24],
	[160, 45],
];

/**
 * From the import form's pack stage (one host chosen): the first pack (deepseek) at the sandbox's
 * fake upstream with `key`, the first access mode (subscription), the plan, then Start.
 */
export async function importThroughForm(
	tui: Tui,
	upstream: {base_url: string; api_key: string},
	key = upstream.api_key,
): Promise<void> {
	await tui.waitFor('Which provider pack?');
	await tui.press(KEY.enter);
	await tui.waitFor('Provider base URL:');
	for (let i = 0; i < 'https://api.deepseek.com'.length; i++) tui.stdin.write(KEY.backspace);
	await sleep(60);
	await tui.type(upstream.base_url);
	await tui.press(KEY.enter);
	await tui.waitFor('Provider key:');
	await tui.type(key);
	await tui.press(KEY.enter);
	await tui.waitFor('Access mode:');
	await tui.press(KEY.enter);
	await tui.waitFor('Start the import');
	await tui.press(KEY.enter);
}

/**
 * From the acceptance form's pack stage (one host chosen): deepseek at the sandbox's fake upstream,
 * the subscription mode alone (one batch), then Start.
 */
export async function acceptThroughForm(
	tui: Tui,
	upstream: {base_url: string; api_key: string},
): Promise<void> {
	await tui.waitFor('Which provider pack?');
	await tui.press(KEY.enter);
	await tui.waitFor('Provider base URL:');
	for (let i = 0; i < 'https://api.deepseek.com'.length; i++) tui.stdin.write(KEY.backspace);
	await tui.waitFor('Provider base URL: █');
	await tui.type(upstream.base_url);
	await tui.waitFor('✓ looks right');
	await tui.press(KEY.enter);
	await tui.waitFor('Provider key:');
	await tui.type(upstream.api_key);
	await tui.press(KEY.enter);
	await tui.waitFor('Access mode(s) to prove:');
	await tui.press(KEY.down, KEY.enter); // subscription
	await tui.waitFor('Start the acceptance run');
	await tui.press(KEY.enter);
}
