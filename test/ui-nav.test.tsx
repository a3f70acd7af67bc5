// Esc goes up one level of the menu, not back through history; titles never show `?` (an unknown
// version reads "unknown"); the key hint fits the terminal and always ends with how to open the
// key list (`?`, or Tab while a field is typed in). At 80x24 and 160x45.
import test from 'ava';
import {startSandbox} from '../source/sandbox/index.js';
import {StateStore} from '../source/store/state-store.js';
import {hintLine} from '../source/ui/components/key-help.js';
import {fitsWidth, importThroughForm, KEY, registerLab, renderTui, SIZES, tempData} from './ui-helpers.js';

const lastLine = (frame: string) => frame.trimEnd().split('\n').at(-1)!;

for (const [columns, rows] of SIZES) {
	test(`${columns}x${rows}: from a finished import, Open the batch, then Esc climbs the menu: batches, host, Status, Home`, async (t) => {
		const sb = await startSandbox();
		const dataDir = tempData();
		const hostId = await registerLab(dataDir, sb);
		const tui = renderTui({dataDir, initialScreen: {id: 'import', hostId}});
		tui.resize(columns, rows);
		try {
			await importThroughForm(tui, sb.info.upstreams.deepseek!);
			await tui.waitFor(/access subscription_ready/, 60_000);
			await tui.choose('Open the batch');
			// once its file is read, its keys (roll back and the rest) are offered
			const batch = await tui.waitFor(
				(f) => f.includes('[steps]') && /(more keys|r roll back · Esc back · \? keys)$/.test(lastLine(f)),
			);
			const hint = lastLine(batch);
			t.true(hint.length <= columns, hint);
			t.regex(hint, columns < 100 ? /Esc back · \? more keys$/ : /← → tabs .* Esc back · \? keys$/);
			t.deepEqual(fitsWidth(batch, columns), []);
			// the help the hint names opens with `?`
			await tui.press('?');
			const help = await tui.waitFor('hide these keys');
			t.regex(help, /r roll back/, 'the full list holds the keys the hint left out');
			await tui.press(KEY.escape);
			await tui.waitFor((f) => !f.includes('hide these keys'));
			// Esc: up one level (the batch's provider's batches), not back to the finished import
			await tui.press(KEY.escape);
			const batches = await tui.waitFor('deepseek batches');
			t.regex(batches, /crm › Status › lab › deepseek batches/);
			t.false(batches.includes('finished'));
			await tui.press(KEY.escape);
			const host = await tui.waitFor('All batches on this host');
			t.regex(host, /crm › Status › lab/);
			await tui.press(KEY.escape);
			await tui.waitFor(/crm › Status\n/);
			await tui.press(KEY.escape);
			await tui.waitFor('crm › Home');
		} finally {
			await tui.close();
			await sb.close();
		}
	});

	test(`${columns}x${rows}: an unknown version reads "unknown", never "?"; a text field's hint names Tab for the keys`, async (t) => {
		const sb = await startSandbox();
		const dataDir = tempData();
		const hostId = await registerLab(dataDir, sb);
		const store = await StateStore.open(dataDir, {lock: {command: 'test'}});
		store.data.hosts[0]!.version = null;
		await store.write();
		store.release();
		const tui = renderTui({dataDir, initialScreen: {id: 'hosts'}});
		tui.resize(columns, rows);
		try {
			const hosts = await tui.waitFor('+ Add a host');
			t.regex(hosts, /❯ lab\s+unknown\s+admin_api_key/);
			t.false(hosts.split('\n').slice(0, -1).join('\n').includes('?'), 'only the hint names ?');
			await tui.press(KEY.enter);
			const detail = await tui.waitFor('Re-probe');
			t.regex(detail, /version unknown/);
			t.false(detail.split('\n')[0]!.includes('?'));
			// Esc from the host: Hosts (its parent)
			await tui.press(KEY.escape);
			await tui.waitFor('+ Add a host');
			// the status screen's host
			tui.unmount();
			const status = renderTui({dataDir, initialScreen: {id: 'status-host', hostId}});
			status.resize(columns, rows);
			try {
				const frame = await status.waitFor('All batches on this host');
				t.regex(frame, /sub2api \(version unknown\)/);
				t.false(frame.split('\n').slice(0, 2).join('\n').includes('?'));
				await status.press(KEY.escape);
				await status.waitFor(/crm › Status\n/);
			} finally {
				status.unmount();
			}
			// a text field: Tab opens the keys (a `?` would be typed)
			const form = renderTui({dataDir, initialScreen: {id: 'host-add'}});
			form.resize(columns, rows);
			try {
				const name = await form.waitFor('Name:');
				t.regex(lastLine(name), /Esc back · Tab keys$/);
				await form.type('a?');
				await form.waitFor('Name: a?█');
				await form.press(KEY.tab);
				const help = await form.waitFor('hide these keys');
				t.regex(help, /Tab hide these keys/);
				t.deepEqual(fitsWidth(help, columns), []);
			} finally {
				form.unmount();
			}
		} finally {
			await tui.close();
			await sb.close();
		}
	});
}

test('the hint leaves out middle keys to fit, never the way out or the help key', (t) => {
	const keys = [
		{keys: '← →', does: 'tabs'},
		{keys: '↑ ↓', does: 'scroll'},
		{keys: 's', does: 'smoke again'},
		{keys: 'k', does: 'new provider key'},
		{keys: 'c', does: 'reconcile'},
		{keys: 'r', does: 'roll back'},
		{keys: 'Esc', does: 'back'},
	];
	const wide = hintLine(keys, '?', 159);
	t.is(
		wide,
		'← → tabs · ↑ ↓ scroll · s smoke again · k new provider key · c reconcile · r roll back · Esc back · ? keys',
	);
	const narrow = hintLine(keys, '?', 40);
	t.true(narrow.length <= 40, narrow);
	t.regex(narrow, /^← → tabs · .*Esc back · \? more keys$/);
	t.is(hintLine(keys, 'Tab', 20), 'Esc back · Tab more keys');
});
