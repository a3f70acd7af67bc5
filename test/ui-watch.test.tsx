// The TUI's health views against a real in-process sandbox (ink-testing-library, every render
// unmounted): the Watch screen runs the loop live and stops on Esc; Status shows each provider's
// health (a mark in the list; last check, 24-hour sparkline, balance and alert state below); the
// finished import offers "Keep watching"; the batch screen rotates the key in a masked field.
import test from 'ava';
import {existsSync} from 'node:fs';
import {importProvider} from '../source/app/import.js';
import {healthSummary} from '../source/app/health.js';
import {Session} from '../source/app/session.js';
import {watch} from '../source/app/watch.js';
import {registerHost} from '../source/core/hosts/register.js';
import {startSandbox, type SandboxHandle} from '../source/sandbox/index.js';
import {dataPaths} from '../source/store/paths.js';
import {FAST, KEY, renderTui, tempData, type Tui} from './ui-helpers.js';

/** Presses a key until the screen shows `match` (its handlers may attach a moment after the frame). */
async function pressUntil(tui: Tui, key: string, match: string): Promise<void> {
	for (let i = 0; i < 5; i++) {
		await tui.press(key);
		try {
			await tui.waitFor(match, 5000);
			return;
		} catch {
			// not yet: press again
		}
	}
	await tui.waitFor(match, 1);
}

async function imported(sb: SandboxHandle, dataDir: string, pack = 'deepseek') {
	const session = new Session({dataDir, timing: FAST});
	const host = await session.withLock('host add', (store) =>
		registerHost(
			store,
			{name: 'lab', url: sb.info.host_url, credential: {type: 'admin_api_key', key: sb.info.admin_api_key}},
			{operator: {}},
		),
	);
	const up = sb.info.upstreams[pack]!;
	const run = {sink: () => {}, signal: new AbortController().signal};
	const result = await importProvider(
		session,
		{host: 'lab', pack, url: up.base_url, key: up.api_key, keepKey: true},
		run,
	);
	return {session, hostId: host.host_id, batchId: result.batch_id, run};
}

test('Watch screen: the loop live (a failing provider, its class and alert), Esc stops it cleanly', async (t) => {
	const sb = await startSandbox();
	t.teardown(() => sb.close());
	const dataDir = tempData();
	const {session, hostId, batchId} = await imported(sb, dataDir);
	sb.setFaults({upstream: {deepseek: 'quota'}});
	const tui = renderTui({dataDir, initialScreen: {id: 'watch', hostId, intervalS: 600}});
	try {
		tui.resize(80, 24);
		const frame = await tui.waitFor(/deepseek\s+\w{6}\s+failing\s+upstream_key_quota_issue/, 30_000);
		t.regex(frame, /Watch lab/);
		t.regex(frame, /each provider every 600 s · 1 check\(s\) · 1 alert\(s\)/);
		t.regex(frame, /alert failing: deepseek on lab \(batch b[\w-]+\) is failing: upst/);
		for (const line of frame.split('\n')) t.true(line.length <= 80, line);
		await tui.press(KEY.escape);
		await tui.waitFor('Import a provider', 20_000);
		const summary = await healthSummary(session);
		t.like(summary[batchId], {
			health: 'failing',
			failure_class: 'upstream_key_quota_issue',
			provider_status: 'degraded',
		});
		t.true(existsSync(dataPaths(dataDir).healthFile(batchId)));
		t.false(tui.frames.some((f) => f.includes(sb.info.upstreams.deepseek!.api_key)));
	} finally {
		await tui.close();
	}
});

