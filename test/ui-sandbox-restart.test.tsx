// The built-in sandbox after a restart: a data folder whose sandbox host an earlier run registered
// (that run, and its sandbox, ended) shows the host as the sandbox that stopped with the previous run,
// on Home, Hosts and the host screen, with "Start it again" and "Remove it"; starting it again brings
// a working sandbox back at a new address (the batch recorded on it now reconciles as missing), and
// removing it forgets the host. Frames at 80x24 and 160x45.
import test from 'ava';
import {earlierSandboxRun} from './helpers/earlier-sandbox.js';
import {parseJson, runCli} from './helpers/cli.js';
import {fitsWidth, KEY, registerLab, renderTui, SIZES, type Tui} from './ui-helpers.js';
import {startSandbox} from '../source/sandbox/index.js';

const MARK = 'the sandbox that stopped with the previous run';

/** The menu items of a frame, in order. */
const menu = (frame: string) =>
	frame
		.split('\n')
		.filter((l) => /^[❯ ] \S/.test(l))
		.map((l) => l.slice(2).trim());

function fits(
	t: {true: (v: boolean, m?: string) => void; deepEqual: (a: unknown, b: unknown) => void},
	frame: string,
	[columns, rows]: [number, number],
) {
	t.true(frame.split('\n').length <= rows, `${frame.split('\n').length} rows fit ${rows}`);
	t.deepEqual(fitsWidth(frame, columns), []);
}

async function openHostScreen(tui: Tui): Promise<string> {
	await tui.choose('Hosts');
	await tui.waitFor('LAST PROBE');
	await tui.press(KEY.enter);
	return tui.waitFor('Hosts › sandbox');
}

test('a sandbox host an earlier run registered: marked on Home, Hosts and its screen, with both actions', async (t) => {
	const earlier = await earlierSandboxRun();
	for (const size of SIZES) {
		const tui = renderTui({dataDir: earlier.data});
		try {
			tui.resize(...size);
			const home = await tui.waitFor('❯ Start it again (sandbox)');
			t.true(home.includes(MARK), `${size}: Home marks the host`);
			t.deepEqual(menu(home).slice(0, 3), [
				'Start it again (sandbox)',
				'Remove it (sandbox)',
				'Import a provider',
			]);
			t.true(
				menu(home).includes('Try the sandbox host'),
				'Try the sandbox host is on Home with a host present',
			);
			if (size[1] >= 45) t.regex(home, /1 batch recorded/);
			fits(t, home, size);

			await tui.choose('Hosts');
			// (LAST PROBE leaves room for the URL at 80 columns; the host's own screen shows it)
			const hosts = await tui.waitFor('SANDBOX');
			t.regex(hosts, /SANDBOX/);
			t.regex(hosts, /❯ sandbox .*stopped/);
			t.true(hosts.includes(MARK));
			fits(t, hosts, size);

			await tui.press(KEY.enter);
			const detail = await tui.waitFor('Hosts › sandbox');
			t.true(detail.replace(/\s+/g, ' ').includes(MARK));
			t.deepEqual(menu(detail), ['Start it again', 'Remove it', 'Back']);
			fits(t, detail, size);
		} finally {
			await tui.close();
		}
	}
});

