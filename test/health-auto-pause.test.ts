// Auto-pause (docs/domain.md "Health"), through the built CLI against the sandbox: after N
// consecutive quota failures the tool sets its OWN account unschedulable (recorded, so reconcile
// stays in sync), never another account; after a good direct check it sets it back and the smoke
// passes; an account the operator changed by hand meanwhile is left alone and reported.
import test from 'ava';
import {readFileSync} from 'node:fs';
import path from 'node:path';
import {hostEnv, parseJson} from './helpers/host-env.js';
import {control} from './sandbox-helpers.js';

test('auto-pause sets and clears schedulable on the tool’s own account only; an operator’s change is left alone', async (t) => {
	const env = await hostEnv(t);
	const imported = await env.importPack('deepseek', ['--keep-key']);
	t.is(imported.code, 0, imported.stderr);
	const batch = parseJson(imported).batch_id as string;
	const accountId = Number(
		parseJson(imported).resources.find((r: any) => r.resource_type === 'account').host_resource_id,
	);
	const set = await env.run(['host', 'set', 'sb', '--auto-pause', 'on', '--pause-after', '2', '--json']);
	t.is(set.code, 0, set.stderr);
	t.deepEqual(parseJson(set).auto_pause, {enabled: true, pause_after: 2});
	// An account the operator made on the same host: never touched.
	const own = await control(env.sandbox, 'POST', '/oob', {
		op: 'create',
		type: 'account',
		body: {
			name: 'operator-own',
			credentials: {api_key: 'sk-operator-own-key-123', base_url: 'https://x.invalid'},
		},
	});
	const operatorAccount = own.json.row.id as number;
	const live = (id: number) => env.sandbox.snapshot().accounts.find((a) => a.id === id)!;
	const pass = async () => {
		const r = await env.run(['watch', '--once', '--json']);
		return {code: r.code, doc: parseJson(r), stderr: r.stderr};
	};

	env.sandbox.setFaults({upstream: {deepseek: 'quota'}});
	const first = await pass();
	t.is(first.code, 1);
	t.is(first.doc.checks[0].action, null, 'one failure: not yet');
	t.true(live(accountId).schedulable);
	const second = await pass();
	t.regex(
		second.doc.checks[0].action,
		new RegExp(
			`^paused: account ${accountId} set unschedulable: 2 consecutive upstream_key_quota_issue failures`,
		),
	);
	t.deepEqual(
		second.doc.alerts.map((a: any) => a.kind),
		['paused'],
	);
	t.false(live(accountId).schedulable, 'the tool’s own account is paused on the host');
	t.true(live(operatorAccount).schedulable, 'the operator’s account is not');
	const status = parseJson(await env.run(['status', '--json'])).hosts[0].providers[0];
	t.is(status.provider_status, 'paused');
	const file = JSON.parse(readFileSync(path.join(env.data, 'batches', `${batch}.json`), 'utf8'));
	t.like(file.tool_actions[0], {
		action: 'pause',
		resource_type: 'account',
		host_resource_id: String(accountId),
		status: 'done',
	});
	t.is(file.resources.find((r: any) => r.resource_type === 'account').snapshot.schedulable, false);
	// Reconcile knows it was the tool: in sync, not drift.
	const reconcile = await env.run(['reconcile', '--batch', batch, '--json']);
	t.is(reconcile.code, 0, reconcile.stdout);

	const still = await pass();
	t.is(still.doc.checks[0].action, 'still paused');
	t.like(still.doc.checks[0].direct, {ok: false, kind: 'quota'});
	t.false(live(accountId).schedulable);

	env.sandbox.setFaults({upstream: {deepseek: null}});
	const resumed = await pass();
	t.is(resumed.code, 0, resumed.stderr);
	t.like(resumed.doc.checks[0], {health: 'ok', action: 'resumed', completion_ok: true});
	t.deepEqual(
		resumed.doc.alerts.map((a: any) => a.kind),
		['resumed'],
		'resumed says it is back: no separate recovered',
	);
	t.true(live(accountId).schedulable);
	t.is(parseJson(await env.run(['status', '--json'])).hosts[0].providers[0].provider_status, 'active');
	const after = JSON.parse(readFileSync(path.join(env.data, 'batches', `${batch}.json`), 'utf8'));
	t.deepEqual(
		after.tool_actions.map((a: any) => [a.action, a.status]),
		[
			['pause', 'done'],
			['resume', 'done'],
		],
	);
	t.is(after.access_results.at(-1).access_status, 'subscription_ready');
	t.is((await env.run(['reconcile', '--batch', batch, '--json'])).code, 0);

	// Paused again, then the operator renames the account by hand: the tool leaves it alone.
	env.sandbox.setFaults({upstream: {deepseek: 'quota'}});
	await pass();
	t.regex((await pass()).doc.checks[0].action, /^paused:/);
	await control(env.sandbox, 'POST', '/oob', {
		op: 'update',
		type: 'account',
		id: accountId,
		patch: {name: 'renamed-by-hand'},
	});
	env.sandbox.setFaults({upstream: {deepseek: null}});
	const alone = await pass();
	t.is(alone.code, 1);
	t.regex(
		alone.doc.checks[0].action,
		new RegExp(`left paused: account ${accountId} was changed on the host \\(name\\); left alone`),
	);
	t.false(live(accountId).schedulable, 'not fought: still as the operator left it');
	t.is(live(accountId).name, 'renamed-by-hand');
	t.true(live(operatorAccount).schedulable);
});

test('auto-pause without the key kept does not pause (it could not check before resuming)', async (t) => {
	const env = await hostEnv(t);
	t.is((await env.importPack('step')).code, 0);
	t.is((await env.run(['host', 'set', 'sb', '--auto-pause', 'on', '--pause-after', '1'])).code, 0);
	env.sandbox.setFaults({upstream: {step: 'auth'}});
	const r = await env.run(['watch', '--once', '--json']);
	t.is(r.code, 1);
	const check = parseJson(r).checks[0];
	t.is(check.health, 'failing');
	t.regex(check.action, /not paused: auto-pause needs the provider key kept/);
	t.true(env.sandbox.snapshot().accounts.every((a) => a.schedulable));
});
