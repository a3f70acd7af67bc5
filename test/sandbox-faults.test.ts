import test from 'ava';
import {admin, boot, call, chatBody, control, gateway, provision, sseEvents} from './sandbox-helpers.js';

test('host_down destroys sockets; control routes still answer', async (t) => {
	const s = await boot(t, {faults: {host_down: true}});
	await t.throwsAsync(() => fetch(`${s.info.host_url}/health`));
	t.is((await control(s, 'POST', '/faults', {host_down: false})).status, 200);
	t.is((await call(`${s.info.host_url}/health`)).status, 200);
});

test('host_stall never answers, and close() still ends quickly', async (t) => {
	const s = await boot(t);
	s.setFaults({host_stall: true});
	const outcome = await fetch(`${s.info.host_url}/health`, {signal: AbortSignal.timeout(300)}).then(
		() => 'answered',
		(error: {name: string}) => error.name,
	);
	t.is(outcome, 'TimeoutError');
	const pending = fetch(`${s.info.host_url}/health`).catch((error: Error) => error);
	await new Promise((resolve) => setTimeout(resolve, 50));
	const started = Date.now();
	await s.close();
	t.true(Date.now() - started < 1000);
	t.true((await pending) instanceof Error);
});

test('host_html answers every request with a 200 HTML page', async (t) => {
	const s = await boot(t, {faults: {host_html: true}});
	const reply = await admin(s, 'GET', '/groups');
	t.is(reply.status, 200);
	t.true(reply.headers.get('content-type')!.startsWith('text/html'));
	t.is(reply.json, undefined);
});

test('host_truncated_json cuts /api/* bodies but not /health', async (t) => {
	const s = await boot(t, {faults: {host_truncated_json: true}});
	const reply = await call(`${s.info.host_url}/api/v1/settings/public`);
	t.is(reply.status, 200);
	t.true(reply.text.startsWith('{"code":0'));
	t.throws(() => JSON.parse(reply.text));
	t.deepEqual((await call(`${s.info.host_url}/health`)).json, {status: 'ok'});
});

test('admin_429 rejects the next N admin requests with Retry-After, then recovers', async (t) => {
	const s = await boot(t);
	s.setFaults({admin_429: 2});
	for (let i = 0; i < 2; i++) {
		const reply = await admin(s, 'GET', '/groups');
		t.is(reply.status, 429);
		t.deepEqual(reply.json, {
			code: 'RATE_LIMITED',
			message: 'Too many requests, please slow down and try again later',
		});
		t.is(reply.headers.get('retry-after'), '1');
	}
	t.is((await admin(s, 'GET', '/groups')).status, 200);
	t.is(s.snapshot().faults.admin_429, 0);
});

test('latency_ms delays host and upstream answers', async (t) => {
	const s = await boot(t, {latencyMs: 150});
	let started = Date.now();
	await call(`${s.info.host_url}/health`);
	t.true(Date.now() - started >= 140);
	started = Date.now();
	await call(`${s.info.upstreams.kimi.base_url}/models`, {
		headers: {authorization: `Bearer ${s.info.upstreams.kimi.api_key}`},
	});
	t.true(Date.now() - started >= 140);
});

test('first_account_test_403: first test answers the CC 403 SSE error, account stays schedulable, second test passes', async (t) => {
	const s = await boot(t, {faults: {first_account_test_403: true}});
	const p = await provision(s, 'kimi', {'kimi-k2.6': 'kimi-k2.6'});
	const first = await admin(s, 'POST', `/accounts/${p.accountId}/test`, {model_id: 'kimi-k2.6'});
	t.is(first.status, 200);
	t.true(first.headers.get('content-type')!.startsWith('text/event-stream'));
	const events = sseEvents(first.text);
	const error = events.find((e) => e.type === 'error');
	t.true(error.error.startsWith('Chat Completions API (/v1/chat/completions) returned 403: '));
	const account = s.snapshot().accounts.find((a) => a.id === p.accountId)!;
	t.is(account.status, 'active');
	t.true(account.schedulable);
	const models = await gateway(s, p.key, 'GET', '/v1/models');
	t.deepEqual(
		models.json.data.map((m: any) => m.id),
		['kimi-k2.6'],
	);
	const second = sseEvents(
		(await admin(s, 'POST', `/accounts/${p.accountId}/test`, {model_id: 'kimi-k2.6'})).text,
	);
	t.deepEqual(second.at(-1), {type: 'test_complete', success: true});
});

