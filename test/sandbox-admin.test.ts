import test from 'ava';
import {admin, boot, call, control, login, withToken} from './sandbox-helpers.js';

const group = (name: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
	name,
	platform: 'openai',
	rate_multiplier: 1,
	...extra,
});

test('admin auth: the §2.1 error codes', async (t) => {
	const s = await boot(t);
	const url = `${s.info.host_url}/api/v1/admin/groups`;
	t.deepEqual((await call(url)).json, {code: 'UNAUTHORIZED', message: 'Authorization required'});
	t.deepEqual((await call(url, {headers: {'x-api-key': 'admin-wrong'}})).json, {
		code: 'INVALID_ADMIN_KEY',
		message: 'Invalid admin API key',
	});
	const badKeyOverJwt = await call(url, {headers: {'x-api-key': 'admin-wrong', authorization: 'Bearer x'}});
	t.is(badKeyOverJwt.json.code, 'INVALID_ADMIN_KEY', 'x-api-key is checked first');
	t.is((await call(url, {headers: {authorization: 'Bearer nope'}})).json.code, 'INVALID_TOKEN');
	t.is((await call(url, {headers: {authorization: 'Token abc'}})).status, 401);

	const adminSession = await login(s, s.info.admin_email, s.info.admin_password);
	t.is(adminSession.json.data.user.role, 'admin');
	const lower = await call(url, {headers: {authorization: `bearer ${adminSession.json.data.access_token}`}});
	t.is(lower.status, 200, 'Bearer is case-insensitive on recent');

	await admin(s, 'POST', '/users', {email: 'plain@crm.invalid', password: 'secret1'});
	const user = await login(s, 'plain@crm.invalid', 'secret1');
	const forbidden = await withToken(s, user.json.data.access_token, 'GET', '/api/v1/admin/groups');
	t.is(forbidden.status, 403);
	t.deepEqual(forbidden.json, {code: 'FORBIDDEN', message: 'Admin access required'});

	await control(s, 'POST', '/oob', {op: 'expire_tokens'});
	const expired = await withToken(s, adminSession.json.data.access_token, 'GET', '/api/v1/admin/groups');
	t.deepEqual(expired.json, {code: 'TOKEN_EXPIRED', message: 'Token has expired'});
});

test('login validates the body and rejects bad credentials', async (t) => {
	const s = await boot(t);
	const url = `${s.info.host_url}/api/v1/auth/login`;
	const badEmail = await call(url, {body: {email: 'not-an-email', password: 'x'}});
	t.is(badEmail.status, 400);
	t.is(badEmail.json.code, 400);
	t.true(badEmail.json.message.includes("'Email' failed on the 'email' tag"));
	const noPassword = await call(url, {body: {email: s.info.admin_email}});
	t.true(noPassword.json.message.includes("'Password' failed on the 'required' tag"));
	const empty = await call(url, {raw: '', method: 'POST'});
	t.is(empty.status, 400);
	const wrong = await call(url, {body: {email: s.info.admin_email, password: 'wrong-password'}});
	t.is(wrong.status, 401);
	t.is(wrong.json.reason, 'INVALID_CREDENTIALS');
	const good = await login(s, s.info.admin_email, s.info.admin_password);
	t.is(good.status, 200);
	t.deepEqual(Object.keys(good.json.data).sort(), [
		'access_token',
		'expires_in',
		'refresh_token',
		'token_type',
		'user',
	]);
	t.is(good.json.data.token_type, 'Bearer');
});

test('groups: create, validation, 409 GROUP_EXISTS, recent frees deleted names', async (t) => {
	const s = await boot(t);
	const created = await admin(s, 'POST', '/groups', group('crm-kimi', {is_exclusive: true}));
	t.is(created.status, 200);
	t.like(created.json, {code: 0, message: 'success'});
	t.like(created.json.data, {
		id: 1,
		name: 'crm-kimi',
		platform: 'openai',
		is_exclusive: true,
		status: 'active',
		subscription_type: 'standard',
		account_count: 0,
	});
	const defaults = await admin(s, 'POST', '/groups', {name: 'defaults'});
	t.is(defaults.json.data.platform, 'anthropic');
	const missing = await admin(s, 'POST', '/groups', {platform: 'openai'});
	t.is(missing.status, 400);
	t.true(missing.json.message.includes("'Name' failed on the 'required' tag"));
	t.false('reason' in missing.json);
	const badPlatform = await admin(s, 'POST', '/groups', group('x', {platform: 'nosuch'}));
	t.true(badPlatform.json.message.includes("'Platform' failed on the 'oneof' tag"));
	const badType = await admin(s, 'POST', '/groups', group('x', {rate_multiplier: 'one'}));
	t.is(badType.status, 400);
	t.true(badType.json.message.includes('rate_multiplier'));
	const dup = await admin(s, 'POST', '/groups', group('crm-kimi'));
	t.is(dup.status, 409);
	t.deepEqual(dup.json, {code: 409, message: 'group name already exists', reason: 'GROUP_EXISTS'});
	t.is((await admin(s, 'DELETE', '/groups/1')).json.data.message, 'Group deleted successfully');
	t.is((await admin(s, 'POST', '/groups', group('crm-kimi'))).status, 200, 'recent frees the name');
});

