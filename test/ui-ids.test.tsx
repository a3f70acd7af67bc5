// Ids look like ids, amounts have units (TUI at 80x24 and 160x45, and the CLI): a resource on the
// host reads `group #1 crm-deepseek-4483c2` in the batch's resources, its reconcile items, the
// rollback plan and result; the smoke user's balance in the import plan reads `5 USD`.
import test from 'ava';
import {startSandbox} from '../source/sandbox/index.js';
import {runCli} from './helpers/cli.js';
import {importDirect} from './helpers/setup.js';
import {fitsWidth, KEY, registerLab, renderTui, SIZES, tempData} from './ui-helpers.js';

for (const [columns, rows] of SIZES) {
	test(`${columns}x${rows}: resources read "group #1 crm-deepseek-…", the plan's balance has its unit`, async (t) => {
		const sb = await startSandbox();
		t.teardown(() => sb.close());
		const dataDir = tempData();
		const hostId = await registerLab(dataDir, sb);
		const done = await importDirect(dataDir, sb, hostId, 'deepseek');
		const tui = renderTui({dataDir, initialScreen: {id: 'batch', batchId: done.batch_id}});
		tui.resize(columns, rows);
		try {
			await tui.waitFor(`Batch ${done.batch_id}`);
			await tui.press(KEY.right);
			const resources = await tui.waitFor('RESOURCE');
			t.regex(resources, /created\s+group #\d+ crm-deepseek-[0-9a-f]{6}/);
			t.regex(resources, /created\s+api key #\d+ /);
			t.deepEqual(fitsWidth(resources, columns), []);
		} finally {
			await tui.close();
		}
		const plan = renderTui({dataDir, initialScreen: {id: 'import', hostId}});
		plan.resize(columns, rows);
		try {
			await plan.waitFor('Which provider pack?');
			await plan.choose('kimi');
			await plan.waitFor('Provider base URL:');
			await plan.press(...Array.from({length: 60}, () => KEY.backspace));
			await plan.type(sb.info.upstreams.kimi!.base_url);
			await plan.press(KEY.enter);
			await plan.waitFor('Provider key:');
			await plan.type(sb.info.upstreams.kimi!.api_key);
			await plan.press(KEY.enter);
			await plan.waitFor('Access mode:');
			await plan.choose('self_service');
			const frame = await plan.waitFor('Start the import');
			t.regex(frame, /balance\s+\d+(\.\d+)? USD for that user/);
			t.deepEqual(fitsWidth(frame, columns), []);
		} finally {
			await plan.close();
		}
	});
}

test('the CLI writes ids and amounts the same way', async (t) => {
	const sb = await startSandbox();
	t.teardown(() => sb.close());
	const dataDir = tempData();
	const hostId = await registerLab(dataDir, sb);
	const done = await importDirect(dataDir, sb, hostId, 'deepseek');
	const show = await runCli(['batch', 'show', done.batch_id, '--data', dataDir]);
	t.regex(show.stdout, /group #\d+ crm-deepseek-[0-9a-f]{6}/);
	const plan = await runCli(['rollback', '--batch', done.batch_id, '--dry-run', '--data', dataDir]);
	t.regex(plan.stdout, /delete\s+group\s+#\d+\s+crm-deepseek-/);
	const rolled = await runCli(['rollback', '--batch', done.batch_id, '--yes', '--data', dataDir]);
	t.regex(rolled.stdout, /deleted\s+group #\d+ crm-deepseek-[0-9a-f]{6}/);
});
