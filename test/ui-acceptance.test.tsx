// Acceptance run, validation matrix and evidence runs in the TUI, against an in-process
// sandbox: keys through stdin, frames asserted, the evidence folder checked on disk.
import {existsSync, readdirSync} from 'node:fs';
import path from 'node:path';
import test from 'ava';
import {runAcceptance} from '../source/core/acceptance/index.js';
import {loadPacks} from '../source/core/packs/packs.js';
import {registerHost} from '../source/core/hosts/register.js';
import {startSandbox, type SandboxHandle} from '../source/sandbox/index.js';
import {StateStore} from '../source/store/state-store.js';
import {FAST, KEY, renderTui, tempData, type Tui} from './ui-helpers.js';

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

/** An acceptance run through the engine (as `crm accept`), to set up the matrix and evidence screens. */
async function acceptDirect(
	dataDir: string,
	sb: SandboxHandle,
	pack: string,
	access: 'self_service' | 'subscription' | 'both',
) {
	const store = await StateStore.open(dataDir, {lock: {command: 'test'}});
	try {
		return await runAcceptance({
			store,
			packs: loadPacks(),
			hostRef: 'lab',
			pack,
			url: sb.info.upstreams[pack]!.base_url,
			key: sb.info.upstreams[pack]!.api_key,
			access,
			sink: () => undefined,
			signal: new AbortController().signal,
			operator: {},
			timing: FAST,
		});
	} finally {
		store.release();
	}
}

async function clearField(tui: Tui, length: number) {
	for (let i = 0; i < length; i++) tui.stdin.write(KEY.backspace);
	await new Promise((resolve) => setTimeout(resolve, 60));
}

