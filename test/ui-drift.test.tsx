// Drift & rollback screens against a real sandbox: reconcile a batch (in sync, then changed with the
// field, then missing), repair, the whole host with unmanaged residue, and a rollback confirmed by
// typing the batch id.
import test from 'ava';
import {runImport} from '../source/core/import/run-import.js';
import {loadPacks} from '../source/core/packs/packs.js';
import {registerHost} from '../source/core/hosts/register.js';
import {startSandbox, type SandboxHandle} from '../source/sandbox/index.js';
import {StateStore} from '../source/store/state-store.js';
import {FAST, KEY, renderTui, tempData} from './ui-helpers.js';

interface Env {
	sb: SandboxHandle;
	dataDir: string;
	hostId: string;
	batchId: string;
	idOf: (type: string) => number;
}

async function importedEnv(): Promise<Env> {
	const sb = await startSandbox();
	const dataDir = tempData();
	const store = await StateStore.open(dataDir, {lock: {command: 'test'}});
	try {
		const host = await registerHost(
			store,
			{name: 'lab', url: sb.info.host_url, credential: {type: 'admin_api_key', key: sb.info.admin_api_key}},
			{operator: {}},
		);
		const up = sb.info.upstreams.deepseek!;
		const result = await runImport({
			store,
			packs: loadPacks(),
			request: {host: host.host_id, pack: 'deepseek', url: up.base_url, key: up.api_key},
			sink: () => {},
			signal: new AbortController().signal,
			operator: {},
			timing: FAST,
		});
		if (result.batch_status !== 'succeeded') throw new Error(`import failed: ${JSON.stringify(result)}`);
		const idOf = (type: string) =>
			Number(result.resources.find((r) => r.resource_type === type)!.host_resource_id);
		return {sb, dataDir, hostId: host.host_id, batchId: result.batch_id, idOf};
	} finally {
		store.release();
	}
}

async function oob(sb: SandboxHandle, body: unknown) {
	const res = await fetch(`${sb.info.control_url}/oob`, {
		method: 'POST',
		headers: {'x-api-key': sb.info.admin_api_key, 'content-type': 'application/json'},
		body: JSON.stringify(body),
	});
	if (!res.ok) throw new Error(`oob ${res.status}: ${await res.text()}`);
}

