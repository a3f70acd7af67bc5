// Health watch through the built CLI against the sandbox (docs/domain.md "Health"): a quota fault turns
// the provider degraded, then broken, with the right class and ONE alert (a local webhook receiver
// counts them); recovery raises one `recovered`; `crm watch --once` exits 0 when every check is ok,
// else 1; the history is per batch under DATA/health and the webhook URL is never shown whole.
import test from 'ava';
import {existsSync, readFileSync} from 'node:fs';
import path from 'node:path';
import {hostEnv, parseJson} from './helpers/host-env.js';
import {scanForSecrets} from './helpers/scan.js';
import {receiver} from './helpers/webhook.js';
import {startCli} from './helpers/cli.js';

const providerStatus = async (env: Awaited<ReturnType<typeof hostEnv>>) =>
	parseJson(await env.run(['status', '--json'])).hosts[0].providers[0].provider_status as string;

test('a quota fault: degraded, then broken, with its class and one alert; recovery raises one recovered', async (t) => {
	const env = await hostEnv(t);
	const hook = await receiver(t);
	const imported = await env.importPack('deepseek', ['--keep-key']);
	t.is(imported.code, 0, imported.stderr);
	const batch = parseJson(imported).batch_id as string;

	const set = await env.run(['alerts', 'set', '--webhook-url-env', 'HOOK', '--format', 'generic', '--json'], {
		HOOK: hook.url,
	});
	t.is(set.code, 0, set.stderr);
	t.regex(parseJson(set).webhook, /^http:\/\/127\.0\.0\.1:\d+\/…\w{4}$/);

	const ok = await env.run(['watch', '--once', '--json']);
	t.is(ok.code, 0, ok.stderr);
	const first = parseJson(ok);
	t.is(first.checks.length, 1);
	t.like(first.checks[0], {
		batch_id: batch,
		pack: 'deepseek',
		health: 'ok',
		failure_class: null,
		models_ok: true,
	});
	t.true(first.checks[0].completion_ok);
	t.is(typeof first.checks[0].latency_ms, 'number');
	t.deepEqual(first.checks[0].balance, {amount: 110.5, currency: 'CNY', source: 'deepseek /user/balance'});
	t.deepEqual(first.alerts, []);
	t.is(await providerStatus(env), 'active');

	env.sandbox.setFaults({upstream: {deepseek: 'quota'}});
	const one = await env.run(['watch', '--once', '--broken-after', '2', '--json']);
	t.is(one.code, 1, 'a failing check exits 1');
	const failing = parseJson(one);
	t.like(failing.checks[0], {health: 'failing', failure_class: 'upstream_key_quota_issue'});
	t.like(failing.checks[0].direct, {ok: false, status: 402, kind: 'quota'});
	t.is(failing.alerts.length, 1);
	t.like(failing.alerts[0], {batch_id: batch, kind: 'failing', delivered: true});
	t.regex(failing.alerts[0].sent_to, /…\w{4}$/);
	t.is(await providerStatus(env), 'degraded');

	const two = await env.run(['watch', '--once', '--broken-after', '2', '--json']);
	t.is(two.code, 1);
	t.like(parseJson(two).checks[0], {health: 'failing', failure_class: 'upstream_key_quota_issue'});
	t.deepEqual(parseJson(two).alerts, [], 'still failing: no second alert');
	t.is(await providerStatus(env), 'broken');
	t.deepEqual(hook.kinds(), ['failing'], 'exactly one alert reached the webhook');
	t.like(hook.received[0]!.body, {kind: 'failing', batch_id: batch, pack: 'deepseek'});
	t.regex(hook.received[0]!.body.message, /upstream_key_quota_issue/);

	env.sandbox.setFaults({upstream: {deepseek: null}});
	const back = await env.run(['watch', '--once', '--broken-after', '2', '--json']);
	t.is(back.code, 0, back.stderr);
	t.like(parseJson(back).checks[0], {health: 'ok'});
	t.deepEqual(
		parseJson(back).alerts.map((a: any) => a.kind),
		['recovered'],
	);
	t.deepEqual(hook.kinds(), ['failing', 'recovered']);
	t.is(await providerStatus(env), 'active');

	// History: its own append-only file, newest first through crm health; none of it in state.json.
	const history = await env.run(['health', '--batch', batch, '--json']);
	t.is(history.code, 0);
	const checks = parseJson(history).checks;
	t.deepEqual(
		checks.map((c: any) => c.health),
		['ok', 'failing', 'failing', 'ok'],
	);
	const file = path.join(env.data, 'health', `${batch}.jsonl`);
	t.true(existsSync(file));
	t.is(readFileSync(file, 'utf8').trim().split('\n').length, 4);
	t.false(readFileSync(path.join(env.data, 'state.json'), 'utf8').includes('"checks"'));

	const shown = await env.run(['alerts', 'show', '--json']);
	t.like(parseJson(shown), {format: 'generic', undelivered: 0});
	const leaks = scanForSecrets(
		[env.data],
		[imported, set, ok, one, two, back, history, shown],
		[...env.secrets(), hook.url],
		{allowStateFile: true},
	);
	t.deepEqual(leaks, []);
});