test('acceptance run from Home: both modes live, fully_ready, evidence folder and files, keep, then the matrix', async (t) => {
	const sb = await startSandbox();
	const dataDir = tempData();
	await hostIn(dataDir, sb);
	const upstream = sb.info.upstreams.deepseek!;
	const tui = renderTui({dataDir});
	try {
		tui.resize(80, 24);
		await tui.waitFor('❯ Import a provider');
		await tui.press(...Array<string>(5).fill(KEY.down), KEY.enter);
		// one host: straight to the pack
		const packs = await tui.waitFor('Which provider pack?');
		t.regex(packs, /Acceptance run › pack/);
		t.regex(packs, /host: lab/);
		await tui.press(KEY.enter);
		await tui.waitFor('Provider base URL: https://api.deepseek.com');
		await clearField(tui, 'https://api.deepseek.com'.length);
		await tui.type(upstream.base_url);
		await tui.waitFor('✓ looks right');
		await tui.press(KEY.enter);
		await tui.waitFor('Provider key:');
		await tui.type(upstream.api_key);
		await tui.waitFor('✓ looks right');
		await tui.press(KEY.enter);
		const access = await tui.waitFor('Access mode(s) to prove:');
		t.regex(access, /❯ both/);
		t.regex(access, /self_service/);
		await tui.press(KEY.enter);
		const confirm = await tui.waitFor('Start the acceptance run');
		t.regex(confirm, /nothing has been sent yet/);
		t.regex(confirm, /access both: imports subscription, then self_service/);
		t.regex(confirm, /smoke model pack default \(deepseek-v4-flash\)/);
		t.true(confirm.includes(path.join(dataDir, 'acceptance')));
		// Esc goes back a stage before the run starts
		await tui.press(KEY.escape);
		await tui.waitFor('❯ both');
		await tui.press(KEY.enter);
		await tui.waitFor('Start the acceptance run');
		await tui.press(KEY.enter);

		const done = await tui.waitFor(/ready · access fully_ready/, 60_000);
		t.regex(done, /── acceptance deepseek on lab \(both\) ──/);
		t.regex(done, /✓ acceptance_probe/);
		t.regex(done, /✓ access_smoke/);
		t.regex(done, /✓ reconcile/);
		t.regex(done, /finished/);
		t.regex(done, /subscription\s+b\S+\s+succeeded\s+subscription_ready\s+in_sync/);
		t.regex(done, /self_service\s+b\S+\s+succeeded\s+self_service_ready\s+in_sync/);
		t.regex(done, /files: 01-host-probe\.json · 02-run-input\.json/);
		t.regex(done, /21-summary\.json · README\.md/);
		t.regex(done, /❯ Keep it as final evidence/);
		// the live part (below the run's scrollback lines) fits 80x24
		const live = done.slice(done.indexOf('crm › Acceptance of')).split('\n');
		t.true(live.length <= 24, live.join('\n'));
		for (const l of live) t.true(l.length <= 80, l);
		t.false(
			tui.frames.some((f) => f.includes(upstream.api_key)),
			'the provider key is never drawn',
		);
		const state = (await StateStore.open(dataDir)).data;
		const run = state.acceptance_runs![0]!;
		t.is(run.result, 'ready');
		t.is(run.access_status, 'fully_ready');
		const dir = path.join(dataDir, 'acceptance', run.run_id);
		t.true(done.includes(`evidence ${dir}`) || done.includes(run.run_id));
		t.true(existsSync(path.join(dir, '21-summary.json')));
		t.true(readdirSync(dir).includes('README.md'));

		// what each file holds, then back to the file list
		await tui.press(KEY.down, KEY.enter);
		const guide = await tui.waitFor('Show the file list');
		t.regex(guide, /01-host-probe\.json\s+the host probe/);
		t.regex(guide, /06-import-<mode>\.json\s+the import in the second access mode/);
		t.false(guide.includes('files: 01-host-probe'));
		await tui.press(KEY.enter);
		await tui.waitFor('files: 01-host-probe.json');

		// keep it as final evidence
		await tui.press(KEY.up, KEY.enter);
		const kept = await tui.waitFor('✓ kept as final evidence');
		t.false(kept.includes('Keep it as final evidence'));
		t.true((await StateStore.open(dataDir)).data.acceptance_runs![0]!.final);

		// the validation matrix: the verdict, and the packs not validated on this host yet
		await tui.press(KEY.down, KEY.enter); // [What each file holds], Validation matrix
		const matrix = await tui.waitFor('latest acceptance verdict per host and pack');
		t.regex(matrix, /HOST\s+PACK\s+RESULT\s+ACCESS\s+AT/);
		t.regex(matrix, /❯ lab\s+deepseek\s+ready\s+fully_ready/);
		t.regex(matrix, /ready · access both · final run a\S+/);
		t.regex(matrix, /evidence .*acceptance/);
		t.regex(matrix, /not validated on lab: glm, kimi, minimax, qwen, relay, step/);
	} finally {
		await tui.close();
		await sb.close();
	}
});

