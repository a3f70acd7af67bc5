// Operations over HTTP against the sandbox, each answered in the CLI's JSON: hosts (register with the
// admin credential in the body, forget with and without force), reconcile (in sync, then drifted),
// repair, smoke again, rollback (a dry run; nothing without the confirmation naming the batch; then
// the real one), the matrix; and the secrets those bodies carried appear in no answer or log.
import test from 'ava';
import {readFileSync} from 'node:fs';
import {dataPaths} from '../source/store/paths.js';
import {hostEnv, liveOurs, parseJson, type HostEnv} from './helpers/host-env.js';
import {scanForSecrets} from './helpers/scan.js';
import {seen, startService} from './helpers/serve.js';

async function oob(env: HostEnv, body: unknown) {
	const res = await fetch(`${env.sandbox.info.control_url}/oob`, {
		method: 'POST',
		headers: {'x-api-key': env.sandbox.info.admin_api_key, 'content-type': 'application/json'},
		body: JSON.stringify(body),
	});
	if (!res.ok) throw new Error(`oob ${res.status}: ${await res.text()}`);
}

const idOf = (r: any, type: string) =>
	Number(r.resources.find((x: any) => x.resource_type === type).host_resource_id);

test('hosts over HTTP: register with the key in the body (201, the CLI shape), a missing or doubled credential 400, a refused key 500 and never echoed, forget', async (t) => {
	const env = await hostEnv(t, {}, false);
	const svc = await startService(t, env.data);
	const key = env.sandbox.info.admin_api_key;
	const neither = await svc.api('POST', '/api/v1/hosts', {name: 'sb', url: env.sandbox.info.host_url});
	t.is(neither.status, 400);
	t.is(neither.json.error.field, 'admin_key');
	const both = await svc.api('POST', '/api/v1/hosts', {
		name: 'sb',
		url: env.sandbox.info.host_url,
		admin_key: key,
		email: 'a@b.c',
		password: 'pw-123456',
	});
	t.is(both.status, 400);
	const badName = await svc.api('POST', '/api/v1/hosts', {
		name: 'no spaces allowed',
		url: env.sandbox.info.host_url,
		admin_key: key,
	});
	t.is(badName.status, 400);
	t.is(badName.json.error.field, 'name');
	const wrong = 'admin-0000000000000000000000000000000000000000';
	const wrongKey = await svc.api('POST', '/api/v1/hosts', {
		name: 'sb',
		url: env.sandbox.info.host_url,
		admin_key: wrong,
	});
	// The host refused the credential: the operation ran and failed (the CLI's exit 1), over HTTP a 500.
	t.is(wrongKey.status, 500, wrongKey.text);
	t.is(wrongKey.json.error.kind, 'host_error');
	t.regex(wrongKey.json.error.message, /nothing saved: the host refused the admin credential/);
	t.deepEqual((await svc.api('GET', '/api/v1/hosts')).json, {hosts: []}, 'nothing saved');

	const added = await svc.api('POST', '/api/v1/hosts', {
		name: 'sb',
		url: env.sandbox.info.host_url,
		admin_key: key,
	});
	t.is(added.status, 201, added.text);
	t.deepEqual(Object.keys(added.json).sort(), [
		'auth_type',
		'capabilities',
		'host_id',
		'name',
		'url',
		'version',
	]);
	t.is(added.json.name, 'sb');
	t.deepEqual(
		(await svc.api('GET', '/api/v1/hosts/sb')).json,
		parseJson(await env.run(['host', 'show', 'sb', '--json'])),
	);
	// The admin key is in state.json only.
	t.true(readFileSync(dataPaths(env.data).state, 'utf8').includes(key));

	const imported = await env.importPack('deepseek');
	t.is(imported.code, 0, imported.stderr);
	const refused = await svc.api('DELETE', '/api/v1/hosts/sb');
	t.is(refused.status, 400);
	t.regex(refused.json.error.message, /roll them back first/);
	const forced = await svc.api('DELETE', '/api/v1/hosts/sb?force=true');
	t.is(forced.status, 200, forced.text);
	t.deepEqual(forced.json, {removed: added.json.host_id});
	t.is((await svc.api('GET', '/api/v1/hosts/sb')).status, 404);
	t.deepEqual(
		scanForSecrets([env.data], [...seen, svc.stderr()], [...env.secrets(), wrong], {allowStateFile: true}),
		[],
	);
});

