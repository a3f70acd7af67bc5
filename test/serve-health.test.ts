// Health and key rotation over HTTP against the sandbox, through the built CLI's `crm serve`: each
// provider's health (the watch's last check, its balance) agreeing with `crm health --json` and
// `crm status --json`, one batch's history equal to `crm health --batch --json`, the status page
// showing health and balance; rotate-key with bad bodies (400 naming the field), a locked data folder
// (409 naming the holder), a key the provider refuses (nothing changes), a good key (the CLI's answer,
// the smoke passes); and neither key in any answer or in the service's log.
import test from 'ava';
import {readFileSync} from 'node:fs';
import {keyFingerprint} from '../source/lib/secrets.js';
import {acquireLock} from '../source/store/lock.js';
import {dataPaths} from '../source/store/paths.js';
import {countOurs, hostEnv, parseJson} from './helpers/host-env.js';
import {scanForSecrets} from './helpers/scan.js';
import {seen, startService} from './helpers/serve.js';

test('health over HTTP: per provider as the watch left it (balance included), a batch history as crm health prints it, on the page', async (t) => {
	const env = await hostEnv(t);
	env.sandbox.setUpstream({balances: {deepseek: 12.34}});
	const kept = parseJson(await env.importPack('deepseek', ['--keep-key']));
	t.is(kept.batch_status, 'succeeded');
	const other = parseJson(await env.importPack('kimi'));
	t.is(other.batch_status, 'succeeded');
	const svc = await startService(t, env.data);

	// Before any check: every provider listed, not checked yet.
	const before = await svc.api('GET', '/api/v1/health');
	t.is(before.status, 200, before.text);
	t.is(before.json.providers.length, 2);
	for (const p of before.json.providers) t.like(p, {health: null, last_check_at: null, balance: null});

	const watched = await env.run(['watch', '--once', '--json']);
	t.is(watched.code, 0, watched.stderr);
	const health = await svc.api('GET', '/api/v1/health');
	t.is(health.status, 200, health.text);
	const status = parseJson(await env.run(['status', '--json']));
	const providerIds = (rows: any[]) => rows.map((p) => `${p.host_id}|${p.pack}|${p.base_url}`).sort();
	t.deepEqual(providerIds(health.json.providers), providerIds(status.hosts[0].providers));
	for (const [pack, batch] of [
		['deepseek', kept.batch_id],
		['kimi', other.batch_id],
	]) {
		const row = health.json.providers.find((p: any) => p.pack === pack);
		const history = parseJson(await env.run(['health', '--batch', batch, '--json']));
		const last = history.checks[0];
		t.is(row.batch_id, batch);
		t.like(row, {health: last.health, failure_class: last.failure_class, latency_ms: last.latency_ms});
		t.is(row.last_check_at, last.at);
		t.is(row.health, 'ok');
		t.is(row.consecutive_failures, 0);
	}
	const deepseek = health.json.providers.find((p: any) => p.pack === 'deepseek');
	t.like(deepseek.balance, {amount: 12.34, currency: 'CNY'});
	t.is(health.json.providers.find((p: any) => p.pack === 'kimi').balance, null, 'key not kept: no balance');

	t.deepEqual((await svc.api('GET', '/api/v1/health?host=sb')).json, health.json);
	const wrongHost = await svc.api('GET', '/api/v1/health?host=nope');
	t.is(wrongHost.status, 400);
	t.is(wrongHost.json.error.field, 'host');

	const history = await svc.api('GET', `/api/v1/batches/${kept.batch_id}/health`);
	t.is(history.status, 200, history.text);
	t.deepEqual(history.json, parseJson(await env.run(['health', '--batch', kept.batch_id, '--json'])));
	t.is(history.json.checks.length, 1);
	const unknown = await svc.api('GET', '/api/v1/batches/b20250101-000000-abcdef/health');
	t.is(unknown.status, 404);
	t.is(unknown.json.error.field, 'id');

	// The page: each provider's health and its balance.
	const page = await fetch(`${svc.url}/`, {headers: {cookie: `crm_token=${svc.token}`}});
	t.is(page.status, 200);
	const html = await page.text();
	seen.push(html);
	const cell = (pack: string) =>
		html.slice(html.indexOf(`data-pack="${pack}"`)).match(/<td class="health">([\s\S]*?)<\/td>/)![1]!;
	t.regex(cell('deepseek'), /class="ok">ok<\/span>[\s\S]*balance 12\.34 CNY/);
	t.regex(cell('kimi'), /class="ok">ok<\/span>[\s\S]*no balance read/);

	t.deepEqual(scanForSecrets([env.data], [...seen, svc.stderr()], env.secrets(), {allowStateFile: true}), []);
});

