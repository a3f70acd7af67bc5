// Runs a command under a pseudo-terminal (util-linux `script`) so the TUI sees a terminal, and times
// until given texts appear on screen. Keys can be sent when a text appears; the session ends with
// `q` (the TUI's quit key on list screens), then SIGTERM and SIGKILL of the `script` process if it
// is still there. Bounded by a timeout.
import {spawn} from 'node:child_process';
import {readFileSync, rmSync} from 'node:fs';
import path from 'node:path';
import {hasGnuTime, now, repoRoot, tempDir} from './common.js';

export interface PtyStage {
	/** Text (ANSI stripped) that ends this stage. */
	waitFor: string | RegExp;
	/** Keys written one by one, 40 ms apart, once the text appeared. */
	thenSend?: string[];
}

export interface PtyResult {
	/** ms from spawn to each stage's text, in order; null when it never appeared. */
	at: Array<number | null>;
	/** ms from spawn to the last key written after each stage (null: none sent). */
	keysAt: Array<number | null>;
	/** Peak RSS (KiB) of the command, when measured with GNU time. */
	maxRssKb: number | null;
	screen: string;
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;?]*[A-Za-z]|\u001b\][^\u0007]*\u0007|\u001b[()][A-Z0-9]|\u001b[=>]/g;
export const stripAnsi = (text: string) => text.replace(ANSI, '');

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** `argv` runs in a 40x120 terminal; with `rss`, under GNU time. */
export function ptyRun(
	argv: string[],
	stages: PtyStage[],
	options: {env?: Record<string, string>; timeoutMs?: number; rss?: boolean} = {},
): Promise<PtyResult> {
	const rssFile = options.rss && hasGnuTime() ? path.join(tempDir('rss'), 'rss') : null;
	const command = [
		...(rssFile ? ['/usr/bin/time', '-f', '%M', '-o', rssFile] : []),
		...argv.map(shellQuote),
	].join(' ');
	return new Promise((resolve, reject) => {
		const started = now();
		const child = spawn('script', ['-qfec', `stty rows 40 cols 120; exec ${command}`, '/dev/null'], {
			cwd: repoRoot,
			env: {...process.env, SHELL: '/bin/sh', NO_COLOR: '1', TERM: 'xterm-256color', ...options.env},
			stdio: ['pipe', 'pipe', 'pipe'],
		});
		let raw = '';
		let stage = 0;
		const at: Array<number | null> = stages.map(() => null);
		const keysAt: Array<number | null> = stages.map(() => null);
		const sendKeys = (index: number, keys: string[]) => {
			keys.forEach((key, i) =>
				setTimeout(() => {
					child.stdin.write(key);
					if (i === keys.length - 1) keysAt[index] = now() - started;
				}, i * 40),
			);
		};
		let quitting = false;
		const quit = () => {
			if (quitting) return;
			quitting = true;
			child.stdin.write('q');
			setTimeout(() => child.kill('SIGTERM'), 3000).unref();
			setTimeout(() => child.kill('SIGKILL'), 6000).unref();
		};
		const timer = setTimeout(quit, options.timeoutMs ?? 30_000);
		child.stdout.on('data', (data: Buffer) => {
			raw += data.toString();
			while (stage < stages.length) {
				const s = stages[stage]!;
				const screen = stripAnsi(raw);
				const seen = typeof s.waitFor === 'string' ? screen.includes(s.waitFor) : s.waitFor.test(screen);
				if (!seen) break;
				at[stage] = now() - started;
				stage++;
				if (s.thenSend) {
					// The next stage looks only at what is drawn after the keys.
					raw = '';
					sendKeys(stage - 1, s.thenSend);
				}
			}
			if (stage >= stages.length) quit();
		});
		child.on('error', (error) => {
			clearTimeout(timer);
			reject(error);
		});
		child.on('close', () => {
			clearTimeout(timer);
			let maxRssKb: number | null = null;
			if (rssFile) {
				try {
					const value = Number(/(\d+)\s*$/.exec(readFileSync(rssFile, 'utf8').trim())?.[1]);
					maxRssKb = Number.isFinite(value) ? value : null;
				} catch {
					maxRssKb = null;
				}
				rmSync(path.dirname(rssFile), {recursive: true, force: true});
			}
			resolve({at, keysAt, maxRssKb, screen: stripAnsi(raw)});
		});
	});
}
