// Hosts: add (name, URL validated as typed, admin key in a masked field, live probe, capabilities),
// a wrong credential saves nothing, the list with version/auth/last probe, re-probe, remove (confirm).
import test from 'ava';
import {startSandbox} from '../source/sandbox/index.js';
import {StateStore} from '../source/store/state-store.js';
import {KEY, renderTui, tempData} from './ui-helpers.js';

test('hosts: add with a masked admin key, list, re-probe, remove with confirm', async (t) => {
	const sb = await startSandbox();
	const dataDir = tempData();
	const tui = renderTui({dataDir, initialScreen: {id: 'hosts'}});
	try {
		const empty = await tui.waitFor('+ Add a host');
		t.regex(empty, /No host registered yet/);
		await tui.press('a');
		await tui.waitFor('Name:');
		await tui.type('bad name!');
		await tui.waitFor('may hold letters');
		await tui.press(KEY.enter);
		t.false(tui.frame().includes('Host URL:'), 'Enter refused while the name is invalid');
		for (let i = 0; i < 'bad name!'.length; i++) tui.stdin.write(KEY.backspace);
		await tui.type('lab');
		await tui.waitFor('✓ looks right');
		await tui.press(KEY.enter);
		await tui.waitFor('Host URL:');
		await tui.type(sb.info.host_url);
		await tui.waitFor('✓ looks right');
		await tui.press(KEY.enter);
		await tui.waitFor('❯ Admin API key');
		await tui.press(KEY.enter);
		await tui.waitFor('Admin API key:');
		await tui.type('wrong-key');
		await tui.press(KEY.enter);
		const refused = await tui.waitFor('❯ Change the URL or credential');
		t.regex(refused, /nothing saved/);
		t.is((await StateStore.open(dataDir)).data.hosts.length, 0);
		await tui.press(KEY.enter); // back to the URL, then forward with the right key
		await tui.waitFor('Host URL:');
		await tui.press(KEY.enter);
		await tui.waitFor('❯ Admin API key');
		await tui.press(KEY.enter);
		await tui.waitFor('Admin API key:');
		await tui.type(sb.info.admin_api_key);
		await tui.waitFor('✓ looks right');
		await tui.press(KEY.enter);
		const added = await tui.waitFor('Registered lab');
		t.regex(added, /✓ chat_completions/);
		t.regex(added, /sandbox/);
		t.false(
			tui.frames.some((f) => f.includes(sb.info.admin_api_key)),
			'the admin key is never drawn',
		);
		await tui.press(KEY.down, KEY.enter); // Back to Hosts
		const list = await tui.waitFor(/❯ lab\s+\S+\s+admin_api_key/);
		t.regex(list, /NAME\s+VERSION\s+AUTH\s+LAST PROBE\s+SANDBOX\s+URL/);
		t.regex(list, /❯ lab\s+.*\s-\s+http/, 'a host added by hand: no sandbox (-), as crm host list prints it');

		await tui.press(KEY.enter);
		await tui.waitFor('❯ Import a provider into this host');
		await tui.press(KEY.down, KEY.enter);
		await tui.waitFor('✓ re-probed: sub2api');
		await tui.press(KEY.down, KEY.down, KEY.enter); // Remove
		const confirm = await tui.waitFor('Forget lab?');
		t.regex(confirm, /❯ No, go back/);
		await tui.press(KEY.enter);
		await tui.waitFor('❯ Import a provider into this host');
		t.is((await StateStore.open(dataDir)).data.hosts.length, 1, '"No" removes nothing');
		await tui.press(KEY.down, KEY.down, KEY.enter);
		await tui.waitFor('Forget lab?');
		await tui.press(KEY.down, KEY.enter);
		await tui.waitFor('removed lab');
		t.is((await StateStore.open(dataDir)).data.hosts.length, 0);
		await tui.press(KEY.enter); // Back to Hosts
		await tui.waitFor('No host registered yet');
	} finally {
		await tui.close();
		await sb.close();
	}
});

test('hosts: an unreachable URL says why and saves nothing; Esc steps back through the form', async (t) => {
	const dataDir = tempData();
	const tui = renderTui({dataDir, initialScreen: {id: 'host-add'}});
	try {
		await tui.waitFor('Name:');
		await tui.type('gone');
		await tui.press(KEY.enter);
		await tui.waitFor('Host URL:');
		await tui.type('http://127.0.0.1:9');
		await tui.press(KEY.enter);
		await tui.waitFor('Admin credential:');
		await tui.press(KEY.escape);
		await tui.waitFor('Host URL: http://127.0.0.1:9');
		await tui.press(KEY.escape);
		await tui.waitFor('Name: gone');
		await tui.press(KEY.enter);
		await tui.waitFor('Host URL:');
		await tui.press(KEY.enter);
		await tui.waitFor('Admin credential:');
		await tui.press(KEY.enter);
		await tui.waitFor('Admin API key:');
		await tui.type('k-123');
		await tui.press(KEY.enter);
		const frame = await tui.waitFor('❯ Change the URL or credential', 20_000);
		t.regex(frame, /cannot reach http:\/\/127\.0\.0\.1:9/);
		t.is((await StateStore.open(dataDir)).data.hosts.length, 0);
	} finally {
		await tui.close();
	}
});

test('hosts: a host 401 that quotes the typed admin key draws the message with the key redacted, never the key', async (t) => {
	const sb = await startSandbox({faults: {host_401_echo: true}});
	const dataDir = tempData();
	const tui = renderTui({dataDir, initialScreen: {id: 'host-add'}});
	try {
		await tui.waitFor('Name:');
		await tui.type('echo');
		await tui.press(KEY.enter);
		await tui.waitFor('Host URL:');
		await tui.type(sb.info.host_url);
		await tui.press(KEY.enter);
		await tui.waitFor('❯ Admin API key');
		await tui.press(KEY.enter);
		await tui.waitFor('Admin API key:');
		// Not shaped like an admin key: only the registry (it was typed into a masked field) hides it.
		const typed = 'operator-typed-credential-7f3a';
		await tui.type(typed);
		await tui.press(KEY.enter);
		const refused = await tui.waitFor('❯ Change the URL or credential', 20_000);
		t.regex(
			refused,
			/Invalid admin API key: \[redacted\]/,
			'the host echoed the key; the screen shows it redacted',
		);
		t.false(
			tui.frames.some((f) => f.includes(typed) || f.includes('credential-7f3a')),
			'no frame ever held the key or a piece of it',
		);
		t.is((await StateStore.open(dataDir)).data.hosts.length, 0);
	} finally {
		await tui.close();
		await sb.close();
	}
});
