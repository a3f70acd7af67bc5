// Fields never fail silently (at 80x24 and 160x45): Enter on an empty required field says it is
// required; a placeholder is drawn in brackets and the cursor as a glyph, so both read in a frame
// without colour; a pasted value that ends in a newline is typed and submitted as Enter would, and a
// burst of backspaces in one chunk deletes as many characters.
import test from 'ava';
import {startSandbox} from '../source/sandbox/index.js';
import {fitsWidth, KEY, registerLab, renderTui, SIZES, stripAnsi, tempData} from './ui-helpers.js';

for (const [columns, rows] of SIZES) {
	test(`${columns}x${rows}: an empty required field says so; placeholder and cursor read without colour`, async (t) => {
		const tui = renderTui({initialScreen: {id: 'host-add'}});
		tui.resize(columns, rows);
		try {
			const empty = await tui.waitFor('Name:');
			t.is(stripAnsi(empty), empty, 'the frame carries no colour codes');
			t.regex(empty, /Name: █ \[e\.g\. prod\]/, 'the cursor, then the placeholder in brackets');
			await tui.press(KEY.enter);
			const said = await tui.waitFor('is required');
			t.regex(said, /✗ Name is required: type it, or Esc to go back/);
			t.regex(said, /Name: █/, 'still on the name field');
			t.deepEqual(fitsWidth(said, columns), []);
			await tui.type('lab');
			const typed = await tui.waitFor('Name: lab█');
			t.false(typed.includes('is required'), 'the message goes once something is typed');
			t.false(typed.includes('[e.g. prod]'), 'the placeholder goes too');
			await tui.press(KEY.left, KEY.left);
			const moved = await tui.waitFor((f) => f.includes('Name: lab') && !f.includes('lab█'));
			t.regex(moved, /Name: lab/);
			await tui.press(KEY.enter);
			await tui.waitFor('Host URL:');
			await tui.press(KEY.enter);
			const url = await tui.waitFor('is required');
			t.regex(url, /✗ Host URL is required/);
			t.regex(url, /\[https:\/\/sub2api\.example\.com\]/);
		} finally {
			await tui.close();
		}
	});

	test(`${columns}x${rows}: a pasted value ending in a newline submits (plain and masked fields)`, async (t) => {
		const sb = await startSandbox();
		const dataDir = tempData();
		const hostId = await registerLab(dataDir, sb);
		const tui = renderTui({dataDir, initialScreen: {id: 'import', hostId}});
		tui.resize(columns, rows);
		try {
			await tui.waitFor('Which provider pack?');
			await tui.press(KEY.enter);
			await tui.waitFor('Provider base URL:');
			for (let i = 0; i < 'https://api.deepseek.com'.length; i++) tui.stdin.write(KEY.backspace);
			await tui.waitFor('Provider base URL: █');
			await tui.type(`${sb.info.upstreams.deepseek!.base_url}\n`);
			const key = await tui.waitFor('Provider key:');
			t.regex(key, /Provider key: █/);
			await tui.type(`${sb.info.upstreams.deepseek!.api_key}\r\n`);
			const access = await tui.waitFor('Access mode:');
			t.false(access.includes(sb.info.upstreams.deepseek!.api_key), 'the pasted key is never drawn');
			t.deepEqual(fitsWidth(access, columns), []);
			// the pasted values were kept as typed (no line end): back to the key, then the URL
			await tui.press(KEY.escape);
			const masked = await tui.waitFor('Provider key: *');
			t.regex(masked, new RegExp(`Provider key: \\*{${sb.info.upstreams.deepseek!.api_key.length}}█`));
			await tui.press(KEY.escape);
			await tui.waitFor(`Provider base URL: ${sb.info.upstreams.deepseek!.base_url}█`);
			// backspaces a terminal sends as one chunk (key repeat) each delete one
			await tui.type(KEY.backspace.repeat(3));
			await tui.waitFor(`Provider base URL: ${sb.info.upstreams.deepseek!.base_url.slice(0, -3)}█`);
		} finally {
			await tui.close();
			await sb.close();
		}
	});
}
