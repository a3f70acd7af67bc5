// The TUI's parity screens: rollback per provider in Drift & rollback (plan, typed host/pack, every
// batch newest first), and both host addresses in the host screen (shown, and the gateway set there).
import test from 'ava';
import {hostEnv, liveOurs, parseJson} from './helpers/host-env.js';
import {KEY, renderTui} from './ui-helpers.js';

test('Drift & rollback › Roll back provider: the plan of every batch, confirmed by typing host/pack', async (t) => {
	const env = await hostEnv(t);
	const a = parseJson(await env.importPack('deepseek', ['--access', 'subscription']));
	const b = parseJson(await env.importPack('deepseek', ['--access', 'self_service']));
	const kimi = parseJson(await env.importPack('kimi'));
	const hostId = parseJson(await env.run(['host', 'show', 'sb', '--json'])).host_id;
	const tui = renderTui({dataDir: env.data, initialScreen: {id: 'drift', hostId}});
	try {
		const targets = await tui.waitFor('Roll back provider deepseek');
		t.regex(targets, /Roll back provider deepseek · \S+ \(2 batches\)/);
		t.regex(targets, /Roll back provider kimi · \S+ \(1 batch\)/);
		// The whole host and the three batches first, then deepseek, kimi and residue: two up from the end.
		await tui.press(KEY.end, KEY.up, KEY.up, KEY.enter);
		const plan = await tui.waitFor('Type host/pack sb/deepseek to confirm');
		t.regex(plan, /Roll back provider › deepseek/);
		t.true(plan.indexOf(`batch ${b.batch_id}`) < plan.indexOf(`batch ${a.batch_id}`), 'newest first');
		t.regex(plan, /2 batch\(es\), 9 resource\(s\) to delete/);
		await tui.type('sb/kimi');
		await tui.press(KEY.enter);
		await tui.waitFor('type host/pack exactly as shown');
		t.is(liveOurs(env.sandbox).accounts.length, 3, 'nothing deleted on a wrong confirmation');
		for (let i = 0; i < 7; i++) await tui.press(KEY.backspace);
		await tui.type('sb/deepseek');
		await tui.press(KEY.enter);
		const done = await tui.waitFor(new RegExp(`batch ${a.batch_id} is now rolled_back`), 30_000);
		t.regex(done, new RegExp(`batch ${b.batch_id} is now rolled_back · 4 deleted`));
		const left = liveOurs(env.sandbox).accounts;
		t.is(left.length, 1);
		t.true(left[0]!.name.includes('kimi'));
		t.is(parseJson(await env.run(['batch', 'show', kimi.batch_id, '--json'])).batch_status, 'succeeded');
	} finally {
		tui.unmount();
	}
});

test('Hosts › a host: both addresses shown; the gateway address set from the host screen', async (t) => {
	const env = await hostEnv(t);
	const {host_url: admin, gateway_url: gateway} = env.sandbox.info;
	const hostId = parseJson(await env.run(['host', 'show', 'sb', '--json'])).host_id;
	const tui = renderTui({dataDir: env.data, initialScreen: {id: 'host', hostId}});
	try {
		const first = await tui.waitFor('gateway address');
		t.true(first.includes(`admin address ${admin}`));
		t.true(first.includes(`gateway address ${admin} (the admin address)`));
		await tui.press(KEY.down, KEY.down, KEY.down, KEY.enter); // Set the gateway address
		await tui.waitFor('Gateway URL');
		for (let i = 0; i < admin.length; i++) await tui.press(KEY.backspace);
		await tui.type(gateway);
		await tui.press(KEY.enter);
		// The screen re-reads the host once the change is saved.
		const set = await tui.waitFor(
			(f) => f.includes(`✓ gateway address ${gateway}`) && !f.includes('(the admin address)'),
		);
		t.true(set.includes(`admin address ${admin}`));
		t.is(parseJson(await env.run(['host', 'show', 'sb', '--json'])).gateway_url, gateway);
		// Cleartext off this machine is refused here too (exit-2 message, nothing saved).
		await tui.press(KEY.down, KEY.down, KEY.down, KEY.enter);
		await tui.waitFor('Gateway URL');
		for (let i = 0; i < gateway.length; i++) await tui.press(KEY.backspace);
		await tui.type('http://0.0.0.0:9');
		await tui.press(KEY.enter);
		await tui.waitFor(/✗ the gateway address http:\/\/0\.0\.0\.0:9 is cleartext/);
		t.is(parseJson(await env.run(['host', 'show', 'sb', '--json'])).gateway_url, gateway);
	} finally {
		tui.unmount();
	}
});
