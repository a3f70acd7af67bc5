// The TUI in a real terminal: tmux (its own server socket, no user config) runs the built CLI with a
// fresh data folder in an 80x24 window. `Try the sandbox host`, an import completed with keystrokes,
// the ready status read back from the screen, then `q`: the process exits 0 (the in-process sandbox
// closed with it). NO_COLOR leaves no colour codes; without it there are colours. Then, against a
// sandbox this test runs: an import that fails after creating resources, rolled back from its
// highlighted action, and a batch import whose failed row is opened.
import {execFileSync} from 'node:child_process';
import {chmodSync, existsSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import test, {type ExecutionContext} from 'ava';
import {startSandbox} from '../source/sandbox/index.js';
import {StateStore} from '../source/store/state-store.js';
import {cliPath, repoRoot, tempDataDir} from './helpers/cli.js';
import {registerLab} from './ui-helpers.js';

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

test.serial(
	'tmux 80x24: a failed import rolled back from its highlighted action; a batch import whose failed row is opened',
	async (t) => {
		t.true(hasTmux(), 'tmux is needed for this test (.ci/run installs it)');
		t.true(existsSync(cliPath), 'run npm run build first (npm test does)');
		const sb = await startSandbox();
		t.teardown(() => sb.close());
		const dataDir = tempDataDir('crm-tmux');
		await registerLab(dataDir, sb);
		const pane = new Pane();
		t.teardown(() => pane.kill());
		// every completion through the host fails: the import fails at its smoke, after creating
		sb.setFaults({gateway_503_count: 100_000});
		pane.start(crmCommand(dataDir, {noColor: true}));
		await pane.waitFor(t, '❯ Import a provider');
		pane.keys('Enter');
		await pane.waitFor(t, '❯ lab');
		pane.keys('Enter');
		await pane.waitFor(t, 'Which provider pack?');
		pane.keys('Enter');
		await pane.waitFor(t, 'Provider base URL: https://api.deepseek.com');
		for (let i = 0; i < 'https://api.deepseek.com'.length; i++) pane.keys('BSpace');
		await pane.waitFor(t, /Provider base URL: █/);
		const up = sb.info.upstreams.deepseek!;
		pane.keys('-l', up.base_url);
		pane.keys('Enter');
		await pane.waitFor(t, 'Provider key:');
		pane.keys('-l', up.api_key);
		pane.keys('Enter');
		await pane.waitFor(t, '❯ subscription');
		pane.keys('Enter');
		await pane.waitFor(t, '❯ Start the import');
		pane.keys('Enter');
		const failed = await pane.waitFor(t, /❯ Roll back \(5 resources\)/, 30_000);
		t.regex(failed, /failed at access_smoke: host_compatibility_gap/);
		for (const line of failed.split('\n')) t.true(line.length <= 80, line);
		const batchId = (await StateStore.open(dataDir)).data.batches[0]!.batch_id;
		pane.keys('Enter');
		await pane.waitFor(t, 'Type the batch id');
		pane.keys('-l', batchId);
		pane.keys('Enter');
		const rolled = await pane.waitFor(t, /is now\s+rolled_back/, 30_000);
		t.regex(rolled, /5 deleted/);
		t.is((await StateStore.open(dataDir)).data.batches[0]!.batch_status, 'rolled_back');

		// a batch import: kimi imports, glm's key is refused; its row opens its batch
		sb.setFaults({gateway_503_count: 0, upstream: {glm: 'auth'}});
		const file = path.join(tempDataDir('crm-csv'), 'providers.csv');
		const ups = sb.info.upstreams;
		writeFileSync(
			file,
			`url,key,pack,access\n${ups.kimi!.base_url},${ups.kimi!.api_key},kimi\n${ups.glm!.base_url},${ups.glm!.api_key},glm\n`,
		);
		chmodSync(file, 0o600);
		pane.keys('Enter'); // Home, the highlighted choice after a rollback
		await pane.waitFor(t, '❯ Import a provider');
		pane.keys('Down', 'Enter');
		await pane.waitFor(t, 'File:');
		pane.keys('-l', file);
		pane.keys('Enter');
		await pane.waitFor(t, '❯ Detect the packs');
		pane.keys('Enter');
		await pane.waitFor(t, '❯ Import 2 row(s) into lab', 30_000);
		pane.keys('Enter');
		const done = await pane.waitFor(t, /1 succeeded · 1 failed/, 60_000);
		for (const line of done.split('\n')) t.true(line.length <= 80, line);
		const glm = (await StateStore.open(dataDir)).data.batches.find((b) => b.pack === 'glm')!;
		t.is(glm.failure_class, 'upstream_auth_issue');
		// the second row (line 3, glm): its batch is named under the table
		pane.keys('Down');
		const row = await pane.waitFor(t, `batch ${glm.batch_id} (Enter opens it)`);
		t.regex(row, /upstream_auth_issue/);
		pane.keys('Enter');
		const opened = await pane.waitFor(t, `Batch ${glm.batch_id}`);
		t.regex(opened, /failed · provider \S+ · access none/);
		t.regex(opened, /upstream_auth_issue/);
		t.false(opened.includes(ups.glm!.api_key), 'no key on the screen');

		pane.keys('q');
		const exited = await pane.waitFor(t, /CRM_EXIT=\d+/, 10_000);
		t.regex(exited, /CRM_EXIT=0/);
	},
);
