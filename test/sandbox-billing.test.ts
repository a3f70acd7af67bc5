// The sandbox's Day-2 parts (docs/domain.md "Health"): balance routes on the fake upstreams with the
// provider's own shapes, settable through the control route (all or nothing, bad input named), keys
// a test adds, the schedulable switch visible in its state, and the host's cn-providers balance
// route refusing an `openai` account as the host does.
import test from 'ava';
import {admin, boot, call, control, provision} from './sandbox-helpers.js';

test('balance routes answer with the key only, in each provider shape, with settable balances', async (t) => {
	const s = await boot(t);
	const up = (pack: string) => s.info.upstreams[pack]!;
	const get = (pack: string, p: string, key = up(pack).api_key) =>
		call(`${up(pack).base_url.replace(/\/v1$/, '')}${p}`, {headers: {authorization: `Bearer ${key}`}});
	const set = await control(s, 'POST', '/upstreams', {
		balances: {deepseek: 9.5, kimi: 3, step: 1.25, relay: 7},
	});
	t.is(set.status, 200);
	t.like((await get('deepseek', '/user/balance')).json, {is_available: true});
	t.is((await get('deepseek', '/user/balance')).json.balance_infos[0].total_balance, '9.50');
	t.like((await get('kimi', '/v1/users/me/balance')).json, {code: 0, data: {available_balance: 3}});
	t.like((await get('step', '/v1/accounts')).json, {object: 'account', balance: 1.25});
	t.like((await get('relay', '/v1/sub2api/billing')).json, {
		object: 'sub2api.key_billing',
		schema_version: 1,
	});
	t.like((await get('relay', '/v1/usage')).json, {balance: 7, unit: 'USD'});
	t.is((await get('minimax', '/v1/users/me/balance')).status, 404, 'MiniMax has no balance route');
	t.is((await get('deepseek', '/user/balance', 'sk-wrong-key-0000000')).status, 401);
	// a key a test adds is accepted (rotation), everything else about the pack unchanged
	t.is(
		(await control(s, 'POST', '/upstreams', {accept_keys: {deepseek: ['sk-second-key-00000001']}})).status,
		200,
	);
	t.is((await get('deepseek', '/user/balance', 'sk-second-key-00000001')).status, 200);
	for (const [body, message] of [
		[{balances: {nope: 1}}, /unknown upstream pack: nope/],
		[{balances: {kimi: 'lots'}}, /balances\.kimi must be a number/],
		[{relay_billing: 'one-api'}, /relay_billing must be one of/],
		[{accept_keys: {kimi: ['short']}}, /accept_keys\.kimi must be a list of keys/],
		[{surprise: true}, /unknown upstream setting: surprise/],
	] as const) {
		const r = await control(s, 'POST', '/upstreams', body);
		t.is(r.status, 400);
		t.regex(r.json.error, message);
	}
	t.like(
		s.snapshot().upstream_settings.balances,
		{deepseek: 9.5, kimi: 3},
		'a refused update changed nothing',
	);
});

test('the schedulable switch shows in the state; cn-providers balance refuses an openai account', async (t) => {
	const s = await boot(t);
	const p = await provision(s, 'deepseek', {'deepseek-flash': 'deepseek-flash'});
	t.is((await admin(s, 'POST', `/accounts/${p.accountId}/schedulable`, {schedulable: false})).status, 200);
	const state = (await control(s, 'GET', '/state')).json;
	t.false(state.accounts.find((a: any) => a.id === p.accountId).schedulable);
	const refused = await admin(s, 'GET', `/cn-providers/accounts/${p.accountId}/balance`);
	t.is(refused.status, 400);
	t.regex(refused.json.message, /not a CN provider platform/);
	const native = await control(s, 'POST', '/oob', {op: 'create', type: 'account', body: {platform: 'kimi'}});
	const balance = await admin(s, 'GET', `/cn-providers/accounts/${native.json.row.id}/balance`);
	t.is(balance.status, 200);
	t.like(balance.json.data, {platform: 'kimi', available_balance: 42, currency: 'CNY'});
});
