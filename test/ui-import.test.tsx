// The import wizard end to end against a real in-process sandbox: keys through stdin, frames
// asserted. Try the sandbox host; a typed URL and key; validation as typed; Esc back through every
// stage; failures with class and next step; Ctrl-C stopping a run cleanly; a held lock; duplicates.
import test from 'ava';
import {registerHost} from '../source/core/hosts/register.js';
import {startSandbox, type SandboxHandle} from '../source/sandbox/index.js';
import {StateStore} from '../source/store/state-store.js';
import {KEY, renderTui, tempData, type Tui} from './ui-helpers.js';

async function hostIn(dataDir: string, sb: SandboxHandle, name = 'lab'): Promise<string> {
	const store = await StateStore.open(dataDir, {lock: {command: 'test'}});
	try {
		const host = await registerHost(
			store,
			{name, url: sb.info.host_url, credential: {type: 'admin_api_key', key: sb.info.admin_api_key}},
			{operator: {}},
		);
		return host.host_id;
	} finally {
		store.release();
	}
}

async function readState(dataDir: string) {
	return (await StateStore.open(dataDir)).data;
}

function noSecretIn(t: {false: (v: boolean, m?: string) => void}, tui: Tui, secret: string) {
	t.false(
		tui.frames.some((f) => f.includes(secret)),
		'a secret was drawn on the screen',
	);
}

/** A burst of backspaces, as key repeat sends them (faster than Ink renders). */
async function clearField(tui: Tui, length: number) {
	for (let i = 0; i < length; i++) tui.stdin.write(KEY.backspace);
	await new Promise((resolve) => setTimeout(resolve, 60));
}

test('Try the sandbox host: starts it in-process, registers it, prefilled wizard, import to subscription_ready', async (t) => {
	const dataDir = tempData();
	const tui = renderTui({dataDir});
	try {
		await tui.waitFor('❯ Try the sandbox host');
		await tui.press(KEY.enter);
		await tui.waitFor('Which provider pack?', 20_000);
		const sandbox = tui.session.sandbox;
		t.truthy(sandbox);
		const upstream = sandbox!.handle.info.upstreams.deepseek!;
		const state = await readState(dataDir);
		t.deepEqual(
			state.hosts.map((h) => h.name),
			['sandbox'],
		);
		// the pack list shows each pack's models and smoke model
		const packs = tui.frame();
		t.regex(packs, /❯ deepseek/);
		t.regex(packs, /models: deepseek-v4-flash/);
		t.regex(packs, /smoke model: deepseek-v4-flash/);
		await tui.press(KEY.enter);
		await tui.waitFor(`Provider base URL: ${upstream.base_url}`);
		await tui.press(KEY.enter);
		const key = await tui.waitFor('sandbox key filled in');
		t.regex(key, /Provider key: \*+/);
		await tui.press(KEY.enter);
		await tui.waitFor('❯ subscription');
		await tui.press(KEY.enter);
		const plan = await tui.waitFor('Start the import');
		t.regex(plan, /group\s+crm-deepseek-<batch> \(subscription\)/);
		t.regex(plan, /subscription\s+30 days/);
		await tui.press(KEY.enter);
		const done = await tui
			.waitFor('Home', 30_000)
			.then(() => tui.waitFor(/access subscription_ready/, 30_000));
		t.regex(done, /✓ host_probe/);
		t.regex(done, /✓ access_smoke/);
		t.regex(done, /succeeded · provider active · access subscription_ready/);
		t.regex(done, /completion 200 \(json\) with deepseek-v4-flash/);
		t.regex(done, /evidence .*artifacts/);
		t.regex(done, /❯ Run the smoke again/);
		noSecretIn(t, tui, upstream.api_key);
		noSecretIn(t, tui, sandbox!.handle.info.admin_api_key);
		const after = await readState(dataDir);
		t.is(after.batches.length, 1);
		t.is(after.batches[0]!.batch_status, 'succeeded');
		// run the smoke again (live, one step)
		await tui.press(KEY.enter);
		await tui.waitFor('the smoke passed again: subscription_ready');
		await tui.press(KEY.enter);
		await tui.waitFor('❯ Run the smoke again');
		// the lock is free once the run ended
		const locked = await StateStore.open(dataDir, {lock: {command: 'test'}});
		locked.release();
	} finally {
		await tui.close();
	}
	t.is(tui.session.sandbox, null, 'the sandbox is closed with the session');
});