test('reconcile, repair, smoke, matrix over HTTP: the CLI answers, drift is an answer not an error', async (t) => {
	const env = await hostEnv(t);
	const svc = await startService(t, env.data);
	const imp = parseJson(await env.importPack('deepseek'));
	t.is(imp.batch_status, 'succeeded');

	const none = await svc.api('POST', '/api/v1/reconcile', {});
	t.is(none.status, 400);
	t.is(none.json.error.field, 'host');
	const clean = await svc.api('POST', '/api/v1/reconcile', {batch: imp.batch_id});
	t.is(clean.status, 200, clean.text);
	t.is(clean.json.reconcile_status, 'in_sync');
	t.is(clean.json.items.length, 5);
	t.false('repair_applies' in clean.json, 'the CLI shape, not the app result');

	await oob(env, {op: 'delete', type: 'api_key', id: idOf(imp, 'api_key')});
	const drifted = await svc.api('POST', '/api/v1/reconcile', {host: 'sb', batch: imp.batch_id});
	t.is(drifted.status, 200);
	t.is(drifted.json.reconcile_status, 'drifted');
	t.is(drifted.json.items.find((i: any) => i.resource_type === 'api_key').state, 'missing');
	const repaired = await svc.api('POST', '/api/v1/repair', {batch: imp.batch_id});
	t.is(repaired.status, 200, repaired.text);
	t.is(repaired.json.batch_status, 'succeeded');
	t.true(repaired.json.repaired.some((r: any) => r.resource_type === 'api_key'));

	const smoke = await svc.api('POST', '/api/v1/smoke', {batch: imp.batch_id});
	t.is(smoke.status, 200, smoke.text);
	t.is(smoke.json.batch_id, imp.batch_id);
	t.true(smoke.json.completion_ok);
	t.regex(smoke.json.access_status, /_ready$/);
	const noBatch = await svc.api('POST', '/api/v1/smoke', {batch: 'b20250101-000000-abcdef'});
	t.is(noBatch.status, 400);
	t.is(noBatch.json.error.field, 'batch');

	t.deepEqual((await svc.api('GET', '/api/v1/matrix')).json, parseJson(await env.run(['matrix', '--json'])));
	t.deepEqual(scanForSecrets([env.data], [...seen, svc.stderr()], env.secrets(), {allowStateFile: true}), []);
});

test('rollback over HTTP needs the confirmation: dry run plans, no or wrong confirm changes nothing, then it deletes', async (t) => {
	const env = await hostEnv(t);
	const svc = await startService(t, env.data);
	const imp = parseJson(await env.importPack('kimi'));
	t.is(imp.batch_status, 'succeeded');
	const before = liveOurs(env.sandbox);
	t.is(before.groups.length, 1);

	const plan = await svc.api('POST', '/api/v1/rollback', {batch: imp.batch_id, dry_run: true});
	t.is(plan.status, 200, plan.text);
	t.deepEqual(
		plan.json,
		parseJson(await env.run(['rollback', '--batch', imp.batch_id, '--dry-run', '--json'])),
	);
	t.true(plan.json.plan.every((p: any) => p.action === 'delete'));

	const unconfirmed = await svc.api('POST', '/api/v1/rollback', {batch: imp.batch_id});
	t.is(unconfirmed.status, 400);
	t.is(unconfirmed.json.error.field, 'confirm');
	t.true(unconfirmed.json.error.message.includes(imp.batch_id), 'says what to confirm');
	const wrong = await svc.api('POST', '/api/v1/rollback', {batch: imp.batch_id, confirm: 'yes'});
	t.is(wrong.status, 400);
	t.is(wrong.json.error.field, 'confirm');
	const mixed = await svc.api('POST', '/api/v1/rollback', {
		batch: imp.batch_id,
		host: 'sb',
		confirm: imp.batch_id,
	});
	t.is(mixed.status, 400);
	t.deepEqual(liveOurs(env.sandbox), before, 'nothing deleted without the confirmation');
	t.is(parseJson(await env.run(['batch', 'show', imp.batch_id, '--json'])).batch_status, 'succeeded');

	const done = await svc.api('POST', '/api/v1/rollback', {batch: imp.batch_id, confirm: imp.batch_id});
	t.is(done.status, 200, done.text);
	t.is(done.json.batch_status, 'rolled_back');
	t.is(done.json.deleted.length, 5);
	t.deepEqual(done.json.failed, []);
	const after = liveOurs(env.sandbox);
	t.is(after.groups.length + after.accounts.length + after.users.length + after.api_keys.length, 0);
	t.is(parseJson(await env.run(['batch', 'show', imp.batch_id, '--json'])).batch_status, 'rolled_back');
	t.deepEqual(scanForSecrets([env.data], [...seen, svc.stderr()], env.secrets(), {allowStateFile: true}), []);
});