test('groups: get/update/delete 404s, bad ids, filters, /all and pagination', async (t) => {
	const s = await boot(t);
	for (let i = 1; i <= 25; i++)
		await admin(s, 'POST', '/groups', group(`g-${i}`, {is_exclusive: i % 5 === 0}));
	const page = await admin(s, 'GET', '/groups?page=2&page_size=10');
	t.like(page.json.data, {total: 25, page: 2, page_size: 10, pages: 3});
	t.is(page.json.data.items.length, 10);
	const fallback = await admin(s, 'GET', '/groups?page_size=5000');
	t.is(fallback.json.data.page_size, 20, 'out of range falls back to 20');
	const junk = await admin(s, 'GET', '/groups?page_size=abc&page=x');
	t.like(junk.json.data, {page: 1, page_size: 20});
	const big = await admin(s, 'GET', '/groups?page_size=1000');
	t.is(big.json.data.page_size, 1000, 'recent allows 1000');
	const exclusive = await admin(s, 'GET', '/groups?is_exclusive=true&page_size=100');
	t.is(exclusive.json.data.total, 5);
	const search = await admin(s, 'GET', '/groups?search=g-2');
	t.is(search.json.data.total, 7);
	t.is((await admin(s, 'GET', '/groups/abc')).json.message, 'Invalid group ID');
	const missing = await admin(s, 'GET', '/groups/999');
	t.deepEqual(missing.json, {code: 404, message: 'group not found', reason: 'GROUP_NOT_FOUND'});
	const updated = await admin(s, 'PUT', '/groups/3', {status: 'inactive', description: 'd'});
	t.like(updated.json.data, {status: 'inactive', description: 'd'});
	const badStatus = await admin(s, 'PUT', '/groups/3', {status: 'paused'});
	t.is(badStatus.status, 400);
	const rename = await admin(s, 'PUT', '/groups/3', {name: 'g-4'});
	t.is(rename.json.reason, 'GROUP_EXISTS');
	const all = await admin(s, 'GET', '/groups/all');
	t.is(all.json.data.length, 24, '/all lists active groups only');
	await admin(s, 'DELETE', '/groups/4');
	t.is((await admin(s, 'GET', '/groups/4')).status, 404);
	t.is((await admin(s, 'DELETE', '/groups/4')).status, 404);
	t.is((await admin(s, 'GET', '/groups?page_size=100')).json.data.total, 24);
	t.truthy(s.snapshot().groups.find((g) => g.id === 4)!.deleted_at, 'soft delete keeps the row');
});

test('group delete cascades per §4', async (t) => {
	const s = await boot(t);
	const sub = (await admin(s, 'POST', '/groups', group('sub', {subscription_type: 'subscription'}))).json
		.data;
	const user = (
		await admin(s, 'POST', '/users', {email: 'c@crm.invalid', password: 'secret1', allowed_groups: [sub.id]})
	).json.data;
	await admin(s, 'POST', '/subscriptions/assign', {user_id: user.id, group_id: sub.id});
	const account = await admin(s, 'POST', '/accounts', {
		name: 'a',
		platform: 'openai',
		type: 'apikey',
		credentials: {api_key: 'k'},
		group_ids: [sub.id],
	});
	const session = await login(s, 'c@crm.invalid', 'secret1');
	const key = await withToken(s, session.json.data.access_token, 'POST', '/api/v1/keys', {
		name: 'k',
		group_id: sub.id,
	});
	t.is(key.status, 200);
	await admin(s, 'DELETE', `/groups/${sub.id}`);
	const snap = s.snapshot();
	t.truthy(snap.subscriptions[0].deleted_at);
	t.is(snap.api_keys[0].group_id, null);
	t.deepEqual(snap.users.find((u) => u.id === user.id)!.allowed_groups, []);
	const acc = snap.accounts.find((a) => a.id === account.json.data.id)!;
	t.deepEqual(acc.group_ids, []);
	t.is(acc.deleted_at, null, 'accounts are not deleted');
});