test('wizard: typed URL validated as typed, masked key, self_service, Esc back through every stage', async (t) => {
	const sb = await startSandbox();
	const dataDir = tempData();
	await hostIn(dataDir, sb);
	const upstream = sb.info.upstreams.deepseek!;
	const tui = renderTui({dataDir});
	try {
		await tui.waitFor('❯ Import a provider');
		await tui.press(KEY.enter);
		await tui.waitFor('Into which host?');
		await tui.press(KEY.enter);
		await tui.waitFor('Which provider pack?');
		await tui.press(KEY.enter);
		const url = await tui.waitFor('Provider base URL: https://api.deepseek.com');
		t.regex(url, /prefilled from the pack/);
		await clearField(tui, 'https://api.deepseek.com'.length);
		await tui.type('api.example.com');
		const bad = await tui.waitFor('✗');
		t.regex(bad, /not an absolute URL/);
		await tui.press(KEY.enter);
		t.false(tui.frame().includes('Provider key'), 'Enter is refused while the URL is invalid');
		await clearField(tui, 'api.example.com'.length);
		await tui.type(upstream.base_url);
		await tui.waitFor('✓ looks right');
		await tui.press(KEY.enter);
		await tui.waitFor('Provider key:');
		await tui.type('has space');
		await tui.waitFor('contains spaces');
		await clearField(tui, 'has space'.length);
		await tui.type(upstream.api_key);
		await tui.waitFor('✓ looks right');
		await tui.press(KEY.enter);
		await tui.waitFor('Access mode:');
		await tui.press(KEY.down, KEY.enter);
		const plan = await tui.waitFor('Start the import');
		t.regex(plan, /standard, exclusive/);
		t.regex(plan, /balance\s+5 USD for that user/);

		// Esc goes back one stage at a time, keeping what was entered
		await tui.press(KEY.escape);
		await tui.waitFor('❯ self_service');
		await tui.press(KEY.escape);
		await tui.waitFor('Provider key: ****');
		await tui.press(KEY.escape);
		await tui.waitFor(`Provider base URL: ${upstream.base_url}`);
		await tui.press(KEY.escape);
		await tui.waitFor('Which provider pack?');
		await tui.press(KEY.escape);
		await tui.waitFor('Into which host?');
		// and forward again: the values are kept
		await tui.press(KEY.enter);
		await tui.waitFor('Which provider pack?');
		await tui.press(KEY.enter);
		await tui.waitFor(`Provider base URL: ${upstream.base_url}`);
		await tui.press(KEY.enter);
		await tui.waitFor('Provider key:');
		await tui.press(KEY.enter);
		await tui.waitFor('❯ self_service');
		await tui.press(KEY.enter);
		await tui.waitFor('Start the import');
		await tui.press(KEY.enter);
		const done = await tui.waitFor(/access self_service_ready/, 30_000);
		t.regex(done, /succeeded · provider active/);
		noSecretIn(t, tui, upstream.api_key);

		// the same key again: the plan names the earlier batch and offers force
		await tui.choose('Import another');
		await tui.waitFor('Into which host?');
		await tui.press(KEY.enter);
		await tui.waitFor('Which provider pack?');
		await tui.press(KEY.enter);
		await tui.waitFor('Provider base URL:');
		await tui.press(KEY.enter);
		await tui.waitFor('Provider key:');
		await tui.press(KEY.enter);
		await tui.waitFor('Access mode:');
		await tui.press(KEY.enter);
		const dup = await tui.waitFor('Import it again anyway (force)');
		t.regex(dup, /already imported into lab in self_service mode by batch\s+b/);
		await tui.press(KEY.enter);
		await tui.waitFor('Start the import');
		await tui.press(KEY.enter);
		await tui.waitFor(
			(f) => (f.match(/access self_service_ready/g) ?? []).length >= 1 && f.includes('finished'),
			30_000,
		);
		t.is((await readState(dataDir)).batches.filter((b) => b.batch_status === 'succeeded').length, 2);
	} finally {
		await tui.close();
		await sb.close();
	}
});