test('matrix: latest verdict per host and pack, a failed one with its class; evidence runs: keep, archive with a confirm', async (t) => {
	const sb = await startSandbox();
	const dataDir = tempData();
	await hostIn(dataDir, sb);
	const ok = await acceptDirect(dataDir, sb, 'deepseek', 'self_service');
	t.is(ok.result, 'ready');
	sb.setFaults({upstream: {kimi: 'quota'}});
	const failed = await acceptDirect(dataDir, sb, 'kimi', 'subscription');
	t.is(failed.result, 'upstream_key_quota_issue');
	sb.setFaults({upstream: {}});

	const tui = renderTui({dataDir, initialScreen: {id: 'matrix'}});
	try {
		const matrix = await tui.waitFor('Validation matrix');
		t.regex(matrix, /lab\s+deepseek\s+ready\s+self_service_ready/);
		t.regex(matrix, /lab\s+kimi\s+upstream_key_quota_issue\s+pending/);
		t.regex(matrix, /not validated on lab: glm, minimax, qwen, relay, step/);
		await tui.press(KEY.down);
		const kimi = await tui.waitFor('failure class upstream_key_quota_issue');
		t.regex(kimi, /next: /);
		t.true(kimi.includes(`evidence ${failed.evidence_dir}`) || kimi.includes(failed.run_id));

		// Enter on a row opens that run under Evidence runs; keep it
		await tui.press(KEY.enter);
		const run = await tui.waitFor(`Evidence › ${failed.run_id}`);
		t.regex(run, /upstream_key_quota_issue/);
		t.regex(run, /host lab · pack kimi · access subscription/);
		await tui.waitFor('❯ Keep it as final evidence');
		await tui.press(KEY.enter);
		await tui.waitFor(`✓ kept ${failed.run_id} as final evidence`);
		await tui.waitFor((f) => !f.includes('Keep it as final evidence') && f.includes('· final'));
		await tui.press(KEY.enter); // Back to the list
		const list = await tui.waitFor('Archive every run not kept');
		t.regex(list, /RUN\s+RESULT\s+(HOST\s+PACK\s+)?KEPT\s+AT/);
		t.regex(list, new RegExp(`${failed.run_id}\\s+upstream_key_qu…\\s+(lab\\s+kimi\\s+)?final`));
		t.regex(list, new RegExp(`${ok.run_id}\\s+ready\\s+(lab\\s+\\w+\\s+)?trial`));

		// archive: the confirm says what moves; "No" moves nothing
		await tui.press(KEY.home, KEY.down, KEY.down, KEY.enter);
		const confirm = await tui.waitFor('Move 1 run(s) not kept to');
		t.regex(confirm, /❯ No, go back/);
		await tui.press(KEY.enter);
		await tui.waitFor('Archive every run not kept');
		t.true(existsSync(ok.evidence_dir), '"No" moves nothing');
		await tui.press(KEY.home, KEY.down, KEY.down, KEY.enter);
		await tui.waitFor('Move 1 run(s) not kept to');
		await tui.press(KEY.down, KEY.enter);
		const archived = await tui.waitFor('✓ archived 1 run(s)');
		t.regex(archived, /1 final run\(s\) stay/);
		await tui.waitFor(new RegExp(`${ok.run_id}\\s+ready\\s+(lab\\s+\\w+\\s+)?archived`));
		t.false(existsSync(ok.evidence_dir));
		t.true(existsSync(path.join(dataDir, 'acceptance', 'archive', ok.run_id, '21-summary.json')));
		t.true(existsSync(failed.evidence_dir), 'the kept run stays in acceptance/');

		// nothing left to archive
		await tui.press(KEY.home, KEY.down, KEY.down, KEY.enter);
		await tui.waitFor('Nothing to archive');
		await tui.press(KEY.enter);
		await tui.waitFor('Archive every run not kept');
		// Esc back to the matrix
		await tui.press(KEY.escape);
		await tui.waitFor('latest acceptance verdict per host and pack');
	} finally {
		await tui.close();
		await sb.close();
	}
});

test('acceptance: a refused key ends with its class and evidence; a bad smoke model id is refused as typed', async (t) => {
	const sb = await startSandbox();
	sb.setFaults({upstream: {deepseek: 'auth'}});
	const dataDir = tempData();
	const hostId = await hostIn(dataDir, sb);
	const tui = renderTui({dataDir, initialScreen: {id: 'acceptance', hostId}});
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
		await tui.waitFor('Access mode(s) to prove:');
		await tui.press(KEY.down, KEY.down, KEY.enter); // self_service
		const confirm = await tui.waitFor('Start the acceptance run');
		t.regex(confirm, /access self_service: imports self_service/);
		// a typed smoke model that is not a model id is refused as typed
		await tui.press(KEY.down, KEY.enter);
		await tui.waitFor('Smoke model:');
		await tui.press(KEY.end, KEY.enter);
		await tui.waitFor('Smoke model id:');
		await tui.type('bad model');
		await tui.waitFor('is not a model id');
		await tui.press(KEY.escape);
		await tui.waitFor('Smoke model:');
		await tui.press(KEY.home, KEY.enter); // pack default
		await tui.waitFor('Start the acceptance run');
		await tui.press(KEY.enter);
		const done = await tui.waitFor('finished', 60_000);
		t.regex(done, /✗ upstream_auth_issue · access/);
		t.regex(done, /next: /);
		t.regex(done, /files: .*01-host-probe\.json/);
		const run = (await StateStore.open(dataDir)).data.acceptance_runs![0]!;
		t.is(run.result, 'upstream_auth_issue');
		t.false(run.final);
	} finally {
		await tui.close();
		await sb.close();
	}
});