test('reconcile a batch: in_sync, then a missing subscription repaired, then a changed account with its field', async (t) => {
	const env = await importedEnv();
	const tui = renderTui({dataDir: env.dataDir});
	try {
		await tui.waitFor('❯ Import a provider');
		await tui.press(KEY.down, KEY.down, KEY.down, KEY.enter);
		// one host: straight to the target list
		const targets = await tui.waitFor('The whole host');
		t.true(targets.includes(env.batchId));
		await tui.press(KEY.down, KEY.enter);
		const insync = await tui.waitFor(/in_sync · 5 present/, 20_000);
		t.regex(insync, /✓ reconcile/);
		t.false(insync.includes('Repair'), 'nothing to repair when in sync');

		// a missing subscription: repairable (recreated and recorded, then the smoke)
		await oob(env.sb, {op: 'delete', type: 'subscription', id: env.idOf('subscription')});
		await tui.press(KEY.down, KEY.enter); // Roll back, [Reconcile again], Back
		const missing = await tui.waitFor(/drifted · 1 missing · 4 present/, 20_000);
		t.regex(missing, /missing\s+b\S+\s+subscription #\d+/);
		t.regex(missing, /❯ Repair/);
		await tui.press(KEY.enter);
		const repaired = await tui.waitFor(/access subscription_ready/, 30_000);
		t.regex(repaired, /reassigned\s+subscription/);
		t.regex(repaired, /✓ access_smoke/);
		await tui.press(KEY.enter); // Back to the reconcile result (reconciled again)
		// the repair recorded what it recreated and marked the replaced records gone: in sync
		const after = await tui.waitFor(/in_sync · \d+ present/, 20_000);
		t.false(after.includes('❯ Repair'), 'nothing left to repair');
		await tui.waitFor('Reconcile again');

		// a changed account: shown with the field, not repaired in place
		await oob(env.sb, {
			op: 'update',
			type: 'account',
			id: env.idOf('account'),
			patch: {credentials: {model_mapping: {'gpt-4o': 'gpt-4o'}}},
		});
		await tui.press(KEY.down, KEY.enter); // Roll back, [Reconcile again]
		const changed = await tui.waitFor(/drifted · .*1 changed/, 20_000);
		t.regex(
			changed,
			/changed\s+b\S+\s+account #\d+ crm-\S+\s+1 field\(s\):\n\s+model_mapping: \S[^]* ->\s+\{/,
		);
		t.false(changed.split('STATE').at(-1)!.includes('Repair'), 'a changed account is not repaired in place');
	} finally {
		await tui.close();
		await env.sb.close();
	}
});

test('the whole host shows unmanaged residue', async (t) => {
	const env = await importedEnv();
	await oob(env.sb, {op: 'create', type: 'group', body: {name: 'crm-deepseek-zzzzzz'}});
	const tui = renderTui({dataDir: env.dataDir, initialScreen: {id: 'drift'}});
	try {
		await tui.waitFor('❯ The whole host');
		await tui.press(KEY.enter);
		const frame = await tui.waitFor(/drifted · 1 unmanaged · 5 present/, 20_000);
		t.regex(frame, /unmanaged\s+-\s+group #\d+ crm-deepseek-zzzzzz/);
		t.false(frame.includes('Roll back this batch'), 'a host-wide run offers no batch rollback');
	} finally {
		await tui.close();
		await env.sb.close();
	}
});

test('rollback: the plan, the batch id typed to confirm, live progress, rolled_back', async (t) => {
	const env = await importedEnv();
	const tui = renderTui({
		dataDir: env.dataDir,
		initialScreen: {id: 'drift', hostId: env.hostId, batchId: env.batchId, then: 'rollback'},
	});
	try {
		const plan = await tui.waitFor('Type the batch id');
		for (const type of ['api_key', 'subscription', 'user', 'account', 'group'])
			t.regex(plan, new RegExp(`delete\\s+${type}\\s+#\\d+`));
		t.true(plan.indexOf('api_key') < plan.indexOf('group'), 'children first');
		await tui.type('b-wrong');
		await tui.waitFor('type the batch id exactly as shown');
		await tui.press(KEY.enter);
		t.false(tui.frame().includes('deleting exactly'), 'a wrong id does not start the rollback');
		for (let i = 0; i < 'b-wrong'.length; i++) tui.stdin.write(KEY.backspace);
		await tui.type(env.batchId);
		await tui.waitFor('✓ looks right');
		const before = env.sb.snapshot();
		t.true(before.groups.some((g: {deleted_at: string | null}) => !g.deleted_at));
		await tui.press(KEY.enter);
		const done = await tui.waitFor(/is now rolled_back/, 20_000);
		t.regex(done, /5 deleted · 0 skipped · 0 failed/);
		t.regex(done, /✓ rollback/);
		const state = (await StateStore.open(env.dataDir)).data;
		t.is(state.batches[0]!.batch_status, 'rolled_back');
	} finally {
		await tui.close();
		await env.sb.close();
	}
});

test('rollback refused for a batch that recorded nothing; Esc goes back', async (t) => {
	const env = await importedEnv();
	const tui = renderTui({
		dataDir: env.dataDir,
		initialScreen: {id: 'drift', hostId: env.hostId, batchId: 'b-none', then: 'rollback'},
	});
	try {
		const frame = await tui.waitFor('✗');
		t.regex(frame, /no batch "b-none"/);
		await tui.press(KEY.escape);
		await tui.waitFor('crm › Home');
	} finally {
		await tui.close();
		await env.sb.close();
	}
});
