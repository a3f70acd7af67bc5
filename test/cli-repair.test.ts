// `crm repair` tells the truth: what it creates, each with why; a missing key recreated once; a
// changed item it cannot mend is reported with what to do, and the exit code is 1 while drift remains;
// a drifted account: nothing touched.
import test from 'ava';
import {hostEnv, parseJson} from './helpers/host-env.js';
import {oob} from './helpers/setup.js';

async function imported(t: Parameters<typeof hostEnv>[0]) {
	const env = await hostEnv(t);
	const r = await env.importPack('deepseek', ['--access', 'subscription']);
	if (r.code !== 0) throw new Error(r.stderr);
	const doc = parseJson(r);
	const id = (type: string) =>
		Number(doc.resources.find((x: any) => x.resource_type === type).host_resource_id);
	return {env, batch: doc.batch_id as string, id};
}

test('crm repair: a missing key is recreated once, with why; then in sync (exit 0)', async (t) => {
	const {env, batch, id} = await imported(t);
	await oob(env.sandbox, {op: 'delete', type: 'api_key', id: id('api_key')});
	const r = await env.run(['repair', '--batch', batch]);
	t.is(r.code, 0, r.stdout + r.stderr);
	t.regex(r.stdout, /repair of \S+: repaired — what was missing is back/);
	t.regex(r.stdout, /recreated api key #\d+ crm-deepseek-.*: the batch's key #\d+ is missing on the host/);
	t.notRegex(r.stdout, /reassigned subscription/, 'the subscription was intact');
	const json = parseJson(await env.run(['repair', '--batch', batch, '--json']));
	t.is(json.outcome, 'in_sync');
	t.deepEqual(json.repaired, []);
});

test('crm repair: a changed key is not mended (exit 1, drift_remains); a drifted account: not_mendable, nothing made', async (t) => {
	const {env, batch, id} = await imported(t);
	await oob(env.sandbox, {
		op: 'update',
		type: 'api_key',
		id: id('api_key'),
		patch: {name: 'renamed-by-hand'},
	});
	const keysBefore = env.sandbox.snapshot().api_keys.length;
	const r = await env.run(['repair', '--batch', batch]);
	t.is(r.code, 1, r.stdout + r.stderr);
	t.regex(r.stdout, /drift_remains/);
	t.regex(r.stdout, /not mended: api key #\d+ .*changed.*roll the batch back and import again/);
	t.is(env.sandbox.snapshot().api_keys.length, keysBefore, 'no second key');

	await oob(env.sandbox, {
		op: 'update',
		type: 'account',
		id: id('account'),
		patch: {credentials: {model_mapping: {'gpt-4o': 'gpt-4o'}}},
	});
	const json = await env.run(['repair', '--batch', batch, '--json']);
	t.is(json.code, 1);
	const doc = parseJson(json);
	t.is(doc.outcome, 'not_mendable');
	t.deepEqual(doc.repaired, []);
	t.true(
		doc.not_mended.some((i: any) => i.resource_type === 'account' && /roll the batch back/.test(i.advice)),
	);
});
