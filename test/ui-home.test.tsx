// Home: data folder and host count, the menu (Try the sandbox host first when no host is
// registered, above Quit when one is), `?` key help, `q` quits, Esc back from every menu target;
// no raw mode -> exit 2.
import {EventEmitter} from 'node:events';
import test from 'ava';
import React from 'react';
import {render} from 'ink';
import {registerHost} from '../source/core/hosts/register.js';
import {startSandbox} from '../source/sandbox/index.js';
import {StateStore} from '../source/store/state-store.js';
import {App} from '../source/ui/app.js';
import {TuiSession} from '../source/ui/context.js';
import {Session} from '../source/app/session.js';
import {KEY, renderTui, tempData} from './ui-helpers.js';

test('home without hosts: data folder, host count, Try the sandbox host first; ? shows the keys; q quits', async (t) => {
	const dataDir = tempData();
	const session = new TuiSession();
	session.exitCode = -1;
	const tui = renderTui({dataDir, session});
	try {
		const frame = await tui.waitFor('Try the sandbox host');
		t.true(frame.includes(`data: ${dataDir}`));
		t.true(frame.includes('hosts: 0'));
		const menu = frame.split('\n').filter((l) => /^[❯ ] /.test(l) && l.trim());
		t.deepEqual(
			menu.map((l) => l.slice(2).trim()),
			[
				'Try the sandbox host',
				'Import a provider',
				'Batch import',
				'Status',
				'Drift & rollback',
				'Hosts',
				'Acceptance run',
				'Validation matrix',
				'Watch health',
				'Quit',
			],
		);
		t.regex(frame, /❯ Try the sandbox host/);
		await tui.press('?');
		const help = await tui.waitFor('Keys');
		t.regex(help, /Ctrl-C quit/);
		t.regex(help, /q quit/);
		t.true(help.split('\n').length <= 24, 'home with the keys open fits 24 rows');
		await tui.press('?');
		await tui.waitFor((f) => !f.includes('Ctrl-C'));
		await tui.press(KEY.down);
		await tui.waitFor('❯ Import a provider');
		await tui.press('q');
		t.is(session.exitCode, 0);
	} finally {
		await tui.close();
	}
});

test('home menu: each item opens its screen and Esc comes back', async (t) => {
	const sb = await startSandbox();
	const dataDir = tempData();
	const store = await StateStore.open(dataDir, {lock: {command: 'test'}});
	await registerHost(
		store,
		{name: 'lab', url: sb.info.host_url, credential: {type: 'admin_api_key', key: sb.info.admin_api_key}},
		{operator: {}},
	);
	store.release();
	const tui = renderTui({dataDir});
	try {
		const home = await tui.waitFor('Import a provider');
		t.regex(home, /❯ Import a provider/, 'with a host, its work comes first');
		t.regex(home, /Try the sandbox host\n.*Quit/, 'the sandbox stays on offer, just above Quit');
		t.true(home.includes('hosts: 1'));
		t.regex(home, /lab\s+\S+\s+no imports yet/);
		const targets: Array<[number, string]> = [
			[0, 'Into which host?'],
			[1, 'crm › Batch import'],
			[2, 'PROVIDERS'],
			[3, 'Drift & rollback'],
			[4, 'LAST PROBE'],
			// one host: the acceptance run starts at the pack
			[5, 'Acceptance run › pack'],
			[6, 'No acceptance results yet'],
			[7, 'each provider every'],
		];
		for (const [downs, expected] of targets) {
			await tui.waitFor('❯ Import a provider');
			await tui.press(...Array<string>(downs).fill(KEY.down), KEY.enter);
			const shown = await tui.waitFor(expected);
			t.true(shown.includes(expected), `menu item ${downs} opens ${expected}`);
			await tui.press(KEY.escape);
			await tui.waitFor('crm › Home');
		}
	} finally {
		await tui.close();
		await sb.close();
	}
});

test('keys typed while a screen is still attaching its handlers are kept (held, then replayed)', async (t) => {
	const tui = renderTui();
	try {
		await tui.waitFor('Try the sandbox host');
		for (let round = 0; round < 3; round++) {
			// Hosts (a lazily loaded screen): Esc written on its very first frame.
			const typed = tui.typeOnFrame('crm › Hosts', KEY.escape);
			await tui.press(...Array<string>(5).fill(KEY.down), KEY.enter);
			await typed;
			const home = await tui.waitFor('crm › Home');
			t.regex(home, /❯ Try the sandbox host/, `round ${round}: the Esc typed ahead came back Home`);
		}
	} finally {
		await tui.close();
	}
});

test('home fits 80x24', async (t) => {
	const tui = renderTui();
	try {
		tui.resize(80, 24);
		await tui.waitFor('Try the sandbox host');
		await tui.press(KEY.down);
		const frame = await tui.waitFor('❯ Import a provider');
		const rows = frame.split('\n');
		t.true(rows.length <= 24, `${rows.length} rows`);
		for (const row of rows) t.true(row.length <= 80, row);
	} finally {
		await tui.close();
	}
});

class FakeStdout extends EventEmitter {
	columns = 80;
	rows = 24;
	output = '';
	write = (chunk: string) => {
		this.output += chunk;
		return true;
	};
}

class NoRawStdin extends EventEmitter {
	isTTY = false;
	setEncoding() {}
	setRawMode() {
		throw new Error('raw mode is not supported here');
	}
	resume() {}
	pause() {}
	ref() {}
	unref() {}
	read() {
		return null;
	}
}

test('a terminal without raw mode: a message pointing to the CLI and exit code 2, no crash', async (t) => {
	const stdout = new FakeStdout();
	const session = new TuiSession();
	const instance = render(<App app={new Session({dataDir: tempData()})} session={session} />, {
		stdout: stdout as unknown as NodeJS.WriteStream,
		stderr: new FakeStdout() as unknown as NodeJS.WriteStream,
		stdin: new NoRawStdin() as unknown as NodeJS.ReadStream,
		debug: true,
		exitOnCtrlC: false,
		patchConsole: false,
	});
	try {
		await instance.waitUntilExit();
	} finally {
		instance.unmount();
	}
	t.is(session.exitCode, 2);
	t.regex(stdout.output, /does not support raw mode/);
	t.regex(stdout.output, /crm help/);
});
