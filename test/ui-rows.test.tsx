// Enter on any row opens its full detail, and the tables fit the terminal (at 80x24 and 160x45): a
// batch's resources (Enter: the resource's full record), an acceptance run's batch rows (Enter: the
// batch), a rollback plan's lines, a batch's and a provider's (↑ from the confirmation into the
// rows, Enter: the resource's record, Esc back to the field, which kept what was typed). And a batch
// import's ready row offers its smoke as a ready-to-paste curl (on its batch): key masked until asked.
import {chmodSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import test from 'ava';
import {maskSecret} from '../source/lib/secrets.js';
import {startSandbox} from '../source/sandbox/index.js';
import {StateStore} from '../source/store/state-store.js';
import {importDirect} from './helpers/setup.js';
import {
	acceptThroughForm,
	fitsWidth,
	KEY,
	registerLab,
	renderTui,
	SIZES,
	tempData,
	type Tui,
} from './ui-helpers.js';

const flat = (f: string) => f.replace(/\s+/g, ' ');

/** The record view of `type` is drawn: its JSON, with its snapshot, fitted to the width. */
async function recordShown(t: {regex: (s: string, r: RegExp) => void}, tui: Tui, type: string) {
	const record = await tui.waitFor(`"resource_type": "${type}"`);
	t.regex(record, /"snapshot": \{/);
	t.regex(record, /"status": "created"/);
	t.regex(record, /the record in batches\/b\S+\.json/);
	return record;
}

for (const [columns, rows] of SIZES) {
	const wide = columns >= 160;

	test(`${columns}x${rows}: a batch's resources are rows: Enter opens one's full record, Esc back to the row`, async (t) => {
		const sb = await startSandbox();
		t.teardown(() => sb.close());
		const dataDir = tempData();
		const hostId = await registerLab(dataDir, sb);
		const imported = await importDirect(dataDir, sb, hostId, 'deepseek');
		const account = imported.resources.find((r) => r.resource_type === 'account')!;
		const tui = renderTui({dataDir, initialScreen: {id: 'batch', batchId: imported.batch_id}});
		tui.resize(columns, rows);
		try {
			await tui.waitFor('[steps]');
			await tui.press(KEY.right);
			const tab = await tui.waitFor(/❯ created\s+group/);
			t.regex(tab, /Enter the full record/);
			t.regex(tab, /STATUS\s+RESOURCE\s+CREATED/, 'the created column fits both sizes');
			t.regex(tab, /❯ created\s+group #\d+ crm-deepseek-/);
			t.deepEqual(fitsWidth(tab, columns), []);
			await tui.choose(`created  account #${account.host_resource_id}`);
			const record = await recordShown(t, tui, 'account');
			t.regex(
				record,
				new RegExp(`Batch ${imported.batch_id} › account #${account.host_resource_id} crm-deepseek-`),
			);
			t.true(record.includes(`"host_resource_id": "${account.host_resource_id}"`));
			t.deepEqual(fitsWidth(record, columns), []);
			await tui.press(KEY.escape);
			const back = await tui.waitFor('[resources]');
			t.regex(back, /❯ created\s+account #/, 'back on the row it opened');
		} finally {
			await tui.close();
		}
	});

	test(`${columns}x${rows}: a rollback plan's lines are rows: ↑ into them, Enter opens the record, Esc back to the field`, async (t) => {
		const sb = await startSandbox();
		t.teardown(() => sb.close());
		const dataDir = tempData();
		const hostId = await registerLab(dataDir, sb);
		const imported = await importDirect(dataDir, sb, hostId, 'deepseek');
		const tui = renderTui({
			dataDir,
			initialScreen: {id: 'drift', hostId, batchId: imported.batch_id, then: 'rollback'},
		});
		tui.resize(columns, rows);
		try {
			const plan = await tui.waitFor('Type the batch id');
			t.regex(plan, /ACTION\s+TYPE\s+HOST ID\s+NAME\s+WHY/, 'the CLI’s plan columns');
			t.regex(plan, /delete\s+api_key\s+#\d+\s+crm-deepseek-.*\srecorded by this batch/);
			t.regex(plan, /↑ the plan’s rows/);
			t.false(plan.includes('❯'), 'no row highlighted while the field has the keys');
			t.deepEqual(fitsWidth(plan, columns), []);
			await tui.type(imported.batch_id.slice(0, 5));
			await tui.press(KEY.up);
			const onRows = await tui.waitFor(/❯ delete\s+group/);
			t.regex(onRows, /Esc back to the confirmation/);
			await tui.press(KEY.up);
			await tui.waitFor(/❯ delete\s+account/);
			await tui.press(KEY.enter);
			const record = await recordShown(t, tui, 'account');
			t.regex(record, new RegExp(`Batch ${imported.batch_id} › account #\\d+ crm-deepseek-`));
			t.deepEqual(fitsWidth(record, columns), []);
			await tui.press(KEY.escape);
			await tui.waitFor(/❯ delete\s+account/);
			await tui.press(KEY.escape);
			const field = await tui.waitFor((f) => f.includes('↑ the plan’s rows') && !f.includes('❯'));
			t.true(field.includes(`Batch id: ${imported.batch_id.slice(0, 5)}`), 'what was typed is kept');
			await tui.type(imported.batch_id.slice(5));
			await tui.waitFor('✓ looks right');
			await tui.press(KEY.enter);
			await tui.waitFor(/is now\s+rolled_back/, 30_000);
		} finally {
			await tui.close();
		}
	});

	test(`${columns}x${rows}: a provider's rollback plan: rows of every batch (with the batch where it fits), Enter opens the record`, async (t) => {
		const sb = await startSandbox();
		t.teardown(() => sb.close());
		const dataDir = tempData();
		const hostId = await registerLab(dataDir, sb);
		const older = await importDirect(dataDir, sb, hostId, 'deepseek', 'subscription');
		const newer = await importDirect(dataDir, sb, hostId, 'deepseek', 'self_service');
		const url = sb.info.upstreams.deepseek!.base_url;
		const tui = renderTui({dataDir, initialScreen: {id: 'rollback-provider', hostId, pack: 'deepseek', url}});
		tui.resize(columns, rows);
		try {
			const plan = await tui.waitFor('Type host/pack lab/deepseek to confirm');
			t.true(plan.indexOf(`batch ${newer.batch_id}`) < plan.indexOf(`batch ${older.batch_id}`));
			t.is(/BATCH\s+ACTION\s+TYPE/.test(plan), wide, 'the batch column where it fits');
			t.deepEqual(fitsWidth(plan, columns), []);
			await tui.press(KEY.up);
			const last = await tui.waitFor(/❯ .*delete\s+group/);
			t.true(last.includes(`batch ${older.batch_id}: recorded by this batch`), 'the row’s batch, below');
			await tui.press(KEY.enter);
			const record = await recordShown(t, tui, 'group');
			t.true(record.includes(`Batch ${older.batch_id} › group #`));
			await tui.press(KEY.escape);
			await tui.waitFor(/❯ .*delete\s+group/);
			await tui.press(KEY.escape);
			await tui.waitFor((f) => f.includes('↑ the plan’s rows') && !f.includes('❯'));
			await tui.press(KEY.escape);
			await tui.waitFor('Drift & rollback › lab');
		} finally {
			await tui.close();
		}
	});

	test(`${columns}x${rows}: an acceptance run's batch rows fit the terminal; ↑ from the actions, Enter opens the batch`, async (t) => {
		const sb = await startSandbox();
		t.teardown(() => sb.close());
		const dataDir = tempData();
		const hostId = await registerLab(dataDir, sb);
		const tui = renderTui({dataDir, initialScreen: {id: 'acceptance', hostId}});
		tui.resize(columns, rows);
		try {
			await acceptThroughForm(tui, sb.info.upstreams.deepseek!);
			const done = await tui.waitFor('❯ Keep it as final evidence', 90_000);
			const batchId = (await StateStore.open(dataDir)).data.batches[0]!.batch_id;
			t.regex(done, /MODE\s+BATCH\s+STATUS\s+ACCESS\s+RECONCILE/);
			t.regex(done, new RegExp(`subscription\\s+${batchId}\\s+succeeded\\s+subscription_ready\\s+in_sync`));
			const live = done.slice(done.indexOf('crm › Acceptance of'));
			t.deepEqual(fitsWidth(live, columns), []);
			if (wide) {
				const header = done.split('\n').find((l) => l.includes('RECONCILE'))!;
				t.true(
					header.indexOf('RECONCILE') - header.indexOf('ACCESS') > 18,
					'ACCESS grows on a wide terminal',
				);
			}
			await tui.press(KEY.up);
			await tui.waitFor(new RegExp(`❯ subscription\\s+${batchId}`));
			await tui.press(KEY.enter);
			const batch = await tui.waitFor('[steps]');
			t.true(batch.includes(`Batch ${batchId}`));
			await tui.press(KEY.escape);
			await tui.waitFor('deepseek batches', 15_000); // up one level: the provider's batches
		} finally {
			await tui.close();
		}
	});

	test(`${columns}x${rows}: a batch import's ready row: its batch offers the smoke as a curl, key masked until asked`, async (t) => {
		const sb = await startSandbox();
		t.teardown(() => sb.close());
		const dataDir = tempData();
		await registerLab(dataDir, sb);
		const up = sb.info.upstreams;
		const file = path.join(tempData('crm-csv'), 'providers.csv');
		writeFileSync(file, `url,key,pack\n${up.kimi!.base_url},${up.kimi!.api_key},kimi\n`);
		chmodSync(file, 0o600);
		const tui = renderTui({dataDir, initialScreen: {id: 'batch-import'}});
		tui.resize(columns, rows);
		try {
			await tui.waitFor('File:');
			await tui.type(file);
			await tui.press(KEY.enter);
			await tui.waitFor('❯ Detect the packs');
			await tui.press(KEY.enter);
			await tui.waitFor('❯ Import 1 row(s) into lab', 20_000);
			await tui.press(KEY.enter);
			await tui.waitFor(/1 succeeded/, 60_000);
			const state = (await StateStore.open(dataDir)).data;
			const batchId = state.batches[0]!.batch_id;
			const userKey = state.batch_secrets[batchId]!.user_key!;
			await tui.waitFor(`batch ${batchId} (Enter opens it)`);
			await tui.press(KEY.enter);
			const batch = await tui.waitFor('✓ access_smoke');
			t.regex(batch, wide ? /u the smoke as a curl/ : /\? more keys/);
			await tui.press('u');
			const masked = await tui.waitFor('The smoke by hand');
			t.true(flat(masked).includes(`KEY='${maskSecret(userKey)}'`), 'masked by default');
			t.false(flat(masked).includes(userKey));
			t.regex(flat(masked), /"model": "[\w.-]+"/);
			t.deepEqual(fitsWidth(masked, columns), []);
			const live = masked.split('\n');
			t.true(live.length <= rows, `${live.length} lines drawn`);
			await tui.choose('Show the key');
			const shown = await tui.waitFor((f) => f.includes('Hide the key') && !f.includes(maskSecret(userKey)));
			t.true(shown.includes(`KEY='${userKey}'`), 'the key, on request');
			await tui.press(KEY.escape);
			const closed = await tui.waitFor((f) => f.includes('[steps]') && !f.includes('The smoke by hand'));
			t.false(closed.includes(userKey), 'hidden again when the curl closes');
		} finally {
			await tui.close();
		}
	});
}