test('Status health column: a mark per provider, then last check, 24-hour sparkline, balance, alert state', async (t) => {
	const sb = await startSandbox();
	t.teardown(() => sb.close());
	const dataDir = tempData();
	const {session, hostId, run} = await imported(sb, dataDir);
	sb.setFaults({upstream: {deepseek: 'quota'}});
	t.false((await watch(session, {once: true}, run)).all_ok);
	sb.setFaults({upstream: {deepseek: null}});
	t.true((await watch(session, {once: true}, run)).all_ok);
	const kimi = sb.info.upstreams.kimi!;
	await importProvider(session, {host: 'lab', pack: 'kimi', url: kimi.base_url, key: kimi.api_key}, run);
	const tui = renderTui({dataDir, initialScreen: {id: 'status-host', hostId}});
	try {
		tui.resize(80, 24);
		const frame = await tui.waitFor((f) => f.includes('24h checks') && f.includes('All batches'), 20_000);
		t.regex(frame, /❯ ✓ deepseek\s+http:\/\/127\.0\S*\/deepseek\s/, 'the base URL shortened in the middle');
		t.regex(frame, / {2}· kimi\s+http/, 'kimi has not been checked yet');
		t.regex(frame, /health ok · checked \d{4}-\d\d-\d\d \d\d:\d\d · \d+ms · balance 110\.5 CNY · alert none/);
		t.regex(frame, /24h latency [·▁-█ ]{24}/);
		t.regex(frame, /24h checks {2}[·✓✗]{23}✗ 2 checks, 1 failed/);
		t.regex(frame, / {4}PACK {5}BASE URL/, 'the mark column comes first');
		for (const line of frame.split('\n')) t.true(line.length <= 80, line);
		await tui.press(KEY.down);
		await tui.waitFor(/not checked yet: Watch health/);
	} finally {
		await tui.close();
	}
});

test('the finished import offers Keep watching; the batch screen rotates the key in a masked field', async (t) => {
	const dataDir = tempData();
	const tui = renderTui({dataDir});
	try {
		await tui.waitFor('❯ Try the sandbox host');
		await tui.press(KEY.enter);
		await tui.waitFor('Which provider pack?', 20_000);
		await tui.press(KEY.enter);
		await tui.waitFor('Provider base URL:');
		await tui.press(KEY.enter);
		await tui.waitFor('sandbox key filled in');
		await tui.press(KEY.enter);
		await tui.waitFor('❯ subscription');
		await tui.press(KEY.enter);
		await tui.waitFor('Start the import');
		await tui.press(KEY.enter);
		const done = await tui.waitFor(/access subscription_ready/, 30_000);
		t.regex(done, /Keep watching this provider/);
		await tui.press(KEY.down, KEY.down, KEY.down, KEY.down, KEY.down);
		await tui.waitFor('❯ Keep watching this provider');
		await tui.press(KEY.enter);
		await tui.waitFor(/deepseek\s+\w{6}\s+ok\s/, 30_000);
		await tui.press(KEY.escape);
		// Esc goes up one level of the menu (Watch is on Home), not back to the finished import.
		await tui.waitFor('crm › Home', 20_000);

		const sandbox = tui.session.sandbox!.handle;
		const state = (await new Session({dataDir}).read()).data;
		const batchId = state.batches[0]!.batch_id;
		const newKey = 'sk-rotated-in-the-tui-0000000003';
		sandbox.setUpstream({accept_keys: {deepseek: [newKey]}});
		// the batch screen: Status › lab › deepseek › the batch
		tui.unmount();
		const batch = renderTui({dataDir, initialScreen: {id: 'batch', batchId}, session: tui.session});
		try {
			await batch.waitFor('k new provider key');
			await pressUntil(batch, 'k', 'New provider key:');
			await batch.type('sk-refused-in-the-tui-000000004');
			await batch.press(KEY.enter);
			const refused = await batch.waitFor(/✗ the new key was refused by the provider/, 20_000);
			t.regex(refused, /nothing was changed/);
			await batch.press(KEY.enter);
			await batch.waitFor('k new provider key');
			await pressUntil(batch, 'k', 'New provider key:');
			await batch.type(newKey);
			const masked = await batch.waitFor(/New provider key: \*{32}/);
			t.false(masked.includes(newKey));
			await batch.press(KEY.enter);
			const rotated = await batch.waitFor(/✓ key sha256:\w+ → sha256:\w+; smoke subscription_ready/, 30_000);
			t.truthy(rotated);
			const account = sandbox.snapshot().accounts.find((a) => !a.deleted_at && a.name.startsWith('crm-'))!;
			t.is((account.credentials as {api_key: string}).api_key, newKey);
			t.false(
				batch.frames.some((f) => f.includes(newKey)),
				'the key is never drawn',
			);
		} finally {
			batch.unmount();
		}
	} finally {
		await tui.close();
	}
});