test('accounts: validation, redaction, auto-bind to openai-default, models, update merge', async (t) => {
	const s = await boot(t);
	const base = {
		name: 'a',
		platform: 'openai',
		type: 'apikey',
		credentials: {api_key: 'sk-secret', base_url: 'http://x'},
	};
	for (const field of ['name', 'platform', 'type', 'credentials']) {
		const body: Record<string, unknown> = {...base};
		delete body[field];
		const reply = await admin(s, 'POST', '/accounts', body);
		t.is(reply.status, 400, field);
	}
	const badType = await admin(s, 'POST', '/accounts', {...base, type: 'api_key'});
	t.true(badType.json.message.includes("'Type' failed on the 'oneof' tag"));
	const unknownGroup = await admin(s, 'POST', '/accounts', {...base, group_ids: [42]});
	t.is(unknownGroup.json.reason, 'GROUP_NOT_FOUND');

	const unbound = await admin(s, 'POST', '/accounts', base);
	t.deepEqual(unbound.json.data.group_ids, []);
	const def = (await admin(s, 'POST', '/groups', group('openai-default'))).json.data;
	const bound = await admin(s, 'POST', '/accounts', base);
	t.deepEqual(bound.json.data.group_ids, [def.id], 'empty group_ids joins openai-default');
	t.false('api_key' in bound.json.data.credentials);
	t.true(bound.json.data.credentials_status.has_api_key);
	t.is(bound.json.data.credentials.base_url, 'http://x');
	t.is(s.snapshot().accounts[1].credentials.api_key, 'sk-secret', 'snapshot keeps credentials');

	const models = await admin(s, 'GET', `/accounts/${unbound.json.data.id}/models`);
	t.true(
		models.json.data.some((m: any) => m.id === 'gpt-5.1'),
		'no mapping: default gpt-5.x list',
	);
	await admin(s, 'PUT', `/accounts/${unbound.json.data.id}`, {
		credentials: {api_key: '***', base_url: 'http://y', model_mapping: {'kimi-k2.6': 'kimi-k2.6'}},
	});
	const mapped = await admin(s, 'GET', `/accounts/${unbound.json.data.id}/models`);
	t.deepEqual(
		mapped.json.data.map((m: any) => m.id),
		['kimi-k2.6'],
	);
	t.is(s.snapshot().accounts[0].credentials.api_key, 'sk-secret', 'placeholder keeps the stored key');
	const missing = await admin(s, 'GET', '/accounts/999/models');
	t.is(missing.status, 404);
	t.is(missing.json.reason, 'ACCOUNT_NOT_FOUND');
	await admin(s, 'DELETE', `/accounts/${unbound.json.data.id}`);
	t.is((await admin(s, 'GET', `/accounts/${unbound.json.data.id}`)).status, 404);
	const list = await admin(s, 'GET', '/accounts?search=a');
	t.is(list.json.data.total, 1);
	const etag = list.headers.get('etag')!;
	const notModified = await admin(s, 'GET', '/accounts?search=a', undefined, {'if-none-match': etag});
	t.is(notModified.status, 304);
});

test('accounts: Idempotency-Key replays the same answer without a duplicate', async (t) => {
	const s = await boot(t);
	const body = {name: 'dup', platform: 'openai', type: 'apikey', credentials: {api_key: 'k'}, group_ids: []};
	const first = await admin(s, 'POST', '/accounts', body, {'idempotency-key': 'abc'});
	const second = await admin(s, 'POST', '/accounts', body, {'idempotency-key': 'abc'});
	t.is(second.status, 200);
	t.is(second.headers.get('x-idempotency-replayed'), 'true');
	t.is(first.headers.get('x-idempotency-replayed'), null);
	t.is(second.json.data.id, first.json.data.id);
	t.is(s.snapshot().accounts.length, 1);
	const conflict = await admin(s, 'POST', '/accounts', {...body, name: 'other'}, {'idempotency-key': 'abc'});
	t.is(conflict.status, 409);
	await admin(s, 'POST', '/accounts', body);
	await admin(s, 'POST', '/accounts', body);
	t.is(s.snapshot().accounts.length, 3, 'without a key every POST creates');
});