test('gateway_503_count: first N completions per new account answer 503, then 200', async (t) => {
	const s = await boot(t, {faults: {gateway_503_count: 2}});
	const p = await provision(s, 'deepseek', {'deepseek-flash': 'deepseek-flash'});
	for (let i = 0; i < 2; i++) {
		const reply = await gateway(s, p.key, 'POST', '/v1/chat/completions', chatBody('deepseek-flash'));
		t.is(reply.status, 503);
		t.deepEqual(reply.json, {error: {type: 'api_error', message: 'No available accounts'}});
	}
	t.is(s.snapshot().upstream_requests.deepseek ?? 0, 0, 'the 503s never reached the upstream');
	const ok = await gateway(s, p.key, 'POST', '/v1/chat/completions', chatBody('deepseek-flash'));
	t.is(ok.status, 200);
	t.is(ok.json.choices[0].message.content, 'pong from deepseek/deepseek-flash');
});

test('upstream faults: quota, auth, chat_fail, server_error, rate_limited, down', async (t) => {
	const s = await boot(t);
	const {base_url: base, api_key: key} = s.info.upstreams.glm;
	const auth = {authorization: `Bearer ${key}`};
	const chat = (): Promise<any> =>
		call(`${base}/chat/completions`, {body: chatBody('glm-5.1'), headers: auth});
	const models = (): Promise<any> => call(`${base}/models`, {headers: auth});

	s.setFaults({upstream: {glm: 'quota'}});
	let reply = await chat();
	t.is(reply.status, 429);
	t.deepEqual(reply.json, {error: {code: '1113', message: '账户已欠费'}});
	t.is((await models()).status, 200);

	s.setFaults({upstream: {glm: 'auth'}});
	t.is((await models()).status, 401);
	t.is((await chat()).status, 401);

	s.setFaults({upstream: {glm: 'chat_fail'}});
	t.is((await models()).status, 200);
	t.is((await chat()).status, 500);

	s.setFaults({upstream: {glm: 'server_error'}});
	t.is((await models()).status, 500);

	s.setFaults({upstream: {glm: 'rate_limited'}});
	reply = await chat();
	t.is(reply.status, 429);
	t.false(/quota|balance|insufficient|1113|欠费/i.test(reply.text));

	s.setFaults({upstream: {glm: 'down'}});
	await t.throwsAsync(() => fetch(`${base}/models`, {headers: auth}));

	s.setFaults({upstream: {glm: null}});
	t.is((await chat()).status, 200);
});

test('quota answers of every pack match the provider', async (t) => {
	const s = await boot(t);
	const expected: Record<string, [number, string, string]> = {
		deepseek: [402, 'deepseek-flash', 'Insufficient Balance'],
		kimi: [429, 'kimi-k2.6', 'exceeded_current_quota_error'],
		minimax: [429, 'MiniMax-M2.5', 'insufficient balance'],
		qwen: [400, 'qwen3.8-flash', 'Arrearage'],
		glm: [429, 'glm-4.7-flash', '1113'],
		step: [402, 'step-3.5-flash', 'insufficient balance'],
		relay: [403, 'gpt-4o-mini', 'insufficient quota'],
	};
	for (const [pack, [status, model, needle]] of Object.entries(expected)) {
		s.setFaults({upstream: {[pack]: 'quota'}});
		const {base_url: base, api_key: key} = s.info.upstreams[pack];
		const reply = await call(`${base}/chat/completions`, {
			body: chatBody(model),
			headers: {authorization: `Bearer ${key}`},
		});
		t.is(reply.status, status, pack);
		t.true(reply.text.includes(needle), `${pack}: ${reply.text}`);
	}
	const kimi = await call(`${s.info.upstreams.kimi.base_url}/chat/completions`, {
		body: chatBody('kimi-k2.6'),
		headers: {authorization: `Bearer ${s.info.upstreams.kimi.api_key}`},
	});
	t.is(kimi.json.error.type, 'exceeded_current_quota_error');
	t.regex(kimi.json.error.message, /Your account .* insufficient balance/);
	const qwen = await call(`${s.info.upstreams.qwen.base_url}/chat/completions`, {
		body: chatBody('qwen3.8-flash'),
		headers: {authorization: `Bearer ${s.info.upstreams.qwen.api_key}`},
	});
	t.deepEqual(qwen.json, {
		code: 'Arrearage',
		message: 'Access denied, please make sure your account is in good standing.',
		type: 'Arrearage',
	});
});