test('rotate-key over HTTP: bad bodies 400, a locked folder 409, a refused key changes nothing, a good one is in place with the smoke passing', async (t) => {
	const env = await hostEnv(t);
	const imported = parseJson(await env.importPack('deepseek'));
	t.is(imported.batch_status, 'succeeded');
	const batch = imported.batch_id as string;
	const accountId = Number(
		imported.resources.find((r: any) => r.resource_type === 'account').host_resource_id,
	);
	const account = () => env.sandbox.snapshot().accounts.find((a) => a.id === accountId)!;
	const oldKey = env.sandbox.info.upstreams.deepseek!.api_key;
	const badKey = 'sk-refused-by-the-provider-http-0001';
	const goodKey = 'sk-rotated-over-http-good-key-0002';
	env.sandbox.setUpstream({accept_keys: {deepseek: [oldKey, goodKey]}});
	const svc = await startService(t, env.data);
	const state = () => readFileSync(dataPaths(env.data).state, 'utf8');
	const stateBefore = state();
	const resources = countOurs(env.sandbox);

	const cases: Array<[unknown, string]> = [
		[{key: goodKey}, 'batch'],
		[{batch}, 'key'],
		[{batch, key: ''}, 'key'],
		[{batch, key: goodKey, keep_key: true}, 'keep_key'],
		[{batch: 'b20250101-000000-abcdef', key: goodKey}, 'batch'],
		[{batch, key: oldKey}, 'key'],
	];
	for (const [body, field] of cases) {
		const answer = await svc.api('POST', '/api/v1/rotate-key', body);
		t.is(answer.status, 400, `${JSON.stringify(Object.keys(body as object))}: ${answer.text}`);
		t.is(answer.json.error.field, field, answer.text);
	}
	const waitBad = await svc.api('POST', '/api/v1/rotate-key?wait_s=-1', {batch, key: goodKey});
	t.is(waitBad.status, 400);
	t.is(waitBad.json.error.field, 'wait_s');

	const held = await acquireLock(dataPaths(env.data).lock, 'crm repair (test holder)');
	const locked = await svc.api('POST', '/api/v1/rotate-key', {batch, key: goodKey});
	t.is(locked.status, 409, locked.text);
	t.is(locked.json.error.kind, 'state_locked');
	t.regex(locked.json.error.message, new RegExp(`pid ${process.pid} .*crm repair \\(test holder\\)`));
	await held.release();

	const refused = await svc.api('POST', '/api/v1/rotate-key', {batch, key: badKey});
	t.is(refused.status, 500, refused.text);
	t.is(refused.json.error.field, 'key');
	t.regex(refused.json.error.message, /refused by the provider \(401: auth\); nothing was changed/);
	t.is((account().credentials as any).api_key, oldKey, 'the account keeps its key');
	t.is(state(), stateBefore, 'state unchanged by every refusal');

	const rotated = await svc.api('POST', '/api/v1/rotate-key?wait_s=5', {batch, key: goodKey});
	t.is(rotated.status, 200, rotated.text);
	t.deepEqual(rotated.json, {
		batch_id: batch,
		old_fingerprint: keyFingerprint(oldKey),
		new_fingerprint: keyFingerprint(goodKey),
		access_status: 'subscription_ready',
		completion_ok: true,
	});
	t.is((account().credentials as any).api_key, goodKey, 'the account got the new key in place');
	t.is(countOurs(env.sandbox), resources, 'no resource added');
	// The CLI's answer for the same operation (rotating back) has the same shape.
	const back = await env.run(['rotate-key', '--batch', batch, '--key-env', 'K', '--json'], {K: oldKey});
	t.is(back.code, 0, back.stderr);
	t.deepEqual(parseJson(back), {
		...rotated.json,
		old_fingerprint: keyFingerprint(goodKey),
		new_fingerprint: keyFingerprint(oldKey),
	});

	const log = svc.stderr();
	t.regex(log, /^POST \/api\/v1\/rotate-key 200 \d+ ms$/m);
	t.regex(log, /^POST \/api\/v1\/rotate-key 409 \d+ ms$/m);
	t.deepEqual(
		scanForSecrets([env.data], [...seen, log, back], [...env.secrets(), goodKey, badKey], {
			allowStateFile: true,
		}),
		[],
	);
});

test('serve --watch runs the health loop inside the service: a ready batch gets checked, and SIGTERM stops both (exit 0)', async (t) => {
	const env = await hostEnv(t);
	const imp = parseJson(await env.importPack('deepseek'));
	t.is(imp.batch_status, 'succeeded');
	const svc = await startService(t, env.data, ['--watch']);
	let checks: any[] = [];
	for (let i = 0; i < 150 && checks.length === 0; i++) {
		const answer = await svc.api('GET', `/api/v1/batches/${imp.batch_id}/health`);
		t.is(answer.status, 200, answer.text);
		checks = answer.json.checks;
		if (checks.length === 0) await new Promise((r) => setTimeout(r, 200));
	}
	t.is(checks.length, 1, 'the loop inside the service checked the batch once');
	t.like(checks[0], {batch_id: imp.batch_id, health: 'ok'});
	t.is(await svc.stop(), 0);
	// The loop wrote its history through the data folder's lock and released it on the way out.
	const after = await env.run(['health', '--batch', imp.batch_id, '--json']);
	t.is(after.code, 0, after.stderr);
	t.is(parseJson(after).checks.length, 1);
});
