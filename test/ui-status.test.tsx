// Status: hosts, then providers on a host, then batches, then a batch (steps, resources with host
// ids, reconcile runs, evidence). With thousands of batches it opens fast, draws a window of rows,
// and reads exactly one batch file: the one opened.
import test from 'ava';
import {runImport} from '../source/core/import/run-import.js';
import {loadPacks} from '../source/core/packs/packs.js';
import {registerHost} from '../source/core/hosts/register.js';
import {startSandbox} from '../source/sandbox/index.js';
import type {BatchIndex} from '../source/store/schema.js';
import {StateStore} from '../source/store/state-store.js';
import {FAST, KEY, renderTui, tempData} from './ui-helpers.js';

const MANY = 5000;

function synthetic(hostId: string, n: number): BatchIndex {
	const at = new Date(Date.UTC(2025, 0, 1) + n * 60_000).toISOString();
	const ok = n % 3 !== 0;
	return {
		batch_id: `b20250101-${String(n).padStart(6, '0')}-aaaaaa`,
		host_id: hostId,
		pack: n % 2 ? 'kimi' : 'glm',
		base_url: n % 2 ? 'https://api.moonshot.cn/v1' : 'https://open.bigmodel.cn/api/paas/v4',
		key_fingerprint: `sha256:${n}`,
		access_mode: 'subscription',
		batch_status: ok ? 'succeeded' : 'failed',
		access_status: ok ? 'subscription_ready' : 'broken',
		provider_status: ok ? 'active' : 'broken',
		failure_class: ok ? null : 'upstream_unavailable',
		stopped_at_step: ok ? null : 'access_smoke',
		created_at: at,
		updated_at: at,
		finished_at: at,
		pid: null,
		resource_count: 5,
	};
}

test('status with thousands of batches: fast, windowed, one batch file read', async (t) => {
	const sb = await startSandbox();
	const dataDir = tempData();
	let batchId: string;
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
		t.is(result.batch_status, 'succeeded');
		batchId = result.batch_id;
		for (let n = 0; n < MANY; n++) store.data.batches.push(synthetic(host.host_id, n));
		await store.write();
	} finally {
		store.release();
	}

	const reads: string[] = [];
	const original = StateStore.prototype.readBatch;
	StateStore.prototype.readBatch = function (id: string) {
		reads.push(id);
		return original.call(this, id);
	};
	const started = Date.now();
	const tui = renderTui({dataDir, initialScreen: {id: 'status'}});
	try {
		tui.resize(80, 24);
		const hosts = await tui.waitFor('❯ lab');
		t.true(Date.now() - started < 3000, `status opened in ${Date.now() - started} ms`);
		t.regex(hosts, /lab\s+\S+\s+3\s+\d+\s+5001/);
		await tui.press(KEY.enter);
		const providers = await tui.waitFor('All batches on this host');
		// the base URLs shortened in the middle: each keeps its host and its path's end
		t.regex(providers, /deepseek\s+http:\/\/127\.0\S*…\S*\/deepseek\s+active\s+subscription_ready\s+-\n/);
		t.regex(providers, /glm\s+https:\/\/open\S*…\S*api\/paas\/v4\s+broken/);
		t.regex(providers, /kimi\s+https:\/\/api\.\S*…\S*\.cn\/v1\s+active\s+subscription_ready\s+-/);
		// the deepseek provider: its one batch
		const deepseekRow = providers.split('\n').findIndex((l) => l.includes('deepseek'));
		const firstRow = providers.split('\n').findIndex((l) => /^[❯ ] \S/.test(l) && !l.includes('PACK'));
		await tui.press(...Array<string>(deepseekRow - firstRow).fill(KEY.down), KEY.enter);
		const one = await tui.waitFor('1 batch(es)');
		t.true(one.includes(batchId));
		await tui.press(KEY.escape);
		await tui.waitFor('All batches on this host');
		await tui.press(KEY.up, KEY.enter);
		const list = await tui.waitFor(`${MANY + 1} batch(es)`);
		const rows = list.split('\n');
		t.true(rows.length <= 24, `${rows.length} rows drawn`);
		for (const row of rows) t.true(row.length <= 80, row);
		t.regex(list, new RegExp(`↓ \\d+ more \\(1/${MANY + 1}\\)`));
		t.regex(list, new RegExp(`❯ ${batchId}`), 'newest first');
		t.deepEqual(reads, [], 'listing batches reads no batch file');
		await tui.press(KEY.pageDown, KEY.pageDown);
		await tui.waitFor(/↑ \d+ more/);
		await tui.press(KEY.end);
		const oldest = await tui.waitFor('❯ b20250101-000000-aaaaaa');
		t.regex(oldest, new RegExp(`↑ ${MANY + 1 - 11} more|↑ \\d+ more`));
		await tui.press(KEY.home);
		await tui.waitFor(new RegExp(`❯ ${batchId}`));
		await tui.press(KEY.enter);

		const steps = await tui.waitFor('✓ access_smoke');
		t.regex(steps, /\[steps\]/);
		t.regex(steps, /succeeded · provider active · access subscription_ready/);
		await tui.press(KEY.right);
		const resources = await tui.waitFor('[resources]');
		for (const type of ['group', 'account', 'user', 'subscription', 'api key'])
			t.regex(resources, new RegExp(`created\\s+${type} #\\d+ crm-deepseek-`));
		await tui.press(KEY.right);
		await tui.waitFor('no reconcile runs of this batch yet');
		await tui.press(KEY.right);
		const evidence = await tui.waitFor('01-preflight.json');
		t.true(evidence.includes(`artifacts/${batchId}`));
		t.deepEqual(reads, [batchId], 'only the opened batch file was read');

		// a synthetic batch: its index row shows, its absent file is named as a state problem (as the
		// CLI's exit 4 names it), and it is the only other file read
		await tui.press(KEY.escape);
		await tui.waitFor(`${MANY + 1} batch(es)`);
		await tui.press(KEY.down, KEY.down, KEY.enter); // b…-004998: a failed one
		const missing = await tui.waitFor(/b20250101-004998-aaaaaa\.json is missing/);
		t.regex(missing, /failed · provider broken · access broken · stopped at access_smoke/);
		t.regex(missing, /upstream_unavailable: the provider is failing or overloaded/);
		t.is(reads.length, 2);
	} finally {
		StateStore.prototype.readBatch = original;
		await tui.close();
		await sb.close();
	}
});

test('status with no host: says so; Esc goes home', async (t) => {
	const tui = renderTui({initialScreen: {id: 'status'}});
	try {
		const frame = await tui.waitFor('No host registered yet');
		t.true(frame.includes('0 host(s) · 0 batch(es)'));
		await tui.press(KEY.escape);
		await tui.waitFor('crm › Home');
	} finally {
		await tui.close();
	}
});