test('resources and a provider rollback over HTTP: the CLI answers; the confirmation names host/pack; --url narrows', async (t) => {
	const env = await hostEnv(t);
	const svc = await startService(t, env.data);
	const first = parseJson(await env.importPack('kimi'));
	const second = parseJson(await env.importPack('kimi', ['--force']));
	const other = parseJson(await env.importPack('deepseek'));
	for (const b of [first, second, other]) t.is(b.batch_status, 'succeeded');

	const resources = await svc.api('GET', '/api/v1/resources?host=sb');
	t.is(resources.status, 200, resources.text);
	t.deepEqual(resources.json, parseJson(await env.run(['resources', '--host', 'sb', '--json'])));
	t.is(resources.json.resources.filter((r: any) => r.state === 'active').length, 15);
	const noHost = await svc.api('GET', '/api/v1/resources');
	t.is(noHost.status, 400);
	t.is(noHost.json.error.field, 'host');
	const unknownHost = await svc.api('GET', '/api/v1/resources?host=nope');
	t.is(unknownHost.status, 400);
	t.is(unknownHost.json.error.field, 'host');

	const plan = await svc.api('POST', '/api/v1/rollback', {host: 'sb', pack: 'kimi', dry_run: true});
	t.is(plan.status, 200, plan.text);
	t.deepEqual(
		plan.json,
		parseJson(await env.run(['rollback', '--host', 'sb', '--pack', 'kimi', '--dry-run', '--json'])),
	);
	t.deepEqual(
		plan.json.batches.map((b: any) => b.batch_id),
		[second.batch_id, first.batch_id],
		'newest first',
	);
	const half = await svc.api('POST', '/api/v1/rollback', {host: 'sb', confirm: 'sb/kimi'});
	t.is(half.status, 400);
	t.is(half.json.error.field, 'pack');
	const before = liveOurs(env.sandbox);
	for (const confirm of [undefined, 'kimi', first.batch_id]) {
		const refused = await svc.api('POST', '/api/v1/rollback', {host: 'sb', pack: 'kimi', confirm});
		t.is(refused.status, 400, String(confirm));
		t.is(refused.json.error.field, 'confirm');
		t.true(refused.json.error.message.includes('"sb/kimi"'), 'says what to confirm');
	}
	t.deepEqual(liveOurs(env.sandbox), before, 'nothing deleted without the confirmation');

	const done = await svc.api('POST', '/api/v1/rollback', {host: 'sb', pack: 'kimi', confirm: 'sb/kimi'});
	t.is(done.status, 200, done.text);
	t.deepEqual(
		done.json.batches.map((b: any) => [b.batch_id, b.batch_status, b.deleted.length]),
		[
			[second.batch_id, 'rolled_back', 5],
			[first.batch_id, 'rolled_back', 5],
		],
	);
	t.deepEqual(done.json.not_run, []);
	const after = parseJson(await env.run(['resources', '--host', 'sb', '--json'])).resources;
	t.deepEqual(
		[...new Set(after.filter((r: any) => r.state === 'active').map((r: any) => r.batch_id))],
		[other.batch_id],
		'only the other provider is left',
	);
	t.deepEqual(scanForSecrets([env.data], [...seen, svc.stderr()], env.secrets(), {allowStateFile: true}), []);
});
