import test from 'ava';
import {
	admin,
	boot,
	call,
	chatBody,
	control,
	gateway,
	provision,
	sseEvents,
	withToken,
} from './sandbox-helpers.js';

test('pre-checks: API_KEY_REQUIRED, INVALID_API_KEY, API_KEY_DISABLED, USER_INACTIVE', async (t) => {
	const s = await boot(t);
	const p = await provision(s, 'kimi', {'kimi-k2.6': 'kimi-k2.6'});
	const none = await call(`${s.info.host_url}/v1/models`);
	t.is(none.status, 401);
	t.is(none.json.code, 'API_KEY_REQUIRED');
	const invalid = await gateway(s, 'sk-nope', 'POST', '/v1/chat/completions', chatBody('kimi-k2.6'));
	t.deepEqual(invalid.json, {code: 'INVALID_API_KEY', message: 'Invalid API key'});
	const viaHeader = await call(`${s.info.host_url}/v1/models`, {headers: {'x-api-key': p.key}});
	t.is(viaHeader.status, 200, 'x-api-key transport');
	const viaGoog = await call(`${s.info.host_url}/v1/models`, {headers: {'x-goog-api-key': p.key}});
	t.is(viaGoog.status, 200, 'x-goog-api-key transport');
	const viaQuery = await call(`${s.info.host_url}/v1/models?key=${p.key}`);
	t.is(viaQuery.status, 400);
	t.is(viaQuery.json.code, 'api_key_in_query_deprecated');

	await withToken(s, p.token, 'PUT', '/api/v1/keys/1', {status: 'inactive'});
	t.is((await gateway(s, p.key, 'GET', '/v1/models')).json.code, 'API_KEY_DISABLED');
	await withToken(s, p.token, 'PUT', '/api/v1/keys/1', {status: 'active'});
	await admin(s, 'PUT', `/users/${p.userId}`, {status: 'disabled'});
	t.is((await gateway(s, p.key, 'GET', '/v1/models')).json.code, 'USER_INACTIVE');
});

test('pre-checks: INSUFFICIENT_BALANCE on standard groups, on /v1/models too', async (t) => {
	const s = await boot(t);
	const p = await provision(s, 'kimi', {'kimi-k2.6': 'kimi-k2.6'}, {balance: 0});
	for (const [method, path] of [
		['GET', '/v1/models'],
		['POST', '/v1/chat/completions'],
	]) {
		const reply = await gateway(
			s,
			p.key,
			method,
			path,
			method === 'POST' ? chatBody('kimi-k2.6') : undefined,
		);
		t.is(reply.status, 403);
		t.deepEqual(reply.json, {code: 'INSUFFICIENT_BALANCE', message: 'Insufficient account balance'});
	}
	t.is((await gateway(s, p.key, 'GET', '/v1/usage')).status, 200, 'recent skips billing on /v1/usage');
	await admin(s, 'POST', `/users/${p.userId}/balance`, {balance: 1, operation: 'set'});
	t.is((await gateway(s, p.key, 'GET', '/v1/models')).status, 200);
	t.is(s.snapshot().upstream_requests.kimi ?? 0, 0);
});

test('pre-checks: SUBSCRIPTION_NOT_FOUND after revoke, SUBSCRIPTION_INVALID when expired', async (t) => {
	const s = await boot(t);
	const p = await provision(s, 'glm', {'glm-5.1': 'glm-5.1'}, {subscription: true});
	const ok = await gateway(s, p.key, 'POST', '/v1/chat/completions', chatBody('glm-5.1'));
	t.is(ok.status, 200, 'subscription users need no balance');
	const subId = s.snapshot().subscriptions[0].id;
	await control(s, 'POST', '/oob', {
		op: 'update',
		type: 'subscription',
		id: subId,
		patch: {expires_at: new Date(Date.now() - 1000).toISOString()},
	});
	t.is((await gateway(s, p.key, 'GET', '/v1/models')).json.code, 'SUBSCRIPTION_INVALID');
	await admin(s, 'DELETE', `/subscriptions/${subId}`);
	const revoked = await gateway(s, p.key, 'GET', '/v1/models');
	t.is(revoked.status, 403);
	t.deepEqual(revoked.json, {
		code: 'SUBSCRIPTION_NOT_FOUND',
		message: 'No active subscription found for this group',
	});
});

