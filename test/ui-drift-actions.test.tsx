// From drift to action (TUI at 80x24 and 160x45): the host-wide reconcile lists every drifted item
// with its batch (as the CLI's table does); Enter on an item offers that batch's repair (when only
// access is missing) and its rollback; residue belongs to no batch and says so.
import test from 'ava';
import {startSandbox} from '../source/sandbox/index.js';
import {runCli} from './helpers/cli.js';
import {idOf, importDirect, oob} from './helpers/setup.js';
import {fitsWidth, KEY, registerLab, renderTui, SIZES, tempData} from './ui-helpers.js';

for (const [columns, rows] of SIZES) {
	test(`${columns}x${rows}: the host-wide reconcile has a batch column and offers repair or roll back for the row's batch`, async (t) => {
		const sb = await startSandbox();
		t.teardown(() => sb.close());
		const dataDir = tempData();
		const hostId = await registerLab(dataDir, sb);
		const deepseek = await importDirect(dataDir, sb, hostId, 'deepseek');
		const kimi = await importDirect(dataDir, sb, hostId, 'kimi');
		await oob(sb, {op: 'delete', type: 'api_key', id: idOf(kimi, 'api_key')});
		await oob(sb, {op: 'create', type: 'group', body: {name: 'crm-deepseek-zzzzzz'}});
		const tui = renderTui({dataDir, initialScreen: {id: 'drift', hostId}});
		tui.resize(columns, rows);
		try {
			await tui.waitFor('❯ The whole host');
			await tui.press(KEY.enter);
			const frame = await tui.waitFor(/drifted · 1 missing · 1 unmanaged/, 20_000);
			t.regex(frame, /STATE\s+BATCH\s+RESOURCE\s+DETAIL/);
			t.regex(frame, new RegExp(`❯ missing\\s+${kimi.batch_id}\\s+api key #\\d+`));
			t.regex(frame, /unmanaged\s+-\s+group #\d+ crm-/);
			t.regex(frame, new RegExp(`batch ${kimi.batch_id}: Enter offers repair or roll back`));
			t.false(frame.includes(deepseek.batch_id), 'a batch in sync is not listed among the drifted');
			t.deepEqual(fitsWidth(frame, columns), []);
			// residue: no batch to act on
			await tui.press(KEY.down);
			const residue = await tui.waitFor('unmanaged residue (no batch)');
			t.regex(residue, /group #\d+ crm-deepseek-zzzzzz: /, 'the highlighted item in full');
			await tui.press(KEY.enter);
			await tui.waitFor('belongs to no batch');
			// the missing key's batch: repair first, roll back too
			await tui.press(KEY.up, KEY.enter);
			const menu = await tui.waitFor(`❯ Repair batch ${kimi.batch_id}`);
			t.regex(menu, new RegExp(`Roll back batch ${kimi.batch_id}`));
			t.deepEqual(fitsWidth(menu, columns), []);
			await tui.press(KEY.down, KEY.enter);
			const plan = await tui.waitFor('Type the batch id');
			t.regex(plan, new RegExp(`Roll back › ${kimi.batch_id}`));
			await tui.press(KEY.escape);
			await tui.waitFor(/drifted · 1 missing · 1 unmanaged/, 20_000);
			await tui.press(KEY.enter);
			await tui.waitFor(`❯ Repair batch ${kimi.batch_id}`);
			await tui.press(KEY.enter);
			const repaired = await tui.waitFor(/repaired · access subscription_ready/, 30_000);
			t.regex(repaired, new RegExp(`Repair › ${kimi.batch_id}`));
			t.deepEqual(fitsWidth(repaired, columns), []);
		} finally {
			await tui.close();
		}
	});
}

test('the CLI names the same batch in its reconcile table', async (t) => {
	const sb = await startSandbox();
	t.teardown(() => sb.close());
	const dataDir = tempData();
	const hostId = await registerLab(dataDir, sb);
	const kimi = await importDirect(dataDir, sb, hostId, 'kimi');
	await oob(sb, {op: 'delete', type: 'api_key', id: idOf(kimi, 'api_key')});
	const result = await runCli(['reconcile', '--host', 'lab', '--data', dataDir]);
	t.regex(result.stdout, /STATE\s+BATCH\s+RESOURCE\s+DETAIL/);
	t.regex(result.stdout, new RegExp(`missing\\s+${kimi.batch_id}\\s+api key #\\d+`));
});