test('Start it again: a new sandbox at a new address answers; its batch reads missing; host show agrees', async (t) => {
	const earlier = await earlierSandboxRun();
	const tui = renderTui({dataDir: earlier.data});
	try {
		tui.resize(80, 24);
		await tui.waitFor('❯ Start it again (sandbox)');
		await tui.press(KEY.enter);
		const done = await tui.waitFor('started again at', 20_000);
		const started = tui.session.sandbox;
		t.truthy(started, 'the session holds the new sandbox (closed when the TUI ends)');
		const url = started!.handle.info.host_url;
		t.not(url, earlier.oldUrl);
		const said = done.replace(/\s+/g, ' ');
		t.true(said.includes(`sandbox started again at ${url}`), said);
		t.true(
			said.includes("The old sandbox's resources are gone with it: its 1 batch now read as drifted/missing"),
		);
		t.false(said.includes(MARK), 'the mark is gone');
		t.false(menu(done).includes('Try the sandbox host'), 'a sandbox of this session serves a host now');
		fits(t, done, [80, 24]);

		const data = ['--data', earlier.data];
		const shown = parseJson<{host_id: string; url: string; sandbox: string}>(
			await runCli(['host', 'show', 'sandbox', '--json', ...data]),
		);
		t.is(shown.host_id, earlier.hostId, 'the same host record');
		t.is(shown.url, url, 'host show reports the new address');
		t.is(shown.sandbox, 'running');
		// Requests to it work (admin key and all): the batch recorded on it reconciles, as missing.
		const reconciled = await runCli(['reconcile', '--batch', earlier.batchId!, '--json', ...data]);
		t.is(reconciled.code, 3, reconciled.stderr);
		const run = parseJson<{reconcile_status: string; items: Array<{state: string}>}>(reconciled);
		t.is(run.reconcile_status, 'drifted');
		t.true(run.items.length > 0 && run.items.every((i) => i.state === 'missing'));
		t.true(started!.handle.requestLog().length > 0, 'the new sandbox was asked');
	} finally {
		await tui.close();
	}
});

test('Remove it: with a batch recorded it asks and explains, then forgets the host', async (t) => {
	const earlier = await earlierSandboxRun();
	const tui = renderTui({dataDir: earlier.data});
	try {
		tui.resize(160, 45);
		await tui.waitFor('❯ Start it again (sandbox)');
		await openHostScreen(tui);
		await tui.choose('Remove it');
		const asked = await tui.waitFor('Forget sandbox?');
		const question = asked.replace(/\s+/g, ' ');
		t.true(question.includes('sandbox has 1 batch recorded'));
		t.true(question.includes('its resources are gone with it'));
		t.regex(asked, /❯ No, go back/);
		fits(t, asked, [160, 45]);
		await tui.press(KEY.down, KEY.enter);
		const removed = await tui.waitFor('removed sandbox');
		fits(t, removed, [160, 45]);
		const listed = parseJson<{hosts: unknown[]}>(
			await runCli(['host', 'list', '--json', '--data', earlier.data]),
		);
		t.deepEqual(listed.hosts, []);
		await tui.press(KEY.enter);
		await tui.waitFor('No host registered yet');
		await tui.press(KEY.escape);
		const home = await tui.waitFor('❯ Try the sandbox host');
		t.false(home.includes(MARK));
	} finally {
		await tui.close();
	}
});

test('Remove it from Home with no batch recorded: no question, the host is forgotten', async (t) => {
	const earlier = await earlierSandboxRun({imports: false});
	const tui = renderTui({dataDir: earlier.data});
	try {
		tui.resize(80, 24);
		await tui.waitFor('❯ Start it again (sandbox)');
		await tui.press(KEY.down, KEY.enter);
		const home = await tui.waitFor('removed sandbox');
		t.regex(home, /hosts: 0/);
		t.regex(home, /❯ Try the sandbox host/);
		fits(t, home, [80, 24]);
	} finally {
		await tui.close();
	}
});

test('Try the sandbox host stays on Home beside a host added by hand, at both sizes', async (t) => {
	const sb = await startSandbox();
	t.teardown(() => sb.close());
	const dataDir = (await earlierSandboxRun({imports: false})).data;
	await registerLab(dataDir, sb);
	for (const size of SIZES) {
		const tui = renderTui({dataDir});
		try {
			tui.resize(...size);
			const home = await tui.waitFor('hosts: 2');
			t.true(menu(home).includes('Try the sandbox host'));
			fits(t, home, size);
		} finally {
			await tui.close();
		}
	}
});