test('a failing upstream: red failure class with what to do next, nothing created', async (t) => {
	const sb = await startSandbox();
	sb.setFaults({upstream: {deepseek: 'auth'}});
	const dataDir = tempData();
	const hostId = await hostIn(dataDir, sb);
	const tui = renderTui({dataDir, initialScreen: {id: 'import', hostId}});
	try {
		await tui.waitFor('Which provider pack?');
		await tui.press(KEY.enter);
		await tui.waitFor('Provider base URL:');
		await clearField(tui, 'https://api.deepseek.com'.length);
		await tui.type(sb.info.upstreams.deepseek!.base_url);
		await tui.press(KEY.enter);
		await tui.waitFor('Provider key:');
		await tui.type('sk-wrong-key-123456');
		await tui.press(KEY.enter);
		await tui.waitFor('Access mode:');
		await tui.press(KEY.enter);
		await tui.waitFor('Start the import');
		await tui.press(KEY.enter);
		const done = await tui.waitFor('finished', 30_000);
		t.regex(done, /✗ upstream_probe/);
		t.regex(done, /failed at upstream_probe: upstream_auth_issue — the provider refused the key/);
		t.false(done.includes('Roll back this batch'), 'nothing was created, so nothing to roll back');
		const state = await readState(dataDir);
		t.is(state.batches[0]!.batch_status, 'failed');
		t.is(state.batches[0]!.resource_count, 0);
	} finally {
		await tui.close();
		await sb.close();
	}
});

test('Ctrl-C during a run stops it cleanly: the batch is marked where it stopped and the lock is free', async (t) => {
	const sb = await startSandbox({latencyMs: 150});
	const dataDir = tempData();
	const hostId = await hostIn(dataDir, sb);
	const tui = renderTui({dataDir, initialScreen: {id: 'import', hostId}});
	try {
		await tui.waitFor('Which provider pack?');
		await tui.press(KEY.enter);
		await tui.waitFor('Provider base URL:');
		await clearField(tui, 'https://api.deepseek.com'.length);
		await tui.type(sb.info.upstreams.deepseek!.base_url);
		await tui.press(KEY.enter);
		await tui.waitFor('Provider key:');
		await tui.type(sb.info.upstreams.deepseek!.api_key);
		await tui.press(KEY.enter);
		await tui.waitFor('Access mode:');
		await tui.press(KEY.enter);
		await tui.waitFor('Start the import');
		await tui.press(KEY.enter);
		await tui.waitFor('✓ create_group', 30_000);
		await tui.press(KEY.ctrlC);
		const done = await tui.waitFor('finished', 30_000);
		t.regex(done, /stopped by the operator during \w+; the batch is marked failed at that step/);
		t.regex(done, /roll back to remove them/);
		const state = await readState(dataDir);
		const batch = state.batches[0]!;
		t.is(batch.batch_status, 'failed');
		t.truthy(batch.stopped_at_step);
		t.true(batch.resource_count > 0);
		const locked = await StateStore.open(dataDir, {lock: {command: 'test'}});
		locked.release();
		// the app is still there: Ctrl-C outside a run quits
		t.regex(
			tui.frame(),
			/❯ Roll back \(\d+ resources?\)/,
			'what the stop left is offered for rollback first',
		);
	} finally {
		await tui.close();
		await sb.close();
	}
});

