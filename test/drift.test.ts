import test from 'ava';
import {hostEnv, liveOurs, parseJson, type HostEnv} from './helpers/host-env.js';

async function oob(env: HostEnv, body: unknown) {
	const res = await fetch(`${env.sandbox.info.control_url}/oob`, {
		method: 'POST',
		headers: {'x-api-key': env.sandbox.info.admin_api_key, 'content-type': 'application/json'},
		body: JSON.stringify(body),
	});
	if (!res.ok) throw new Error(`oob ${res.status}: ${await res.text()}`);
	return res.json();
}

const idOf = (r: any, type: string) =>
	Number(r.resources.find((x: any) => x.resource_type === type).host_resource_id);

test('reconcile: in_sync, then missing after an out-of-band delete, then changed with the field', async (t) => {
	const env = await hostEnv(t);
	const imp = parseJson(await env.importPack('deepseek'));
	t.is(imp.batch_status, 'succeeded');

	const clean = await env.run(['reconcile', '--host', 'sb', '--batch', imp.batch_id, '--json']);
	t.is(clean.code, 0);
	const run0 = parseJson(clean);
	t.is(run0.reconcile_status, 'in_sync');
	t.is(run0.items.length, 5);
	t.true(run0.items.every((i: any) => i.state === 'present'));

	await oob(env, {
		op: 'update',
		type: 'account',
		id: idOf(imp, 'account'),
		patch: {credentials: {model_mapping: {'gpt-4o': 'gpt-4o'}}},
	});
	const changed = await env.run(['reconcile', '--host', 'sb', '--batch', imp.batch_id, '--json']);
	t.is(changed.code, 3);
	const accountItem = parseJson(changed).items.find((i: any) => i.resource_type === 'account');
	t.is(accountItem.state, 'changed');
	t.deepEqual(accountItem.fields, ['model_mapping']);

	await oob(env, {op: 'delete', type: 'account', id: idOf(imp, 'account')});
	const missing = await env.run(['reconcile', '--host', 'sb', '--batch', imp.batch_id, '--json']);
	t.is(missing.code, 3);
	const run2 = parseJson(missing);
	t.is(run2.reconcile_status, 'drifted');
	t.is(run2.items.find((i: any) => i.resource_type === 'account').state, 'missing');
	t.false(
		run2.items.some((i: any) => i.state === 'unmanaged'),
		'a batch run never reports unmanaged items',
	);

	// Each run is stored with its batch: the batch's detail shows exactly its own three runs.
	const shown = parseJson(await env.run(['batch', 'show', imp.batch_id, '--json']));
	t.deepEqual(
		shown.reconcile_runs.map((r: any) => r.reconcile_status),
		['in_sync', 'drifted', 'drifted'],
	);
	t.true(shown.reconcile_runs.every((r: any) => r.batch_id === imp.batch_id));
});

test('residue shows as unmanaged host-wide and rollback never touches it; rollback removes exactly the batch', async (t) => {
	const env = await hostEnv(t);
	const keep = parseJson(await env.importPack('step'));
	const imp = parseJson(await env.importPack('deepseek'));
	await oob(env, {op: 'create', type: 'group', body: {name: 'crm-deepseek-zzzzzz'}});
	await oob(env, {op: 'create', type: 'account', body: {name: 'crm-residue-account'}});
	await oob(env, {op: 'create', type: 'group', body: {name: 'someone-elses-group'}});

	const hostWide = parseJson(await env.run(['reconcile', '--host', 'sb', '--json']));
	const unmanaged = hostWide.items
		.filter((i: any) => i.state === 'unmanaged')
		.map((i: any) => i.name)
		.sort();
	t.deepEqual(unmanaged, ['crm-deepseek-zzzzzz', 'crm-residue-account']);

	const before = env.sandbox.snapshot();
	const dry = await env.run(['rollback', '--batch', imp.batch_id, '--dry-run', '--json']);
	t.is(dry.code, 0);
	const plan = parseJson(dry);
	t.deepEqual(
		plan.plan.map((p: any) => p.resource_type),
		['api_key', 'subscription', 'user', 'account', 'group'],
	);
	t.true(plan.plan.every((p: any) => p.action === 'delete'));
	t.deepEqual(env.sandbox.snapshot(), before, '--dry-run changes nothing on the host');

	const noYes = await env.run(['rollback', '--batch', imp.batch_id, '--json']);
	t.is(noYes.code, 2, 'without --yes and without a terminal: exit 2');

	const rb = await env.run(['rollback', '--batch', imp.batch_id, '--yes', '--json']);
	t.is(rb.code, 0, rb.stderr);
	const result = parseJson(rb);
	t.is(result.batch_status, 'rolled_back');
	t.is(result.deleted.length, 5);
	t.deepEqual(result.skipped, []);
	t.deepEqual(result.failed, []);

	const after = env.sandbox.snapshot();
	const alive = (rows: any[]) =>
		rows
			.filter((r) => !r.deleted_at)
			.map((r) => r.name ?? r.email)
			.sort();
	const removed = (kind: 'groups' | 'accounts' | 'users' | 'api_keys') =>
		alive((before as any)[kind]).filter((n: string) => !alive((after as any)[kind]).includes(n));
	t.deepEqual(removed('groups'), [imp.resources.find((r: any) => r.resource_type === 'group').name]);
	t.deepEqual(removed('accounts'), [imp.resources.find((r: any) => r.resource_type === 'account').name]);
	t.deepEqual(removed('users'), [imp.resources.find((r: any) => r.resource_type === 'user').name]);
	t.deepEqual(removed('api_keys'), [imp.resources.find((r: any) => r.resource_type === 'api_key').name]);
	t.true(alive(after.groups).includes('crm-deepseek-zzzzzz'), 'residue is never deleted by rollback');
	t.true(
		alive(after.groups).includes(keep.resources.find((r: any) => r.resource_type === 'group').name),
		'the other batch is intact',
	);

	const second = await env.run(['rollback', '--batch', imp.batch_id, '--yes', '--json']);
	t.is(second.code, 0);
	t.deepEqual(parseJson(second).deleted, [], 'a second rollback is a no-op');

	const again = await env.importPack('deepseek');
	t.is(again.code, 0, 're-import after rollback succeeds');
	t.is(parseJson(again).access_status, 'subscription_ready');
});