test('pre-checks: deleted group → ungrouped key 403 (Anthropic style); oob group_id → GROUP_DELETED', async (t) => {
	const s = await boot(t);
	const p = await provision(s, 'kimi', {'kimi-k2.6': 'kimi-k2.6'});
	const other = await provision(s, 'kimi', {'kimi-k2.6': 'kimi-k2.6'});
	await admin(s, 'DELETE', `/groups/${p.groupId}`);
	const ungrouped = await gateway(s, p.key, 'POST', '/v1/chat/completions', chatBody('kimi-k2.6'));
	t.is(ungrouped.status, 403);
	t.is(ungrouped.json.type, 'error');
	t.is(ungrouped.json.error.type, 'permission_error');
	t.true(ungrouped.json.error.message.startsWith('API Key is not assigned to any group'));
	await control(s, 'POST', '/oob', {op: 'update', type: 'api_key', id: 2, patch: {group_id: p.groupId}});
	t.is((await gateway(s, other.key, 'GET', '/v1/models')).json.code, 'GROUP_DELETED');
});

test('/v1/models: mapping keys of schedulable active accounts, else the gpt-5.x fallback', async (t) => {
	const s = await boot(t);
	const p = await provision(s, 'kimi', {'kimi-k2.6': 'kimi-k2.6', 'my-kimi': 'kimi-k3'});
	const models = await gateway(s, p.key, 'GET', '/v1/models');
	t.is(models.json.object, 'list');
	t.deepEqual(
		models.json.data.map((m: any) => m.id),
		['kimi-k2.6', 'my-kimi'],
	);
	await admin(s, 'POST', `/accounts/${p.accountId}/schedulable`, {schedulable: false});
	const fallback = await gateway(s, p.key, 'GET', '/v1/models');
	t.true(fallback.json.data.some((m: any) => m.id === 'gpt-5.1'));
	t.false(fallback.json.data.some((m: any) => m.id === 'kimi-k2.6'));
	const chat = await gateway(s, p.key, 'POST', '/v1/chat/completions', chatBody('kimi-k2.6'));
	t.is(chat.status, 503);
	t.deepEqual(chat.json, {
		error: {type: 'api_error', message: 'No available accounts supporting model: kimi-k2.6'},
	});
});

test('chat completions really reach the fake upstream with the mapped model, JSON and stream', async (t) => {
	const s = await boot(t);
	const p = await provision(s, 'kimi', {'smoke-kimi': 'kimi-k2.6'});
	const reply = await gateway(s, p.key, 'POST', '/v1/chat/completions', chatBody('smoke-kimi'));
	t.is(reply.status, 200);
	t.is(reply.json.object, 'chat.completion');
	t.is(reply.json.choices[0].message.content, 'pong from kimi/kimi-k2.6');
	const snap = s.snapshot();
	t.is(snap.upstream_requests.kimi, 1);
	t.like(snap.upstream_log[0], {
		pack: 'kimi',
		method: 'POST',
		path: '/kimi/v1/chat/completions',
		status: 200,
		model: 'kimi-k2.6',
	});

	const stream = await gateway(s, p.key, 'POST', '/chat/completions', chatBody('smoke-kimi', true));
	t.is(stream.status, 200);
	t.true(stream.headers.get('content-type')!.startsWith('text/event-stream'));
	t.true(stream.text.trimEnd().endsWith('data: [DONE]'));
	const chunks = sseEvents(stream.text);
	t.is(chunks.map((c) => c.choices[0]?.delta?.content ?? '').join(''), 'pong from kimi/kimi-k2.6');
	t.truthy(chunks.at(-1).usage, 'stream_options.include_usage is forced');
	t.is(s.snapshot().upstream_requests.kimi, 2);

	const unknown = await gateway(s, p.key, 'POST', '/v1/chat/completions', chatBody('gpt-4o'));
	t.is(unknown.status, 503);
	t.is(s.snapshot().upstream_requests.kimi, 2, 'no account supports it: nothing forwarded');
	const bad = await call(`${s.info.host_url}/v1/chat/completions`, {
		method: 'POST',
		raw: '{nope',
		headers: {authorization: `Bearer ${p.key}`},
	});
	t.is(bad.status, 400);
	t.is(bad.json.error.type, 'invalid_request_error');
});

test('upstream URL rules: deepseek (no /v1), glm (/v4), qwen (/compatible-mode/v1)', async (t) => {
	const s = await boot(t);
	const cases: Array<[string, string, string]> = [
		['deepseek', 'deepseek-flash', '/deepseek/v1/chat/completions'],
		['glm', 'glm-4.7-flash', '/glm/api/paas/v4/chat/completions'],
		['qwen', 'qwen3.8-flash', '/qwen/compatible-mode/v1/chat/completions'],
		['minimax', 'MiniMax-M2.5', '/minimax/v1/chat/completions'],
		['step', 'step-3.5-flash', '/step/v1/chat/completions'],
		['relay', 'gpt-4o-mini', '/relay/v1/chat/completions'],
	];
	for (const [pack, model, path] of cases) {
		const p = await provision(s, pack, {[model]: model});
		const reply = await gateway(s, p.key, 'POST', '/v1/chat/completions', chatBody(model));
		t.is(reply.status, 200, pack);
		t.is(reply.json.choices[0].message.content, `pong from ${pack}/${model}`);
		t.is(s.snapshot().upstream_log.at(-1)!.path, path);
	}
});