test('the data folder locked by another process: the run says so, and Retry (highlighted) works once it is free', async (t) => {
	const sb = await startSandbox();
	const dataDir = tempData();
	const hostId = await hostIn(dataDir, sb);
	const tui = renderTui({dataDir, initialScreen: {id: 'import', hostId}});
	const other = await StateStore.open(dataDir, {lock: {command: 'crm import'}});
	let released = false;
	try {
		await tui.waitFor('Which provider pack?');
		await tui.press(KEY.enter);
		await tui.waitFor('Provider base URL:');
		await clearField(tui, 'https://api.deepseek.com'.length);
		await tui.type(sb.info.upstreams.deepseek!.base_url);
		await tui.press(KEY.enter);
		await tui.waitFor('Provider key:');
		await tui.type(sb.info.upstreams.deepseek!.api_key);
		await tui.press(KEY.enter);
		await tui.waitFor('Access mode:');
		await tui.press(KEY.enter);
		await tui.waitFor('Start the import');
		await tui.press(KEY.enter);
		const locked = await tui.waitFor('❯ Retry');
		t.regex(locked, /locked by/);
		t.regex(locked, /Another crm holds the data folder/);
		other.release();
		released = true;
		await tui.press(KEY.enter);
		const done = await tui.waitFor(/access subscription_ready/, 30_000);
		t.regex(done, /access subscription_ready/, 'the import ran once the lock was free');
	} finally {
		if (!released) other.release();
		await tui.close();
		await sb.close();
	}
});

test('smoke model: picked from the pack on the plan, used by the import; run the smoke again records a failure', async (t) => {
	const sb = await startSandbox();
	const dataDir = tempData();
	const hostId = await hostIn(dataDir, sb);
	const tui = renderTui({dataDir, initialScreen: {id: 'import', hostId}});
	try {
		await tui.waitFor('Which provider pack?');
		await tui.press(KEY.enter);
		await tui.waitFor('Provider base URL:');
		await clearField(tui, 'https://api.deepseek.com'.length);
		await tui.type(sb.info.upstreams.deepseek!.base_url);
		await tui.press(KEY.enter);
		await tui.waitFor('Provider key:');
		await tui.type(sb.info.upstreams.deepseek!.api_key);
		await tui.press(KEY.enter);
		await tui.waitFor('Access mode:');
		await tui.press(KEY.enter);
		const plan = await tui.waitFor('Change the smoke model');
		t.regex(plan, /smoke model pack default \(deepseek-v4-flash\)/);
		await tui.press(KEY.down, KEY.enter);
		const list = await tui.waitFor('Smoke model:');
		t.regex(list, /❯ pack default \(deepseek-v4-flash\)/);
		t.regex(list, /deepseek-v4-pro/);
		t.regex(list, /Another model \(type its id\)…/);
		// Esc returns to the plan unchanged
		await tui.press(KEY.escape);
		await tui.waitFor('Change the smoke model');
		await tui.press(KEY.down, KEY.enter);
		await tui.waitFor('❯ pack default');
		await tui.press(KEY.down, KEY.enter);
		const chosen = await tui.waitFor('smoke model deepseek-v4-pro (chosen)');
		t.regex(chosen, /pack: deepseek · smoke deepseek-v4-pro \(chosen\)/);
		await tui.press(KEY.home, KEY.enter);
		const done = await tui.waitFor(/access subscription_ready/, 30_000);
		t.regex(done, /completion 200 \(json\) with deepseek-v4-pro/);
		const batch = (await readState(dataDir)).batches[0]!;
		t.is(batch.batch_status, 'succeeded');

		// the upstream's chat now fails: the smoke again says so and records it
		sb.setFaults({upstream: {deepseek: 'chat_fail'}});
		await tui.waitFor('❯ Run the smoke again');
		await tui.press(KEY.enter);
		const failed = await tui.waitFor('the smoke failed this time', 30_000);
		t.regex(failed, /recorded in the batch/);
		t.false((await readState(dataDir)).batches[0]!.access_status.endsWith('_ready'));
		await tui.press(KEY.enter);
		await tui.waitFor('❯ Run the smoke again');
	} finally {
		await tui.close();
		await sb.close();
	}
});
