// The TUI in a real terminal: tmux (its own server socket, no user config) runs the built CLI with a
// fresh data folder in an 80x24 window. `Try the sandbox host`, an import completed with keystrokes,
// the ready status read back from the screen, then `q`: the process exits 0 (the in-process sandbox
// closed with it). NO_COLOR leaves no colour codes; without it there are colours.
import {execFileSync} from 'node:child_process';
import {existsSync} from 'node:fs';
import test, {type ExecutionContext} from 'ava';
import {cliPath, repoRoot, tempDataDir} from './helpers/cli.js';

function hasTmux(): boolean {
	try {
		execFileSync('tmux', ['-V'], {stdio: 'ignore'});
		return true;
	} catch {
		return false;
	}
}

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

class Pane {
	readonly socket = `crm-tui-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;

	tmux(...args: string[]): string {
		return execFileSync('tmux', ['-L', this.socket, '-f', '/dev/null', ...args], {encoding: 'utf8'});
	}

	start(command: string): void {
		this.tmux('new-session', '-d', '-s', 'crm', '-x', '80', '-y', '24', command);
	}

	capture(escapes = false): string {
		return this.tmux('capture-pane', '-p', ...(escapes ? ['-e'] : []), '-t', 'crm');
	}

	keys(...keys: string[]): void {
		this.tmux('send-keys', '-t', 'crm', ...keys);
	}

	async waitFor(t: ExecutionContext, match: string | RegExp, timeoutMs = 20_000): Promise<string> {
		const deadline = Date.now() + timeoutMs;
		let screen = '';
		while (Date.now() < deadline) {
			screen = this.capture();
			if (typeof match === 'string' ? screen.includes(match) : match.test(screen)) {
				// the screen is drawn; give the new screen's key handlers a moment to attach
				await new Promise((resolve) => setTimeout(resolve, 150));
				return screen;
			}
			await new Promise((resolve) => setTimeout(resolve, 100));
		}
		t.log(screen);
		throw new Error(`timed out after ${timeoutMs} ms waiting for ${String(match)}`);
	}

	kill(): void {
		try {
			this.tmux('kill-server');
		} catch {
			// already gone
		}
	}
}

function crmCommand(dataDir: string, env: {noColor: boolean}): string {
	// `env -u` drops what would change colour detection in CI; the trailer shows the exit code.
	const colour = env.noColor ? 'NO_COLOR=1' : '-u NO_COLOR TERM=xterm-256color';
	return `cd ${shellQuote(repoRoot)} && env -u CI -u FORCE_COLOR ${colour} CRM_SMOKE_RETRY_S=10 node ${shellQuote(cliPath)} --data ${shellQuote(dataDir)}; echo "CRM_EXIT=$?"; sleep 30`;
}

// eslint-disable-next-line no-control-regex
const COLOUR = /\u001B\[[0-9;]*(?:3[0-7]|9[0-7]|38;[0-9;]+)m/;

test.serial(
	'tmux 80x24: Try the sandbox host, import with keystrokes, ready on screen, q exits 0',
	async (t) => {
		t.true(hasTmux(), 'tmux is needed for this test (.ci/run installs it)');
		t.true(existsSync(cliPath), 'run npm run build first (npm test does)');
		const dataDir = tempDataDir('crm-tmux');
		const pane = new Pane();
		t.teardown(() => pane.kill());
		pane.start(crmCommand(dataDir, {noColor: true}));

		const home = await pane.waitFor(t, '❯ Try the sandbox host');
		t.true(home.includes(`data: ${dataDir}`) || home.includes('data: '), home);
		t.false(COLOUR.test(pane.capture(true)), 'NO_COLOR: no colour codes on the screen');
		pane.keys('Enter');
		await pane.waitFor(t, 'Which provider pack?');
		pane.keys('Enter');
		await pane.waitFor(t, /Provider base URL: http:\/\/127\.0\.0\.1:\d+\/deepseek/);
		pane.keys('Enter');
		await pane.waitFor(t, 'sandbox key filled in');
		pane.keys('Enter');
		await pane.waitFor(t, '❯ subscription');
		pane.keys('Enter');
		await pane.waitFor(t, '❯ Start the import');
		pane.keys('Enter');
		const done = await pane.waitFor(t, /access subscription_ready/, 20_000);
		t.regex(done, /succeeded · provider active · access subscription_ready/);
		t.regex(done, /completion 200 \(json\) with deepseek-v4-flash/);
		for (const line of done.split('\n')) t.true(line.length <= 80, line);
		t.false(COLOUR.test(pane.capture(true)), 'NO_COLOR: no colour codes after the run either');

		pane.keys('q');
		const exited = await pane.waitFor(t, /CRM_EXIT=\d+/, 10_000);
		t.regex(exited, /CRM_EXIT=0/);
	},
);

test.serial('tmux: without NO_COLOR the TUI draws in colour', async (t) => {
	t.true(hasTmux(), 'tmux is needed for this test (.ci/run installs it)');
	const pane = new Pane();
	t.teardown(() => pane.kill());
	pane.start(crmCommand(tempDataDir('crm-tmux'), {noColor: false}));
	await pane.waitFor(t, '❯ Try the sandbox host');
	t.true(COLOUR.test(pane.capture(true)), 'colour codes expected');
	pane.keys('C-c');
	const exited = await pane.waitFor(t, /CRM_EXIT=\d+/, 10_000);
	t.regex(exited, /CRM_EXIT=0/, 'Ctrl-C outside a run quits cleanly');
});
