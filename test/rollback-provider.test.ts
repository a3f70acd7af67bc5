// Rollback per provider (docs/cli.md `crm rollback --host --pack [--url]`): every batch of that
// provider on the host not yet rolled back, newest first, each with the per-batch safety rules.
import test from 'ava';
import {control} from './sandbox-helpers.js';
import {hostEnv, liveOurs, parseJson} from './helpers/host-env.js';

test('every batch of one provider, newest first; other providers untouched; a changed resource is skipped', async (t) => {
	const env = await hostEnv(t);
	const first = parseJson(await env.importPack('deepseek', ['--access', 'subscription']));
	const second = parseJson(await env.importPack('deepseek', ['--access', 'self_service']));
	const third = parseJson(await env.importPack('deepseek', ['--access', 'subscription', '--force']));
	const kimi = parseJson(await env.importPack('kimi'));
	for (const b of [first, second, third, kimi]) t.is(b.batch_status, 'succeeded');
	env.sandbox.setFaults({upstream: {deepseek: 'quota'}});
	const empty = parseJson(await env.importPack('deepseek', ['--force']));
	t.deepEqual(empty.resources, [], 'a batch that created nothing');
	env.sandbox.setFaults({upstream: {deepseek: null}});

	// The plan reads only.
	const deletesBefore = env.sandbox.requestLog().filter((l) => l.method === 'DELETE').length;
	const plan = await env.run(['rollback', '--host', 'sb', '--pack', 'deepseek', '--dry-run', '--json']);
	t.is(plan.code, 0, plan.stderr);
	t.deepEqual(
		parseJson(plan).batches.map((p: any) => p.batch_id),
		[third.batch_id, second.batch_id, first.batch_id],
		'newest first; the batch that created nothing is not listed',
	);
	t.true(parseJson(plan).batches.every((p: any) => p.plan.some((i: any) => i.action === 'delete')));
	t.is(env.sandbox.requestLog().filter((l) => l.method === 'DELETE').length, deletesBefore);

	const unconfirmed = await env.run(['rollback', '--host', 'sb', '--pack', 'deepseek', '--json']);
	t.is(unconfirmed.code, 2);
	t.is(parseJson(unconfirmed).error.field, '--yes');

	// Someone renames the second batch's group on the host: it is no longer what was recorded.
	const group = second.resources.find((r: any) => r.resource_type === 'group');
	const oob = await control(env.sandbox, 'POST', '/oob', {
		op: 'update',
		type: 'group',
		id: Number(group.host_resource_id),
		patch: {name: 'someone-elses-group'},
	});
	t.is(oob.status, 200);
	// The dry run reads each record back from the host: it already says the changed group is kept.
	const checked = parseJson(
		await env.run(['rollback', '--host', 'sb', '--pack', 'deepseek', '--dry-run', '--json']),
	);
	const secondPlan = checked.batches.find((p: any) => p.batch_id === second.batch_id);
	t.true(secondPlan.checked_on_host);
	t.deepEqual(
		secondPlan.plan.filter((i: any) => i.action === 'keep').map((i: any) => i.resource_type),
		['group'],
	);

	const run = await env.run(['rollback', '--host', 'sb', '--pack', 'deepseek', '--yes', '--json']);
	t.is(run.code, 1, 'one batch could not be rolled back completely');
	const r = parseJson(run);
	t.deepEqual(
		r.batches.map((b: any) => [b.batch_id, b.batch_status]),
		[
			[third.batch_id, 'rolled_back'],
			[second.batch_id, 'partial'],
			[first.batch_id, 'rolled_back'],
		],
	);
	const skipped = r.batches[1].skipped;
	t.is(skipped.length, 1);
	t.is(skipped[0].resource_type, 'group');
	t.regex(skipped[0].detail, /no longer matches its record \(name: .* -> "someone-elses-group"\)/);
	const live = liveOurs(env.sandbox);
	t.is(live.accounts.length, 1, "kimi's account is all that is left of ours");
	t.true(live.accounts[0]!.name.includes('kimi'));
	t.true(env.sandbox.snapshot().groups.some((g) => g.name === 'someone-elses-group' && !g.deleted_at));
	const kimiShow = parseJson(await env.run(['batch', 'show', kimi.batch_id, '--json']));
	t.is(kimiShow.batch_status, 'succeeded');

	// Run again: only the partial batch is left, and its changed group is still never deleted.
	const again = parseJson(
		await env.run(['rollback', '--host', 'sb', '--pack', 'deepseek', '--yes', '--json']),
	);
	t.deepEqual(
		again.batches.map((b: any) => b.batch_id),
		[second.batch_id],
	);
	t.is(again.batches[0].skipped.length, 1);
	// --force, as for one batch: the changed group goes too.
	const forced = parseJson(
		await env.run(['rollback', '--host', 'sb', '--pack', 'deepseek', '--yes', '--force', '--json']),
	);
	t.deepEqual(
		forced.batches.map((b: any) => [b.batch_id, b.batch_status]),
		[[second.batch_id, 'rolled_back']],
	);
	t.false(env.sandbox.snapshot().groups.some((g) => g.name === 'someone-elses-group' && !g.deleted_at));
});

test('--url picks one base URL of a pack; bad input exits 2 naming the flag; nothing left is exit 0', async (t) => {
	const env = await hostEnv(t);
	const relay = env.sandbox.info.upstreams.relay!;
	const other = relay.base_url.replace('127.0.0.1', 'localhost');
	const a = parseJson(await env.importPack('relay'));
	const b = parseJson(
		await env.run([
			'import',
			'--host',
			'sb',
			'--pack',
			'relay',
			'--url',
			other,
			'--key-env',
			'KEY_RELAY',
			'--json',
		]),
	);
	t.is(a.batch_status, 'succeeded');
	t.is(b.batch_status, 'succeeded');

	const bad: Array<[string[], string]> = [
		[['--pack', 'nope'], '--pack'],
		[['--pack', 'relay', '--url', 'https://elsewhere.example/v1'], '--url'],
		[['--pack', 'relay', '--url', 'not a url'], '--url'],
		[['--pack', 'relay', '--batch', a.batch_id], '--batch'],
	];
	for (const [args, field] of bad) {
		const r = await env.run(['rollback', '--host', 'sb', ...args, '--yes', '--json']);
		t.is(r.code, 2, args.join(' '));
		t.is(parseJson(r).error.field, field, args.join(' '));
	}
	const noHost = await env.run(['rollback', '--pack', 'relay', '--yes', '--json']);
	t.is(noHost.code, 2);
	t.is(parseJson(noHost).error.field, '--host');

	const one = await env.run([
		'rollback',
		'--host',
		'sb',
		'--pack',
		'relay',
		'--url',
		other,
		'--yes',
		'--json',
	]);
	t.is(one.code, 0, one.stderr);
	t.deepEqual(
		parseJson(one).batches.map((x: any) => x.batch_id),
		[b.batch_id],
	);
	t.is(parseJson(await env.run(['batch', 'show', a.batch_id, '--json'])).batch_status, 'succeeded');
	const done = await env.run([
		'rollback',
		'--host',
		'sb',
		'--pack',
		'relay',
		'--url',
		other,
		'--yes',
		'--json',
	]);
	t.is(done.code, 0);
	t.deepEqual(parseJson(done).batches, []);
});
