// Repair tells the truth (TUI at 80x24 and 160x45): a missing key is recreated once, with why; a
// missing subscription is reassigned without a second key for a key still on the host; a reconcile
// after the repair says whether drift remains; what repair cannot mend in place is said as such,
// with the rollback offered first.
import test from 'ava';
import {startSandbox, type SandboxHandle} from '../source/sandbox/index.js';
import {idOf, importDirect, oob} from './helpers/setup.js';
import {fitsWidth, registerLab, renderTui, SIZES, tempData} from './ui-helpers.js';

/** The smoke user's keys on the sandbox that are not deleted. */
function liveKeysOf(sb: SandboxHandle, userId: number): number {
	return sb.snapshot().api_keys.filter((k: any) => k.user_id === userId && !k.deleted_at).length;
}

for (const [columns, rows] of SIZES) {
	test(`${columns}x${rows}: a missing subscription is reassigned, no second key is made, and it says why`, async (t) => {
		const sb = await startSandbox();
		const dataDir = tempData();
		const hostId = await registerLab(dataDir, sb);
		const imported = await importDirect(dataDir, sb, hostId, 'deepseek', 'subscription');
		const user = idOf(imported, 'user');
		await oob(sb, {op: 'delete', type: 'subscription', id: idOf(imported, 'subscription')});
		const tui = renderTui({
			dataDir,
			initialScreen: {id: 'drift', hostId, batchId: imported.batch_id, then: 'reconcile'},
		});
		tui.resize(columns, rows);
		try {
			await tui.waitFor('❯ Repair', 30_000);
			await tui.choose('Repair');
			const done = await tui.waitFor(/repaired · access subscription_ready/, 60_000);
			t.regex(done, /reassigned subscription #\d+/);
			t.regex(done, /why: the batch's subscription #\d+ is missing on the host/);
			t.notRegex(done, /recreated api key/, 'the key is still on the host: no second one');
			t.regex(done, /repaired: what was missing is back/);
			t.deepEqual(fitsWidth(done, columns), []);
			t.is(liveKeysOf(sb, user), 1);
		} finally {
			await tui.close();
			await sb.close();
		}
	});

	test(`${columns}x${rows}: a changed key is not mended in place; drift remains and the rollback is offered first`, async (t) => {
		const sb = await startSandbox();
		const dataDir = tempData();
		const hostId = await registerLab(dataDir, sb);
		const imported = await importDirect(dataDir, sb, hostId, 'deepseek', 'subscription');
		const user = idOf(imported, 'user');
		await oob(sb, {op: 'delete', type: 'subscription', id: idOf(imported, 'subscription')});
		await oob(sb, {
			op: 'update',
			type: 'api_key',
			id: idOf(imported, 'api_key'),
			patch: {name: 'renamed-by-hand'},
		});
		const tui = renderTui({
			dataDir,
			initialScreen: {id: 'drift', hostId, batchId: imported.batch_id, then: 'reconcile'},
		});
		tui.resize(columns, rows);
		try {
			await tui.waitFor('❯ Repair', 30_000);
			await tui.choose('Repair');
			const done = await tui.waitFor(/drift_remains · access/, 60_000);
			t.regex(done, /not mended: api key #\d+/);
			t.regex(done, /repair does not make a second one/);
			t.regex(done, /❯ Roll back this batch/);
			t.notRegex(done, /\bsucceeded\b/);
			t.deepEqual(fitsWidth(done, columns), []);
			t.is(liveKeysOf(sb, user), 1, 'no second key beside the changed one');
		} finally {
			await tui.close();
			await sb.close();
		}
	});
}