test('a resource that no longer matches its record is skipped, never deleted; a rerun finishes the rest', async (t) => {
	const env = await hostEnv(t);
	const imp = parseJson(await env.importPack('minimax', ['--access', 'self_service']));
	const groupId = idOf(imp, 'group');
	await oob(env, {op: 'update', type: 'group', id: groupId, patch: {name: 'renamed-by-an-operator'}});
	const rb = parseJson(await env.run(['rollback', '--batch', imp.batch_id, '--yes', '--json']));
	t.is(rb.batch_status, 'partial');
	t.deepEqual(
		rb.skipped.map((s: any) => s.resource_type),
		['group'],
	);
	t.regex(rb.skipped[0].detail, /no longer matches/);
	t.truthy(
		env.sandbox.snapshot().groups.find((g) => g.id === groupId && !g.deleted_at),
		'the renamed group still exists',
	);
	t.is(rb.deleted.length, 3);

	await oob(env, {
		op: 'update',
		type: 'group',
		id: groupId,
		patch: {name: imp.resources.find((r: any) => r.resource_type === 'group').name},
	});
	const rerun = parseJson(await env.run(['rollback', '--batch', imp.batch_id, '--yes', '--json']));
	t.is(rerun.batch_status, 'rolled_back');
	t.deepEqual(
		rerun.deleted.map((d: any) => d.resource_type),
		['group'],
	);
});

test('a batch that recorded no resources is refused: exit 1, nothing deleted', async (t) => {
	const env = await hostEnv(t);
	const failed = parseJson(await env.importPack('deepseek', [], 'sk-wrong-key-000000000000000000'));
	t.deepEqual(failed.resources, []);
	const rb = await env.run(['rollback', '--batch', failed.batch_id, '--yes', '--json']);
	t.is(rb.code, 1);
	t.regex(parseJson(rb).error.message, /recorded no resources/);
});

test('repair recreates a missing key and subscription and re-checks readiness, leaving the rest intact', async (t) => {
	const env = await hostEnv(t);
	const imp = parseJson(await env.importPack('glm'));
	await oob(env, {op: 'delete', type: 'api_key', id: idOf(imp, 'api_key')});
	await oob(env, {op: 'delete', type: 'subscription', id: idOf(imp, 'subscription')});
	const drift = await env.run(['reconcile', '--host', 'sb', '--batch', imp.batch_id, '--json']);
	t.is(drift.code, 3);
	const repair = await env.run(['repair', '--batch', imp.batch_id, '--json']);
	t.is(repair.code, 0, repair.stderr);
	const r = parseJson(repair);
	t.is(r.access_status, 'subscription_ready');
	t.true(r.completion_ok);
	t.deepEqual(r.repaired.map((x: any) => x.resource_type).sort(), ['api_key', 'subscription']);
	const groups = liveOurs(env.sandbox).groups.map((g) => g.id);
	t.deepEqual(groups, [idOf(imp, 'group')], 'the group is untouched');
	const after = await env.run(['reconcile', '--host', 'sb', '--batch', imp.batch_id, '--json']);
	t.is(after.code, 0, 'in sync again after the repair');
	const items = parseJson(after).items;
	t.true(items.every((i: any) => i.state === 'present'));
	t.is(items.length, 5, 'the replaced records no longer count');

	// The smoke can be run again at any time and is recorded with the batch.
	const smoke = await env.run(['smoke', '--batch', imp.batch_id, '--json']);
	t.is(smoke.code, 0, smoke.stderr);
	t.is(parseJson(smoke).access_status, 'subscription_ready');
	const shown = parseJson(await env.run(['batch', 'show', imp.batch_id, '--json']));
	t.is(shown.access_results.length, 3, 'import, repair and smoke each recorded an access result');
});

test('provider status follows the latest batch that created resources: broken after a failed import', async (t) => {
	const env = await hostEnv(t);
	const ok = await env.importPack('step');
	t.is(ok.code, 0);
	env.sandbox.setFaults({upstream: {step: 'chat_fail'}});
	const bad = await env.importPack('step', ['--force', '--continue-on-upstream-failure']);
	t.is(bad.code, 1);
	const row = parseJson(await env.run(['status', '--json'])).hosts[0].providers[0];
	t.is(row.provider_status, 'broken');
	t.is(row.access_status, 'models_only', 'the latest access result of the provider');
});