test('lose_create_answer: before (nothing made), after (made), twin (a same-named resource appears); fires once', async (t) => {
	const s = await boot(t);
	const body = {
		name: 'crm-lost-1',
		description: '[crm:b20260101-000000-abcdef:0123456789ab]',
		platform: 'openai',
	};
	s.setFaults({lose_create_answer: {type: 'group', when: 'before'}});
	await t.throwsAsync(() => admin(s, 'POST', '/groups', body), undefined, 'the socket closes unanswered');
	t.false(
		s.snapshot().groups.some((g) => g.name === 'crm-lost-1'),
		'before: nothing made',
	);
	t.is(s.snapshot().faults.lose_create_answer, null, 'fired once');

	s.setFaults({lose_create_answer: {type: 'group', when: 'after'}});
	t.is((await admin(s, 'GET', '/groups')).status, 200, 'other requests pass');
	await t.throwsAsync(() => admin(s, 'POST', '/groups', body));
	const made = s.snapshot().groups.filter((g) => g.name === 'crm-lost-1');
	t.is(made.length, 1, 'after: made');
	t.is(made[0]!.description, body.description, 'the description is kept as sent');

	s.setFaults({lose_create_answer: {type: 'user', when: 'before', twin: true}});
	await t.throwsAsync(() =>
		admin(s, 'POST', '/users', {email: 'crm-twin@crm.invalid', password: 'secret-1', notes: 'ours'}),
	);
	const twin = s.snapshot().users.filter((u) => u.email === 'crm-twin@crm.invalid');
	t.is(twin.length, 1, 'someone else holds the email');
	t.is(twin[0]!.notes, '', 'without the caller notes');
	t.is((await admin(s, 'POST', '/groups', {...body, name: 'crm-lost-2'})).status, 200, 'cleared');

	for (const bad of [
		{type: 'widget', when: 'before'},
		{type: 'group', when: 'later'},
		{type: 'api_key', when: 'before', twin: true},
		'x',
	]) {
		const reply = await control(s, 'POST', '/faults', {lose_create_answer: bad});
		t.is(reply.status, 400, JSON.stringify(bad));
		t.regex(reply.json.error, /lose_create_answer/);
	}
});

test('account_test_stall: the test stream starts and never finishes', async (t) => {
	const s = await boot(t, {faults: {account_test_stall: true}});
	const p = await provision(s, 'kimi', {'kimi-k2.6': 'kimi-k2.6'});
	const outcome = await fetch(`${s.info.host_url}/api/v1/admin/accounts/${p.accountId}/test`, {
		method: 'POST',
		headers: {'x-api-key': s.info.admin_api_key, 'content-type': 'application/json'},
		body: JSON.stringify({model_id: 'kimi-k2.6'}),
		signal: AbortSignal.timeout(500),
	}).then(
		(res) =>
			res.text().then(
				() => 'finished',
				(error: {name: string}) => error.name,
			),
		(error: {name: string}) => error.name,
	);
	t.is(outcome, 'TimeoutError');
	s.setFaults({account_test_stall: false});
	const done = sseEvents(
		(await admin(s, 'POST', `/accounts/${p.accountId}/test`, {model_id: 'kimi-k2.6'})).text,
	);
	t.deepEqual(done.at(-1), {type: 'test_complete', success: true});
});
