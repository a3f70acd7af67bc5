// The next step is the right one (at 80x24 and 160x45): after a failure that left resources on the
// host the highlighted action is "Roll back (N resources)" and it leads to the typed confirmation;
// after a transient failure that created nothing, "Retry"; a failed acceptance run offers to roll
// its batches back, never to keep it as final evidence.
import test from 'ava';
import {startSandbox} from '../source/sandbox/index.js';
import {StateStore} from '../source/store/state-store.js';
import {
	acceptThroughForm,
	fitsWidth,
	importThroughForm,
	KEY,
	registerLab,
	renderTui,
	SIZES,
	tempData,
} from './ui-helpers.js';

for (const [columns, rows] of SIZES) {
	test(`${columns}x${rows}: a failure that created resources highlights "Roll back (N resources)"; it rolls them back`, async (t) => {
		const sb = await startSandbox();
		sb.setFaults({gateway_503_count: 100_000});
		const dataDir = tempData();
		const hostId = await registerLab(dataDir, sb);
		const tui = renderTui({dataDir, initialScreen: {id: 'import', hostId}});
		tui.resize(columns, rows);
		try {
			await importThroughForm(tui, sb.info.upstreams.deepseek!);
			const done = await tui.waitFor('finished', 60_000);
			t.regex(done, /failed at access_smoke: host_compatibility_gap/);
			t.regex(done, /❯ Roll back \(5 resources\)/, 'the rollback is the highlighted action');
			t.deepEqual(fitsWidth(done, columns), []);
			const batchId = (await StateStore.open(dataDir)).data.batches[0]!.batch_id;
			await tui.press(KEY.enter);
			const plan = await tui.waitFor('Type the batch id');
			t.regex(plan, new RegExp(`Roll back › ${batchId}`));
			t.deepEqual(fitsWidth(plan, columns), []);
			await tui.type(batchId);
			await tui.press(KEY.enter);
			const rolled = await tui.waitFor(/is now\s+rolled_back/, 30_000);
			t.regex(rolled, /5 deleted/);
			t.is((await StateStore.open(dataDir)).data.batches[0]!.batch_status, 'rolled_back');
		} finally {
			await tui.close();
			await sb.close();
		}
	});

	test(`${columns}x${rows}: a transient failure that created nothing highlights "Retry", which runs it again`, async (t) => {
		const sb = await startSandbox();
		const dataDir = tempData();
		const hostId = await registerLab(dataDir, sb);
		const tui = renderTui({dataDir, initialScreen: {id: 'import', hostId}});
		tui.resize(columns, rows);
		try {
			sb.setFaults({host_down: true});
			await importThroughForm(tui, sb.info.upstreams.deepseek!);
			const done = await tui.waitFor('finished', 60_000);
			t.regex(done, /network_unreachable/);
			t.regex(done, /❯ Retry/);
			t.false(done.includes('Roll back ('), 'nothing was created, so nothing to roll back');
			t.deepEqual(fitsWidth(done, columns), []);
			sb.setFaults({host_down: false});
			await tui.press(KEY.enter);
			const again = await tui.waitFor(/access subscription_ready/, 60_000);
			t.regex(again, /succeeded · provider active/);
		} finally {
			await tui.close();
			await sb.close();
		}
	});
}

for (const [columns, rows] of SIZES) {
	test(`${columns}x${rows}: a failed acceptance run offers to roll its batch back, not to keep it as final evidence`, async (t) => {
		const sb = await startSandbox();
		sb.setFaults({gateway_503_count: 100_000});
		const dataDir = tempData();
		const hostId = await registerLab(dataDir, sb);
		const tui = renderTui({dataDir, initialScreen: {id: 'acceptance', hostId}});
		tui.resize(columns, rows);
		try {
			await acceptThroughForm(tui, sb.info.upstreams.deepseek!);
			const done = await tui.waitFor('finished', 90_000);
			t.regex(done, /❯ Roll back the subscription batch \(5 resources\)/);
			t.false(done.includes('Keep it as final evidence'));
			t.deepEqual(fitsWidth(done, columns), []);
			await tui.press(KEY.enter);
			await tui.waitFor('Type the batch id');
		} finally {
			await tui.close();
			await sb.close();
		}
	});
}