test('account test: CC path reaches the upstream; Responses path gets 404; 401 marks the account error', async (t) => {
	const s = await boot(t);
	const kimi = s.info.upstreams.kimi;
	const create = async (extra: Record<string, unknown>, apiKey = kimi.api_key): Promise<number> =>
		(
			await admin(s, 'POST', '/accounts', {
				name: 'kimi',
				platform: 'openai',
				type: 'apikey',
				credentials: {api_key: apiKey, base_url: kimi.base_url, model_mapping: {'my-kimi': 'kimi-k2.6'}},
				extra,
			})
		).json.data.id;
	const cc = await create({openai_responses_mode: 'force_chat_completions'});
	const reply = await admin(s, 'POST', `/accounts/${cc}/test`, {model_id: 'my-kimi'});
	t.is(reply.status, 200);
	const events = reply.text
		.split('\n\n')
		.filter(Boolean)
		.map((chunk) => JSON.parse(chunk.replace(/^data: /, '')));
	t.deepEqual(events[0], {type: 'test_start', model: 'kimi-k2.6'});
	t.is(events[1].type, 'status');
	t.deepEqual(events[2], {type: 'content', text: 'pong from kimi/kimi-k2.6'});
	t.deepEqual(events[3], {type: 'test_complete', success: true});
	t.is(s.snapshot().upstream_log.at(-1)!.path, '/kimi/v1/chat/completions');

	const responses = await create({});
	const failed = await admin(s, 'POST', `/accounts/${responses}/test`, {model_id: 'my-kimi'});
	t.is(failed.status, 200);
	t.regex(failed.text, /"type":"error","error":"API returned 404: /);
	t.is(s.snapshot().upstream_log.at(-1)!.path, '/kimi/v1/responses');

	const badKey = await create({openai_responses_mode: 'passthrough'}, 'sk-wrong');
	const unauthorized = await admin(s, 'POST', `/accounts/${badKey}/test`, {});
	t.regex(unauthorized.text, /Chat Completions API \(\/v1\/chat\/completions\) returned 401: /);
	t.is(s.snapshot().accounts.find((a) => a.id === badKey)!.status, 'error');
	const cleared = await admin(s, 'POST', `/accounts/${badKey}/clear-error`);
	t.is(cleared.json.data.status, 'active');
	t.is((await admin(s, 'POST', '/accounts/999/test', {})).status, 404);
});

test('users: create, 409 EMAIL_EXISTS, admin undeletable, balance rules, api-keys list', async (t) => {
	const s = await boot(t);
	const created = await admin(s, 'POST', '/users', {email: 'u@crm.invalid', password: 'secret1', balance: 3});
	t.like(created.json.data, {id: 2, email: 'u@crm.invalid', role: 'user', status: 'active', balance: 3});
	t.false('password' in created.json.data);
	t.is(
		(await admin(s, 'POST', '/users', {email: 'u@crm.invalid', password: 'secret1'})).json.reason,
		'EMAIL_EXISTS',
	);
	const short = await admin(s, 'POST', '/users', {email: 'v@crm.invalid', password: '123'});
	t.true(short.json.message.includes("'Password' failed on the 'min' tag"));
	const badEmail = await admin(s, 'POST', '/users', {email: 'nope', password: 'secret1'});
	t.is(badEmail.status, 400);
	const adminDelete = await admin(s, 'DELETE', '/users/1');
	t.is(adminDelete.status, 500);
	t.deepEqual(adminDelete.json, {code: 500, message: 'internal error'});

	const zero = await admin(s, 'POST', '/users/2/balance', {balance: 0, operation: 'set'});
	t.is(zero.status, 400, 'gt=0: cannot set 0');
	const badOp = await admin(s, 'POST', '/users/2/balance', {balance: 1, operation: 'multiply'});
	t.is(badOp.status, 400);
	t.is((await admin(s, 'POST', '/users/2/balance', {balance: 2, operation: 'add'})).json.data.balance, 5);
	t.is(
		(await admin(s, 'POST', '/users/2/balance', {balance: 5, operation: 'subtract'})).json.data.balance,
		0,
	);
	t.is((await admin(s, 'POST', '/users/2/balance', {balance: 1, operation: 'subtract'})).status, 400);
	t.is((await admin(s, 'POST', '/users/2/balance', {balance: 7, operation: 'set'})).json.data.balance, 7);
	const replay1 = await admin(
		s,
		'POST',
		'/users/2/balance',
		{balance: 1, operation: 'add'},
		{'idempotency-key': 'b1'},
	);
	const replay2 = await admin(
		s,
		'POST',
		'/users/2/balance',
		{balance: 1, operation: 'add'},
		{'idempotency-key': 'b1'},
	);
	t.is(replay1.json.data.balance, 8);
	t.is(replay2.json.data.balance, 8);
	t.is(replay2.headers.get('x-idempotency-replayed'), 'true');

	const session = await login(s, 'u@crm.invalid', 'secret1');
	await withToken(s, session.json.data.access_token, 'POST', '/api/v1/keys', {name: 'mine'});
	const keys = await admin(s, 'GET', '/users/2/api-keys');
	t.is(keys.json.data.total, 1);
	t.regex(keys.json.data.items[0].key, /^sk-[0-9a-f]{64}$/);

	const list = await admin(s, 'GET', '/users?search=crm.invalid');
	t.is(list.json.data.total, 1);
	await admin(s, 'DELETE', '/users/2');
	t.is((await admin(s, 'GET', '/users/2')).json.reason, 'USER_NOT_FOUND');
	t.is((await admin(s, 'GET', '/users/2?include_deleted=true')).status, 200);
	t.truthy(s.snapshot().api_keys[0].deleted_at, 'recent deletes the user keys too');
	t.is((await admin(s, 'POST', '/users', {email: 'u@crm.invalid', password: 'secret1'})).status, 200);
});

test('password change revokes tokens; disabled users cannot log in', async (t) => {
	const s = await boot(t);
	await admin(s, 'POST', '/users', {email: 'p@crm.invalid', password: 'secret1'});
	const session = await login(s, 'p@crm.invalid', 'secret1');
	await admin(s, 'PUT', '/users/2', {password: 'secret2'});
	const revoked = await withToken(s, session.json.data.access_token, 'GET', '/api/v1/keys');
	t.is(revoked.json.code, 'TOKEN_REVOKED');
	await admin(s, 'PUT', '/users/2', {status: 'disabled'});
	const disabled = await login(s, 'p@crm.invalid', 'secret2');
	t.is(disabled.status, 403);
	t.is((await admin(s, 'PUT', '/users/1', {status: 'disabled'})).status, 500, 'cannot disable an admin');
});

test('subscriptions: only subscription groups, reuse on recent, revoke, extend', async (t) => {
	const s = await boot(t);
	const standard = (await admin(s, 'POST', '/groups', group('std'))).json.data;
	const sub = (await admin(s, 'POST', '/groups', group('sub', {subscription_type: 'subscription'}))).json
		.data;
	const user = (await admin(s, 'POST', '/users', {email: 's@crm.invalid', password: 'secret1'})).json.data;
	const wrong = await admin(s, 'POST', '/subscriptions/assign', {user_id: user.id, group_id: standard.id});
	t.deepEqual(wrong.json, {
		code: 400,
		message: 'group is not a subscription type',
		reason: 'GROUP_NOT_SUBSCRIPTION_TYPE',
	});
	t.is(
		(await admin(s, 'POST', '/subscriptions/assign', {user_id: user.id, group_id: 99})).json.reason,
		'GROUP_NOT_FOUND',
	);
	t.is((await admin(s, 'POST', '/subscriptions/assign', {group_id: sub.id})).status, 400);
	const first = await admin(s, 'POST', '/subscriptions/assign', {
		user_id: user.id,
		group_id: sub.id,
		validity_days: 10,
	});
	t.like(first.json.data, {user_id: user.id, group_id: sub.id, status: 'active', assigned_by: 1});
	const days = (Date.parse(first.json.data.expires_at) - Date.parse(first.json.data.starts_at)) / 86_400_000;
	t.is(Math.round(days), 10);
	const again = await admin(s, 'POST', '/subscriptions/assign', {user_id: user.id, group_id: sub.id});
	t.is(again.json.data.id, first.json.data.id, 'recent reuses the active subscription');
	t.is((await admin(s, 'GET', `/subscriptions?user_id=${user.id}`)).json.data.total, 1);
	t.is((await admin(s, 'GET', `/users/${user.id}/subscriptions`)).json.data.length, 1);
	const extended = await admin(s, 'POST', `/subscriptions/${first.json.data.id}/extend`, {days: 5});
	t.true(Date.parse(extended.json.data.expires_at) > Date.parse(first.json.data.expires_at));
	const revoked = await admin(s, 'DELETE', `/subscriptions/${first.json.data.id}`);
	t.is(revoked.json.data.message, 'Subscription revoked successfully');
	t.is((await admin(s, 'GET', `/subscriptions/${first.json.data.id}`)).status, 404);
	t.truthy(s.snapshot().subscriptions[0].deleted_at, 'recent soft-deletes');
});

test('oob: create residue, deep-merge update, soft delete with cascade', async (t) => {
	const s = await boot(t);
	const g = await control(s, 'POST', '/oob', {op: 'create', type: 'group', body: {name: 'residue'}});
	t.is(g.json.row.name, 'residue');
	const a = await control(s, 'POST', '/oob', {
		op: 'create',
		type: 'account',
		body: {name: 'acc', credentials: {api_key: 'k', model_mapping: {a: 'a'}}, group_ids: [g.json.row.id]},
	});
	const u = await control(s, 'POST', '/oob', {
		op: 'create',
		type: 'user',
		body: {email: 'r@crm.invalid', password: 'pw1234'},
	});
	t.is((await login(s, 'r@crm.invalid', 'pw1234')).status, 200);
	await control(s, 'POST', '/oob', {
		op: 'update',
		type: 'account',
		id: a.json.row.id,
		patch: {credentials: {model_mapping: {b: 'b'}}},
	});
	t.deepEqual(s.snapshot().accounts[0].credentials, {api_key: 'k', model_mapping: {a: 'a', b: 'b'}});
	t.is((await admin(s, 'GET', `/groups/${g.json.row.id}`)).json.data.account_count, 1);
	t.is((await control(s, 'POST', '/oob', {op: 'delete', type: 'group', id: g.json.row.id})).status, 200);
	t.deepEqual(s.snapshot().accounts[0].group_ids, []);
	t.is((await control(s, 'POST', '/oob', {op: 'delete', type: 'group', id: g.json.row.id})).status, 404);
	t.is((await control(s, 'POST', '/oob', {op: 'delete', type: 'user', id: 1})).status, 400);
	t.is((await control(s, 'POST', '/oob', {op: 'delete', type: 'user', id: u.json.row.id})).status, 200);
	t.is((await control(s, 'POST', '/oob', {op: 'explode', type: 'user', id: 1})).status, 400);
	t.is((await control(s, 'POST', '/oob', {op: 'update', type: 'user', id: 1, patch: {id: 5}})).status, 400);
});

test('oob: a same-named key and a subscription made out of band, for a live user and group', async (t) => {
	const s = await boot(t);
	const g = (
		await control(s, 'POST', '/oob', {
			op: 'create',
			type: 'group',
			body: {name: 'sub-g', subscription_type: 'subscription'},
		})
	).json.row;
	const u = (await control(s, 'POST', '/oob', {op: 'create', type: 'user', body: {email: 'k@crm.invalid'}}))
		.json.row;
	const key = await control(s, 'POST', '/oob', {
		op: 'create',
		type: 'api_key',
		body: {user_id: u.id, name: 'crm-x-abc123 [crm:b20260101-000000-abcdef:0123456789ab]', group_id: g.id},
	});
	t.is(key.status, 200);
	t.is(key.json.row.name, 'crm-x-abc123 [crm:b20260101-000000-abcdef:0123456789ab]');
	t.is(key.json.row.group_id, g.id);
	const listed = await admin(s, 'GET', `/users/${u.id}/api-keys`);
	t.deepEqual(
		listed.json.data.items.map((k: any) => k.id),
		[key.json.row.id],
	);
	const sub = await control(s, 'POST', '/oob', {
		op: 'create',
		type: 'subscription',
		body: {user_id: u.id, group_id: g.id, notes: 'ops'},
	});
	t.is(sub.status, 200);
	t.is((await admin(s, 'GET', `/subscriptions/${sub.json.row.id}`)).json.data.notes, 'ops');
	for (const body of [{name: 'x'}, {user_id: 999}]) {
		const bad = await control(s, 'POST', '/oob', {op: 'create', type: 'api_key', body});
		t.is(bad.status, 400);
	}
	const noGroup = await control(s, 'POST', '/oob', {
		op: 'create',
		type: 'subscription',
		body: {user_id: u.id},
	});
	t.is(noGroup.status, 400);
});
