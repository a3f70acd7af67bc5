// One vocabulary (at 80x24 and 160x45): the TUI says no CLI flag; the application's messages that
// name one (the duplicate import's "pass --force", a rollback's "--force deletes it anyway", ...)
// are drawn in the TUI's words, hosts are named by name, never by id.
import {readdirSync, readFileSync, statSync} from 'node:fs';
import path from 'node:path';
import test from 'ava';
import React from 'react';
import {render} from 'ink-testing-library';
import {runImport} from '../source/core/import/run-import.js';
import {loadPacks} from '../source/core/packs/packs.js';
import {startSandbox} from '../source/sandbox/index.js';
import {StateStore} from '../source/store/state-store.js';
import {Text} from '../source/ui/components/text.js';
import {tuiWords} from '../source/ui/words.js';
import {FAST, fitsWidth, KEY, registerLab, renderTui, SIZES, tempData} from './ui-helpers.js';

const FLAG = /(^|[\s(/"'`])--[a-z]/;

function sources(dir: string): string[] {
	return readdirSync(dir).flatMap((name) => {
		const file = path.join(dir, name);
		return statSync(file).isDirectory() ? sources(file) : file.endsWith('.ts') ? [file] : [];
	});
}

test('every message of the application layer and the engine that names a flag reads without it in the TUI', (t) => {
	// the string literals (quoted or template) that name a flag, outside comments
	const literal = /(['`])((?:(?!\1)[^\\\n]|\\.)*--[a-z][^'`\n]*)\1/g;
	const found: string[] = [];
	for (const dir of ['source/app', 'source/core', 'source/host', 'source/upstream'])
		for (const file of sources(dir))
			for (const line of readFileSync(file, 'utf8').split('\n')) {
				if (/^\s*(\/\/|\*|\/\*)/.test(line)) continue;
				for (const m of line.matchAll(literal)) found.push(m[2]!);
			}
	t.true(found.length >= 20, `${found.length} messages name a flag`);
	for (const message of found) t.notRegex(tuiWords(message), FLAG, message);
	t.is(
		tuiWords('this host requires a TOTP step-up for account and user writes; pass --totp-env VAR'),
		'this host requires a TOTP step-up for account and user writes; give a TOTP code when asked',
	);
	t.is(
		tuiWords('kept: changed on the host (--force deletes it anyway)'),
		'kept: changed on the host (a forced rollback deletes it anyway)',
	);
	t.is(
		tuiWords('see https://x.example/a--b and b20250101--x'),
		'see https://x.example/a--b and b20250101--x',
	);
});

test('the one Text draws a flag in the TUI’s words', (t) => {
	const view = render(<Text>the relay lists no models; pass --smoke-model with a model it serves</Text>);
	try {
		t.is(
			view.lastFrame(),
			'the relay lists no models; choose a smoke model it serves (Change the smoke model, on the plan)',
		);
	} finally {
		view.unmount();
	}
});

for (const [columns, rows] of SIZES) {
	test(`${columns}x${rows}: the duplicate import says what to do in the TUI's words and names the host`, async (t) => {
		const sb = await startSandbox();
		const dataDir = tempData();
		const hostId = await registerLab(dataDir, sb);
		const up = sb.info.upstreams.deepseek!;
		const store = await StateStore.open(dataDir, {lock: {command: 'test'}});
		let earlier: string;
		try {
			const result = await runImport({
				store,
				packs: loadPacks(),
				request: {host: hostId, pack: 'deepseek', url: up.base_url, key: up.api_key, access: 'subscription'},
				sink: () => {},
				signal: new AbortController().signal,
				operator: {},
				timing: FAST,
			});
			earlier = result.batch_id;
		} finally {
			store.release();
		}
		const tui = renderTui({dataDir, initialScreen: {id: 'import', hostId}});
		tui.resize(columns, rows);
		try {
			await tui.waitFor('Which provider pack?');
			await tui.press(KEY.enter);
			await tui.waitFor('Provider base URL:');
			for (let i = 0; i < 'https://api.deepseek.com'.length; i++) tui.stdin.write(KEY.backspace);
			await tui.waitFor('Provider base URL: █');
			await tui.type(`${up.base_url}\n`);
			await tui.waitFor('Provider key:');
			await tui.type(`${up.api_key}\n`);
			await tui.waitFor('Access mode:');
			await tui.press(KEY.enter);
			const dup = await tui.waitFor('Import it again anyway (force)');
			const flat = dup.replace(/\n/g, ' ').replace(/\s+/g, ' ');
			t.regex(flat, /already imported into lab in subscription mode/);
			t.regex(
				flat,
				new RegExp(`roll back ${earlier} first \\(Drift & rollback\\), or import it again anyway`),
			);
			t.notRegex(dup, FLAG, 'no flag on the screen');
			t.false(dup.includes(hostId), 'the host is named, not its id');
			t.deepEqual(fitsWidth(dup, columns), []);
		} finally {
			await tui.close();
			await sb.close();
		}
	});
}
