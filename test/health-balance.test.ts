// Balances (docs/cli.md `crm balance`): read for the four providers with a balance API (DeepSeek,
// Moonshot/Kimi, StepFun, a sub2api relay) when the key is kept; null with a reason for the rest and
// for keys not kept (unless the host's cn-providers route answers, for a native account); a new-api
// relay through its billing routes; the sandbox balances are settable.
import test from 'ava';
import {readFileSync} from 'node:fs';
import path from 'node:path';
import {startSandbox} from '../source/sandbox/index.js';
import {readBalance, apiRoot} from '../source/upstream/balance.js';
import {hostEnv, parseJson} from './helpers/host-env.js';
import {scanForSecrets} from './helpers/scan.js';
import {oob} from './helpers/setup.js';

test('crm balance: four providers with an API read, the rest null with a reason', async (t) => {
	const env = await hostEnv(t);
	env.sandbox.setUpstream({balances: {deepseek: 12.34, kimi: 7, step: 3.5, relay: 20}});
	const runs = [];
	for (const pack of ['deepseek', 'kimi', 'step', 'relay', 'minimax', 'glm']) {
		const r = await env.importPack(pack, ['--keep-key']);
		t.is(r.code, 0, `${pack}: ${r.stderr}`);
		runs.push(r);
	}
	// A deepseek key not kept: the host's cn-providers route is tried, and refuses an openai account.
	const notKept = await env.importPack('deepseek', ['--access', 'self_service']);
	t.is(notKept.code, 0, notKept.stderr);
	const notKeptId = parseJson(notKept).batch_id;

	const result = await env.run(['balance', '--json']);
	t.is(result.code, 0, result.stderr);
	const rows = parseJson(result).balances as any[];
	const by = (pack: string) => rows.filter((r) => r.pack === pack && r.batch_id !== notKeptId)[0];
	t.like(by('deepseek'), {amount: 12.34, currency: 'CNY', source: 'deepseek /user/balance', reason: null});
	t.like(by('kimi'), {amount: 7, currency: 'CNY', source: 'moonshot /v1/users/me/balance', reason: null});
	t.like(by('step'), {amount: 3.5, currency: 'CNY', source: 'stepfun /v1/accounts', reason: null});
	t.like(by('relay'), {amount: 20, currency: 'USD', source: 'sub2api /v1/usage', reason: null});
	t.like(by('minimax'), {amount: null, currency: null, source: null});
	t.regex(by('minimax').reason, /MiniMax has no pay-as-you-go balance API/);
	t.like(by('glm'), {amount: null});
	t.regex(by('glm').reason, /GLM has no pay-as-you-go balance API/);
	const hostRoute = rows.find((r) => r.batch_id === notKeptId);
	t.is(hostRoute.amount, null);
	t.regex(hostRoute.reason, /not kept .*cn-providers route answered: .*not a CN provider platform/);
	for (const r of rows) t.is(typeof r.at, 'string');

	// A balance read fails soft: an auth fault on the provider becomes a reason, not an error.
	env.sandbox.setFaults({upstream: {kimi: 'auth'}});
	const refused = parseJson(await env.run(['balance', '--json'])).balances.find(
		(r: any) => r.pack === 'kimi',
	);
	t.like(refused, {amount: null, source: 'moonshot /v1/users/me/balance'});
	t.regex(refused.reason, /HTTP 401 \(auth\)/);

	const leaks = scanForSecrets([env.data], [...runs, notKept, result], env.secrets(), {allowStateFile: true});
	t.deepEqual(leaks, []);
});

test("a key not kept on a native deepseek account: the amount comes from the host's cn-providers balance route", async (t) => {
	const env = await hostEnv(t);
	const imported = await env.importPack('deepseek');
	t.is(imported.code, 0, imported.stderr);
	const r = parseJson(imported);
	const accountId = Number(r.resources.find((x: any) => x.resource_type === 'account').host_resource_id);
	// The account is on the host's native deepseek platform (a build that has it; the operator moved it),
	// so the host's own route answers for it.
	await oob(env.sandbox, {op: 'update', type: 'account', id: accountId, patch: {platform: 'deepseek'}});
	env.sandbox.setUpstream({balances: {deepseek: 55.25}});
	const upstreamBefore = env.sandbox.snapshot().upstream_log.length;
	const hostBefore = env.sandbox.requestLog().length;

	const first = await env.run(['balance', '--json']);
	t.is(first.code, 0, first.stderr);
	t.like(parseJson(first).balances, [
		{
			batch_id: r.batch_id,
			pack: 'deepseek',
			amount: 55.25,
			currency: 'CNY',
			source: 'host /api/v1/admin/cn-providers/accounts/:id/balance',
			reason: null,
		},
	]);
	// The host answered it: its route was called, and the provider was never asked (no key to ask with).
	t.deepEqual(
		env.sandbox
			.requestLog()
			.slice(hostBefore)
			.filter((e) => e.path.includes('/cn-providers/'))
			.map((e) => [e.method, e.path, e.status]),
		[['GET', `/api/v1/admin/cn-providers/accounts/${accountId}/balance`, 200]],
	);
	t.deepEqual(env.sandbox.snapshot().upstream_log.slice(upstreamBefore), []);
	t.false(
		readFileSync(path.join(env.data, 'state.json'), 'utf8').includes(
			env.sandbox.info.upstreams.deepseek!.api_key,
		),
	);

	// The host's number moves, the answer follows.
	env.sandbox.setUpstream({balances: {deepseek: 3.5}});
	const second = await env.run(['balance', '--host', 'sb', '--json']);
	t.is(second.code, 0, second.stderr);
	t.like(parseJson(second).balances[0], {
		amount: 3.5,
		source: 'host /api/v1/admin/cn-providers/accounts/:id/balance',
	});

	const leaks = scanForSecrets([env.data], [imported, first, second], env.secrets(), {allowStateFile: true});
	t.deepEqual(leaks, []);
});

test('a new-api relay: hard limit minus usage; a relay with neither route says so; URL roots', async (t) => {
	const sb = await startSandbox();
	t.teardown(() => sb.close());
	const relay = sb.info.upstreams.relay!;
	const read = () =>
		readBalance({pack: 'relay', baseUrl: relay.base_url, apiKey: relay.api_key, timeoutMs: 5000});
	sb.setUpstream({relay_billing: 'new-api', relay_hard_limit_usd: 50, balances: {relay: 12.5}});
	t.deepEqual(await read(), {
		amount: 12.5,
		currency: 'USD',
		source: 'new-api /dashboard/billing',
		reason: null,
	});
	sb.setUpstream({relay_billing: 'none'});
	const none = await read();
	t.is(none.amount, null);
	t.regex(none.reason!, /neither sub2api nor new-api billing routes/);
	t.throws(() => sb.setUpstream({balances: {nope: 1}}), {message: /unknown upstream pack: nope/});
	const kimiCoding = await readBalance({
		pack: 'kimi',
		baseUrl: 'https://api.kimi.com/coding/v1',
		apiKey: 'sk-unused-key',
		timeoutMs: 1000,
	});
	t.regex(kimiCoding.reason!, /Kimi For Coding keys have no balance route/);
	t.is(apiRoot('https://api.moonshot.cn/v1'), 'https://api.moonshot.cn');
	t.is(apiRoot('https://api.deepseek.com'), 'https://api.deepseek.com');
	t.is(apiRoot('https://relay.example.com/v1/chat/completions'), 'https://relay.example.com');
});