test('watch --once exits 0 with nothing to watch; bad flags exit 2 naming the flag; alerts test counts one delivery', async (t) => {
	const env = await hostEnv(t);
	const hook = await receiver(t);
	const empty = await env.run(['watch', '--once', '--json']);
	t.is(empty.code, 0);
	t.deepEqual(parseJson(empty), {checks: [], alerts: []});

	const stateBefore = readFileSync(path.join(env.data, 'state.json'), 'utf8');
	for (const [args, field] of [
		[['watch', '--once', '--interval-s', '0'], '--interval-s'],
		[['watch', '--once', '--host', 'nope'], '--host'],
		[['alerts', 'set', '--webhook-url-env', 'NOPE_UNSET'], '--webhook-url-env'],
		[['alerts', 'set', '--webhook-url-env', 'HOOK', '--format', 'teams'], '--format'],
		[['host', 'set', 'sb', '--auto-pause', 'maybe'], '--auto-pause'],
		[['host', 'set', 'sb', '--pause-after', '0'], '--pause-after'],
		[['health', '--batch', 'b-none'], '--batch'],
		[['rotate-key', '--batch', 'b-none', '--key-env', 'K'], '--batch'],
		[['rotate-key', '--batch', 'b-none'], '--key-env'],
		[['keep-key', '--batch', 'b-none', '--key-env', 'K'], '--batch'],
		[['alerts', 'set', '--webhook-url-env', 'HOOK', '--min-balance', '-1'], '--min-balance'],
		[['watch', '--once', '--broken-after', 'x'], '--broken-after'],
	] as const) {
		const r = await env.run([...args, '--json'], {HOOK: hook.url, K: 'sk-some-provider-key-0001'});
		t.is(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
		t.is(parseJson(r).error.field, field);
		t.true(parseJson(r).error.message.length > 15, 'a message that says what to do');
	}
	t.is(readFileSync(path.join(env.data, 'state.json'), 'utf8'), stateBefore, 'bad input changes nothing');
	const plain = await env.run(['alerts', 'set', '--webhook-url-env', 'HOOK', '--json'], {
		HOOK: 'http://hooks.example.com/robot?access_token=abcdefabcdef',
	});
	t.is(plain.code, 2, 'plain http to another machine would carry the token in clear');
	t.false(plain.stdout.includes('abcdefabcdef'));

	t.is(
		(await env.run(['alerts', 'set', '--webhook-url-env', 'HOOK', '--format', 'feishu'], {HOOK: hook.url}))
			.code,
		0,
	);
	hook.answer = {code: 0, msg: 'success'};
	const sent = await env.run(['alerts', 'test', '--json']);
	t.is(sent.code, 0, sent.stderr);
	t.true(parseJson(sent).delivered);
	t.is(hook.received.length, 1);
	t.like(hook.received[0]!.body, {msg_type: 'text'});
	t.regex(hook.received[0]!.body.content.text, /test alert/);
	// Feishu answers 200 with an error code in the body: that is not delivered.
	hook.answer = {code: 19001, msg: 'param invalid: incoming webhook access token invalid'};
	const refused = await env.run(['alerts', 'test', '--json']);
	t.is(refused.code, 1);
	t.regex(parseJson(refused).error ?? '', /code 19001/);
	const leaks = scanForSecrets([env.data], [sent, refused], [hook.url], {allowStateFile: true});
	t.deepEqual(leaks, []);
});

test('crm watch without --once checks, prints a line a check, and stops cleanly on SIGINT', async (t) => {
	const env = await hostEnv(t);
	t.is((await env.importPack('kimi', ['--keep-key'])).code, 0);
	const child = startCli(['watch', '--interval-s', '10', '--json', '--data', env.data], {env: env.env});
	let stderr = '';
	let stdout = '';
	child.stdout!.on('data', (d) => (stdout += d));
	const firstLine = new Promise<void>((resolve) =>
		child.stderr!.on('data', (d) => {
			stderr += d;
			if (/ ok kimi /.test(stderr)) resolve();
		}),
	);
	const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
	await firstLine;
	child.kill('SIGINT');
	t.is(await exited, 0, stderr);
	const doc = JSON.parse(stdout);
	t.is(doc.checks.length, 1);
	t.like(doc.checks[0], {pack: 'kimi', health: 'ok'});
	t.deepEqual(doc.checks[0].balance, {amount: 42, currency: 'CNY', source: 'moonshot /v1/users/me/balance'});
	t.regex(stderr, /SIGINT: stopping cleanly/);
});
