import test from 'ava';
import {admin, boot, call, control} from './sandbox-helpers.js';

test('info: loopback URLs, random secrets of the documented shapes', async (t) => {
	const a = await boot(t);
	const b = await boot(t);
	t.regex(a.info.host_url, /^http:\/\/127\.0\.0\.1:\d+$/);
	t.is(a.info.control_url, `${a.info.host_url}/__sandbox`);
	t.regex(a.info.admin_api_key, /^admin-[0-9a-f]{64}$/);
	t.regex(a.info.admin_totp_code, /^\d{6}$/);
	t.true(a.info.admin_password.length >= 12);
	t.not(a.info.admin_api_key, b.info.admin_api_key);
	t.not(a.info.admin_password, b.info.admin_password);
	t.deepEqual(Object.keys(a.info.upstreams).sort(), [
		'deepseek',
		'glm',
		'kimi',
		'minimax',
		'qwen',
		'relay',
		'step',
	]);
	for (const [pack, upstream] of Object.entries(a.info.upstreams)) {
		t.regex(upstream.api_key, new RegExp(`^sk-fake-${pack}-[0-9a-f]{32}$`));
		t.regex(upstream.base_url, /^http:\/\/127\.0\.0\.1:\d+\//);
	}
	t.true(a.info.upstreams.deepseek.base_url.endsWith('/deepseek'));
	t.true(a.info.upstreams.glm.base_url.endsWith('/glm/api/paas/v4'));
	t.true(a.info.upstreams.qwen.base_url.endsWith('/qwen/compatible-mode/v1'));
	t.is(a.profile, 'recent');
});

test('health, setup status and public settings with the sandbox marker', async (t) => {
	const s = await boot(t);
	const health = await call(`${s.info.host_url}/health`);
	t.is(health.status, 200);
	t.deepEqual(health.json, {status: 'ok'});
	const setup = await call(`${s.info.host_url}/setup/status`);
	t.deepEqual(setup.json, {code: 0, message: 'success', data: {needs_setup: false, step: 'completed'}});
	const settings = await call(`${s.info.host_url}/api/v1/settings/public`);
	t.is(settings.json.code, 0);
	t.is(settings.json.data.sandbox, true);
	t.is(settings.json.data.version, '0.1.180');
	t.is(settings.json.data.turnstile_enabled, false);
	t.is(settings.json.data.backend_mode_enabled, false);
	t.is(settings.json.data.site_name, 'crm sandbox');
});

test('unknown API routes answer gin text 404, other paths the SPA page', async (t) => {
	const s = await boot(t);
	for (const path of ['/api/v1/nope', '/v1/nope', '/api/v1/admin/cn-providers/accounts/0/quota']) {
		const reply = await call(`${s.info.host_url}${path}`, {headers: {'x-api-key': s.info.admin_api_key}});
		t.is(reply.status, 404, path);
		t.is(reply.text, '404 page not found');
		t.true(reply.headers.get('content-type')!.startsWith('text/plain'));
	}
	const wrongMethod = await call(`${s.info.host_url}/api/v1/settings/public`, {method: 'DELETE'});
	t.is(wrongMethod.status, 404);
	const page = await call(`${s.info.host_url}/dashboard`);
	t.is(page.status, 200);
	t.true(page.headers.get('content-type')!.startsWith('text/html'));
	t.true(page.text.includes('<div id="app">'));
});

test('control routes need the admin key; /state returns a plain snapshot', async (t) => {
	const s = await boot(t);
	const anonymous = await call(`${s.info.control_url}/state`);
	t.is(anonymous.status, 401);
	const wrong = await call(`${s.info.control_url}/state`, {headers: {'x-api-key': 'admin-nope'}});
	t.is(wrong.status, 401);
	await admin(s, 'POST', '/groups', {name: 'g', platform: 'openai', rate_multiplier: 1});
	const state = await control(s, 'GET', '/state');
	t.is(state.status, 200);
	t.is(state.json.sandbox, true);
	t.is(state.json.groups.length, 1);
	t.is(state.json.users[0].role, 'admin');
	t.deepEqual(state.json, JSON.parse(JSON.stringify(s.snapshot())));
});

test('POST /faults merges, validates, and setFaults changes the same switches', async (t) => {
	const s = await boot(t);
	const first = await control(s, 'POST', '/faults', {admin_429: 2, upstream: {kimi: 'quota'}});
	t.is(first.status, 200);
	t.is(first.json.admin_429, 2);
	t.is(first.json.upstream.kimi, 'quota');
	const second = await control(s, 'POST', '/faults', {upstream: {glm: 'down'}});
	t.deepEqual(second.json.upstream, {kimi: 'quota', glm: 'down'});
	t.is(second.json.admin_429, 2);
	const bad = await control(s, 'POST', '/faults', {upstream: {nosuch: 'quota'}});
	t.is(bad.status, 400);
	const badValue = await control(s, 'POST', '/faults', {host_down: 'yes', admin_429: 1});
	t.is(badValue.status, 400);
	t.is(s.snapshot().faults.admin_429, 2, 'a rejected patch changes nothing');
	s.setFaults({upstream: {kimi: null}});
	t.is(s.snapshot().faults.upstream.kimi, null);
	t.throws(() => s.setFaults({latency_ms: -1}));
});

test('requestLog records method, path and status of host requests', async (t) => {
	const s = await boot(t);
	await call(`${s.info.host_url}/health`);
	await admin(s, 'GET', '/groups?page=1');
	const log = s.requestLog();
	t.deepEqual(
		log.map(({method, path, status}) => ({method, path, status})),
		[
			{method: 'GET', path: '/health', status: 200},
			{method: 'GET', path: '/api/v1/admin/groups', status: 200},
		],
	);
	t.true(typeof log[0].at === 'number');
});

test('startSandbox rejects an unknown profile and honours opts.faults / latencyMs', async (t) => {
	await t.throwsAsync(() =>
		import('../source/sandbox/index.js').then((m) => m.startSandbox({profile: 'nope' as any})),
	);
	const s = await boot(t, {latencyMs: 5, faults: {admin_429: 1}});
	t.is(s.snapshot().faults.latency_ms, 5);
	t.is((await admin(s, 'GET', '/groups')).status, 429);
});
