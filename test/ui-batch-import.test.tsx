// Batch import: a file of url,key lines against the sandbox: invalid lines reported, packs
// detected and confirmed, rows imported in a live table, totals; Esc back before the run.
import {chmodSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import test from 'ava';
import {registerHost} from '../source/core/hosts/register.js';
import {startSandbox} from '../source/sandbox/index.js';
import {StateStore} from '../source/store/state-store.js';
import {KEY, renderTui, tempData} from './ui-helpers.js';

test('batch import: check the file, detect packs, import rows live, totals', async (t) => {
	const sb = await startSandbox();
	const dataDir = tempData();
	const store = await StateStore.open(dataDir, {lock: {command: 'test'}});
	await registerHost(
		store,
		{name: 'lab', url: sb.info.host_url, credential: {type: 'admin_api_key', key: sb.info.admin_api_key}},
		{operator: {}},
	);
	store.release();
	const up = sb.info.upstreams;
	const file = path.join(tempData('crm-csv'), 'providers.csv');
	writeFileSync(
		file,
		[
			'url,key,pack,access',
			`${up.deepseek!.base_url},${up.deepseek!.api_key}`,
			`${up.kimi!.base_url},${up.kimi!.api_key},kimi,self_service`,
			'not-a-url,sk-abcdef123456',
		].join('\n') + '\n',
	);
	chmodSync(file, 0o600);
	const tui = renderTui({dataDir, initialScreen: {id: 'batch-import'}});
	tui.resize(160, 45);
	try {
		await tui.waitFor('File:');
		await tui.type(file);
		await tui.press(KEY.enter);
		const checked = await tui.waitFor('2 valid line(s), 1 invalid');
		t.regex(checked, /line 4: url:/);
		t.false(checked.includes('sk-abcdef123456'), 'a key is never quoted');
		// Esc back to the file, and forward again
		await tui.press(KEY.escape);
		await tui.waitFor('File:');
		await tui.press(KEY.enter);
		await tui.waitFor('❯ Leave out the invalid lines and detect the packs');
		await tui.press(KEY.enter);
		const detected = await tui.waitFor('❯ Import 2 row(s) into lab', 20_000);
		t.regex(detected, /2\s+http:\/\/127\.0\.0\.1:\S+\s+deepseek\s+models\s+ready to import/);
		t.regex(detected, /3\s+http:\/\/127\.0\.0\.1:\S+\s+kimi\s+column\s+ready to import/);
		await tui.press(KEY.enter);
		const done = await tui.waitFor(/2 succeeded · 0 failed · 0 skipped · 1 invalid/, 30_000);
		t.regex(done, /succeeded .*subscription_ready/);
		t.regex(done, /succeeded .*self_service_ready/);
		for (const secret of [up.deepseek!.api_key, up.kimi!.api_key, 'sk-abcdef123456'])
			t.false(
				tui.frames.some((f) => f.includes(secret)),
				'no key on screen',
			);
		const state = (await StateStore.open(dataDir)).data;
		t.is(state.batches.filter((b) => b.batch_status === 'succeeded').length, 2);
	} finally {
		await tui.close();
		await sb.close();
	}
});

test('batch import without a host: says so; Esc goes home', async (t) => {
	const tui = renderTui({initialScreen: {id: 'batch-import'}});
	try {
		const frame = await tui.waitFor('No host registered yet');
		t.truthy(frame);
		await tui.press(KEY.escape);
		await tui.waitFor('crm › Home');
	} finally {
		await tui.close();
	}
});