test('without force_chat_completions the host goes to /v1/responses and the fake 404s → 502', async (t) => {
	const s = await boot(t);
	const p = await provision(s, 'kimi', {'kimi-k2.6': 'kimi-k2.6'}, {extra: {}});
	const reply = await gateway(s, p.key, 'POST', '/v1/chat/completions', chatBody('kimi-k2.6'));
	t.is(reply.status, 502);
	t.is(reply.json.error.type, 'upstream_error');
	t.is(s.snapshot().upstream_log.at(-1)!.path, '/kimi/v1/responses');
	t.is((await gateway(s, p.key, 'GET', '/v1/models')).json.data[0].id, 'kimi-k2.6', 'models listed anyway');
});

test('upstream errors map per §10: 401 → 502 + account error, 429 → 429, 5xx → 502, down → 502', async (t) => {
	const s = await boot(t);
	const p = await provision(s, 'step', {'step-3.5-flash': 'step-3.5-flash'});
	const chat = (): Promise<any> =>
		gateway(s, p.key, 'POST', '/v1/chat/completions', chatBody('step-3.5-flash'));

	s.setFaults({upstream: {step: 'server_error'}});
	let reply = await chat();
	t.is(reply.status, 502);
	t.is(reply.json.error.message, 'Upstream service temporarily unavailable');

	s.setFaults({upstream: {step: 'down'}});
	reply = await chat();
	t.is(reply.status, 502);
	t.is(reply.json.error.message, 'Upstream request failed');

	s.setFaults({upstream: {step: 'quota'}});
	reply = await chat();
	t.is(reply.status, 502, '402 is not passed through');

	s.setFaults({upstream: {step: 'rate_limited'}});
	reply = await chat();
	t.is(reply.status, 429);
	t.deepEqual(reply.json, {
		error: {type: 'rate_limit_error', message: 'Upstream rate limit exceeded, please retry later'},
	});
	s.setFaults({upstream: {step: null}});
	t.is((await chat()).status, 429, 'the account stays rate-limited');
	await admin(s, 'POST', `/accounts/${p.accountId}/clear-rate-limit`);
	t.is((await chat()).status, 200);

	s.setFaults({upstream: {step: 'auth'}});
	reply = await chat();
	t.is(reply.status, 502);
	t.is(reply.json.error.message, 'Upstream authentication failed, please contact administrator');
	t.is(s.snapshot().accounts[0].status, 'error');
	s.setFaults({upstream: {step: null}});
	const after = await gateway(s, p.key, 'GET', '/v1/models');
	t.true(
		after.json.data.some((m: any) => m.id === 'gpt-5.1'),
		'an error account drops out: fallback catalog',
	);
	t.is((await chat()).status, 503);
});

test('failover: a failing account is skipped for the next eligible one', async (t) => {
	const s = await boot(t);
	const p = await provision(s, 'kimi', {'kimi-k2.6': 'kimi-k2.6'});
	const relay = s.info.upstreams.relay;
	await admin(s, 'POST', '/accounts', {
		name: 'backup',
		platform: 'openai',
		type: 'apikey',
		credentials: {
			api_key: relay.api_key,
			base_url: relay.base_url,
			model_mapping: {'kimi-k2.6': 'gpt-4o-mini'},
		},
		extra: {openai_responses_mode: 'force_chat_completions'},
		priority: 10,
		group_ids: [p.groupId],
	});
	s.setFaults({upstream: {kimi: 'server_error'}});
	const reply = await gateway(s, p.key, 'POST', '/v1/chat/completions', chatBody('kimi-k2.6'));
	t.is(reply.status, 200);
	t.is(reply.json.choices[0].message.content, 'pong from relay/gpt-4o-mini');
	t.is(s.snapshot().upstream_requests.kimi, 1);
});

test('an account with a non-loopback base_url is never contacted', async (t) => {
	const s = await boot(t);
	const p = await provision(s, 'kimi', {'kimi-k2.6': 'kimi-k2.6'});
	await admin(s, 'PUT', `/accounts/${p.accountId}`, {
		credentials: {base_url: 'https://api.moonshot.cn/v1', api_key: '***'},
	});
	const reply = await gateway(s, p.key, 'POST', '/v1/chat/completions', chatBody('kimi-k2.6'));
	t.is(reply.status, 502);
	t.is(s.snapshot().upstream_requests.kimi ?? 0, 0);
});
