import test from 'ava';
import {createServer, type IncomingMessage, type ServerResponse} from 'node:http';
import type {AddressInfo} from 'node:net';
import {HostClient, UserClient, GatewayClient, type HostSession} from '../source/host/client.js';
import {HostError} from '../source/host/errors.js';
import {parseAccountTest} from '../source/host/account-test.js';

function parseBody(raw: string): any {
	try {
		return raw ? JSON.parse(raw) : null;
	} catch {
		return raw;
	}
}

type Handler = (req: IncomingMessage, res: ServerResponse, body: any) => void;

async function serve(handler: Handler): Promise<{url: string; close: () => Promise<void>}> {
	const server = createServer((req, res) => {
		let raw = '';
		req.on('data', (c: Buffer) => (raw += c.toString()));
		req.on('end', () => {
			handler(req, res, parseBody(raw));
		});
	});
	await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
	const {port} = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		close: () =>
			new Promise<void>((r) => {
				server.closeAllConnections();
				server.close(() => r());
			}),
	};
}

const ok = (res: ServerResponse, data: unknown, status = 200) => {
	res.writeHead(status, {'content-type': 'application/json'});
	res.end(JSON.stringify({code: 0, message: 'success', data}));
};
const fail = (res: ServerResponse, status: number, body: unknown) => {
	res.writeHead(status, {'content-type': 'application/json'});
	res.end(JSON.stringify(body));
};
const page = (items: unknown[]) => ({items, total: items.length, page: 1, page_size: 20, pages: 1});
const pathOf = (req: IncomingMessage) => new URL(req.url!, 'http://x').pathname;

test('admin API key: x-api-key header, envelopes, schemas tolerant of extra fields and string ids', async (t) => {
	const seen: string[] = [];
	const s = await serve((req, res, body) => {
		seen.push(`${req.method} ${req.url} ${req.headers['x-api-key']}`);
		const p = pathOf(req);
		if (p === '/api/v1/admin/groups' && req.method === 'GET') return ok(res, {...page([]), items: null});
		if (p === '/api/v1/admin/groups' && req.method === 'POST')
			return ok(res, {id: '12', name: body.name, platform: 'openai', brand_new_field: {x: 1}});
		if (p === '/api/v1/admin/groups/12' && req.method === 'DELETE')
			return ok(res, {message: 'Group deleted successfully'});
		if (p === '/api/v1/admin/accounts' && req.method === 'POST') {
			t.is(req.headers['idempotency-key'], 'idem-a');
			return ok(res, {
				id: 5,
				name: body.name,
				group_ids: null,
				credentials: {api_key: 'sk-echoed-by-old-host'},
			});
		}
		if (p === '/api/v1/admin/accounts/5/models') return ok(res, [{id: 'deepseek-flash', object: 'model'}]);
		if (p === '/api/v1/admin/users/3/balance') return ok(res, {id: 3, email: 'u@crm.invalid', balance: 10});
		if (p === '/api/v1/admin/api-keys/9')
			return ok(res, {
				api_key: {id: 9, name: 'k', group_id: body.group_id || null},
				auto_granted_group_access: true,
			});
		fail(res, 404, {code: 404, message: 'nope'});
	});
	t.teardown(s.close);
	const c = new HostClient({baseUrl: s.url, auth: {type: 'admin_api_key', key: 'admin-test'}});
	const groups = await c.listGroups({page: 1, page_size: 1, search: undefined});
	t.deepEqual(groups.items, []);
	const g = await c.createGroup({name: 'crm-g', platform: 'openai', rate_multiplier: 1});
	t.is(g.id, 12);
	t.is((g as any).brand_new_field.x, 1);
	await c.deleteGroup('12');
	const a = await c.createAccount(
		{name: 'crm-a', platform: 'openai', type: 'apikey', credentials: {api_key: 'sk-x'}, group_ids: [12]},
		{idempotencyKey: 'idem-a'},
	);
	t.deepEqual(a.group_ids, []);
	t.deepEqual(await c.accountModels(5), ['deepseek-flash']);
	const u = await c.setBalance('3', {balance: 10, operation: 'set'});
	t.is(u?.balance, 10);
	const k = await c.adminUpdateKey(9, {group_id: null});
	t.is(k.api_key.group_id, null);
	t.true(seen.every((l) => l.endsWith(' admin-test')));
	const e = await t.throwsAsync(c.getGroup('abc'), {instanceOf: HostError});
	t.is(e?.kind, 'validation');
	const nf = await t.throwsAsync(c.getGroup(99), {instanceOf: HostError});
	t.is(nf?.kind, 'not_found');
});

function jwtHost(o: {recent: boolean; twoFa?: boolean; stepUp?: boolean}) {
	const state = {
		logins: 0,
		refreshes: 0,
		stepUps: 0,
		tokenN: 0,
		valid: new Set<string>(),
		stepped: new Set<string>(),
		ua: new Set<string>(),
	};
	const issue = (res: ServerResponse) => {
		const access = `eyJ.tok${++state.tokenN}.sig`;
		state.valid.add(access);
		ok(
			res,
			o.recent
				? {access_token: access, refresh_token: `r${state.tokenN}`, expires_in: 3600, token_type: 'Bearer'}
				: {access_token: access, token_type: 'Bearer', user: {}},
		);
	};
	const handler: Handler = (req, res, body) => {
		state.ua.add(String(req.headers['user-agent']));
		const p = pathOf(req);
		if (p === '/api/v1/auth/login') {
			state.logins++;
			if (body.email !== 'admin@x.io' || body.password !== 'pw')
				return fail(res, 401, {code: 401, message: 'bad', reason: 'INVALID_CREDENTIALS'});
			if (o.twoFa) return ok(res, {requires_2fa: true, temp_token: 'tmp-1', user_email_masked: 'a***@x.io'});
			return issue(res);
		}
		if (p === '/api/v1/auth/login/2fa') {
			if (body.temp_token !== 'tmp-1' || body.totp_code !== '123456')
				return fail(res, 400, {code: 400, message: 'Invalid or expired 2FA session'});
			return issue(res);
		}
		if (p === '/api/v1/auth/refresh') {
			state.refreshes++;
			return issue(res);
		}
		const token = String(req.headers.authorization ?? '').replace(/^Bearer /, '');
		if (!state.valid.has(token)) return fail(res, 401, {code: 'TOKEN_EXPIRED', message: 'Token has expired'});
		if (p === '/api/v1/user/totp/step-up') {
			if (body.code !== '123456') return fail(res, 400, {code: 400, message: 'bad code'});
			state.stepUps++;
			state.stepped.add(token);
			return ok(res, {verified: true, expires_in: 300});
		}
		if (p === '/api/v1/admin/users') {
			if (o.stepUp && !state.stepped.has(token))
				return fail(res, 403, {
					code: 'STEP_UP_REQUIRED',
					message: 'This operation requires recent two-factor verification',
				});
			return ok(res, page([{id: 1, email: 'admin@x.io', role: 'admin'}]));
		}
		if (p === '/api/v1/admin/groups') return ok(res, page([]));
		fail(res, 404, {code: 404, message: 'nope'});
	};
	return {state, handler};
}

test('recent JWT: TOKEN_EXPIRED → one refresh, session persisted via onSession', async (t) => {
	const h = jwtHost({recent: true});
	const s = await serve(h.handler);
	t.teardown(s.close);
	const sessions: Array<HostSession | null> = [];
	const c = new HostClient({
		baseUrl: s.url,
		auth: {type: 'login', email: 'admin@x.io', password: 'pw'},
		onSession: (x) => sessions.push(x),
		userAgent: 'crm/9.9',
	});
	await c.listGroups();
	t.is(h.state.logins, 1);
	t.is(sessions.length, 1);
	t.truthy(sessions[0]?.refresh_token);
	t.is(sessions[0]?.user_agent, 'crm/9.9');
	h.state.valid.clear(); // token expires server-side
	await c.listGroups();
	t.is(h.state.refreshes, 1);
	t.is(h.state.logins, 1);
	t.is(sessions.length, 2);
	t.deepEqual([...h.state.ua], ['crm/9.9']);
});

test('old JWT (no refresh token): TOKEN_EXPIRED → re-login; saved session reused', async (t) => {
	const h = jwtHost({recent: false});
	const s = await serve(h.handler);
	t.teardown(s.close);
	let saved: HostSession | null = null;
	const c = new HostClient({
		baseUrl: s.url,
		auth: {type: 'login', email: 'admin@x.io', password: 'pw'},
		onSession: (x) => (saved = x),
	});
	await c.listGroups();
	t.is(saved!.refresh_token, null);
	t.is(saved!.expires_at, null);
	h.state.valid.clear();
	await c.listGroups();
	t.is(h.state.logins, 2);
	t.is(h.state.refreshes, 0);
	// A new client with the saved session does not log in again.
	const c2 = new HostClient({
		baseUrl: s.url,
		auth: {type: 'login', email: 'admin@x.io', password: 'pw'},
		session: saved,
	});
	await c2.listGroups();
	t.is(h.state.logins, 2);
	// A session bound to another User-Agent is dropped.
	const c3 = new HostClient({
		baseUrl: s.url,
		auth: {type: 'login', email: 'admin@x.io', password: 'pw'},
		session: saved,
		userAgent: 'other/1',
	});
	await c3.listGroups();
	t.is(h.state.logins, 3);
});

test('bad login credentials → auth', async (t) => {
	const h = jwtHost({recent: true});
	const s = await serve(h.handler);
	t.teardown(s.close);
	const c = new HostClient({baseUrl: s.url, auth: {type: 'login', email: 'admin@x.io', password: 'wrong'}});
	const e = await t.throwsAsync(c.listGroups(), {instanceOf: HostError});
	t.is(e?.kind, 'auth');
	t.is(e?.reason, 'INVALID_CREDENTIALS');
	t.notRegex(e!.message, /wrong/);
});

test('2FA login uses totp(); without totp → TOTP_REQUIRED', async (t) => {
	const h = jwtHost({recent: true, twoFa: true});
	const s = await serve(h.handler);
	t.teardown(s.close);
	let asked = 0;
	const c = new HostClient({
		baseUrl: s.url,
		auth: {type: 'login', email: 'admin@x.io', password: 'pw'},
		totp: async () => {
			asked++;
			return '123456';
		},
	});
	const session = await c.login();
	t.truthy(session.access_token);
	t.is(asked, 1);
	const c2 = new HostClient({baseUrl: s.url, auth: {type: 'login', email: 'admin@x.io', password: 'pw'}});
	const e = await t.throwsAsync(c2.login(), {instanceOf: HostError});
	t.is(e?.code, 'TOTP_REQUIRED');
	t.regex(e!.message, /--totp-env/);
});

test('step-up: STEP_UP_REQUIRED → stepUp() with totp and one retry', async (t) => {
	const h = jwtHost({recent: true, stepUp: true});
	const s = await serve(h.handler);
	t.teardown(s.close);
	const c = new HostClient({
		baseUrl: s.url,
		auth: {type: 'login', email: 'admin@x.io', password: 'pw'},
		totp: async () => '123456',
	});
	const users = await c.listUsers({page: 1, page_size: 1});
	t.is(users.items[0]?.email, 'admin@x.io');
	t.is(h.state.stepUps, 1);
	const noTotp = new HostClient({baseUrl: s.url, auth: {type: 'login', email: 'admin@x.io', password: 'pw'}});
	const e = await t.throwsAsync(noTotp.listUsers(), {instanceOf: HostError});
	t.is(e?.kind, 'step_up_required');
	// probe path: no automatic step-up
	const raw = await noTotp.send('GET', '/api/v1/admin/users', {stepUp: false});
	t.is(raw.status, 403);
});

test('step-up: requests that need it at the same moment share one code and one step-up', async (t) => {
	const h = jwtHost({recent: true, stepUp: true});
	const s = await serve(h.handler);
	t.teardown(s.close);
	let asked = 0;
	const c = new HostClient({
		baseUrl: s.url,
		auth: {type: 'login', email: 'admin@x.io', password: 'pw'},
		totp: async () => {
			asked += 1;
			await new Promise((r) => setTimeout(r, 50));
			return '123456';
		},
	});
	const all = await Promise.all([1, 2, 3].map(() => c.listUsers({page: 1, page_size: 1})));
	t.true(all.every((u) => u.items[0]?.email === 'admin@x.io'));
	t.is(asked, 1, 'one code asked of the operator');
	t.is(h.state.stepUps, 1, 'one step-up sent');
});

test('admin API key on a step-up route → step_up_required telling the operator what to do', async (t) => {
	const s = await serve((_req, res) =>
		fail(res, 403, {
			code: 'STEP_UP_ADMIN_API_KEY_FORBIDDEN',
			message: 'Admin API key cannot access this endpoint',
		}),
	);
	t.teardown(s.close);
	const c = new HostClient({baseUrl: s.url, auth: {type: 'admin_api_key', key: 'admin-k'}});
	const e = await t.throwsAsync(c.createUser({email: 'a@b.c', password: 'secret1'}), {instanceOf: HostError});
	t.is(e?.kind, 'step_up_required');
	t.is(e?.code, 'STEP_UP_ADMIN_API_KEY_FORBIDDEN');
	t.regex(e!.message, /--email\/--password-env\/--totp-env/);
	await t.throwsAsync(c.stepUp(), {instanceOf: HostError});
});

test('account test SSE parsing: success, 403 error, empty body', (t) => {
	const good = parseAccountTest(
		'data: {"type":"test_start","model":"deepseek-flash"}\n\n' +
			'data: {"type":"status","text":"正在通过 /v1/chat/completions 测试连接"}\n\n' +
			'data: {"type":"content","text":"pong"}\n\n' +
			'data: {"type":"test_complete","success":true}\n\n',
	);
	t.true(good.ok);
	t.is(good.content, 'pong');
	t.is(good.events.length, 4);
	const bad = parseAccountTest(
		'data: {"type":"test_start","model":"x"}\n\ndata: {"type":"error","error":"Chat Completions API (/v1/chat/completions) returned 403: {\\"error\\":\\"forbidden key sk-abcdefghijkl0000\\"}"}\n\n',
	);
	t.false(bad.ok);
	t.is(bad.status, 403);
	t.notRegex(bad.error!, /sk-abcdefghijkl/);
	const empty = parseAccountTest('');
	t.true(empty.empty);
	t.false(empty.ok);
});

test('testAccount sends model_id and returns the parsed stream', async (t) => {
	const s = await serve((req, res, body) => {
		t.is(pathOf(req), '/api/v1/admin/accounts/7/test');
		t.deepEqual(body, {model_id: 'm1'});
		res.writeHead(200, {'content-type': 'text/event-stream'});
		res.write('data: {"type":"test_start","model":"m1"}\n\n');
		res.end('data: {"type":"error","error":"API returned 404: not found"}\n\n');
	});
	t.teardown(s.close);
	const c = new HostClient({baseUrl: s.url, auth: {type: 'admin_api_key', key: 'admin-k'}});
	const r = await c.testAccount('7', 'm1');
	t.false(r.ok);
	t.is(r.status, 404);
});

test('UserClient logs in and re-logs in on TOKEN_EXPIRED', async (t) => {
	const h = jwtHost({recent: false});
	const keys: any[] = [];
	const s = await serve((req, res, body) => {
		const p = pathOf(req);
		if (p.startsWith('/api/v1/auth/')) return h.handler(req, res, body);
		const token = String(req.headers.authorization ?? '').replace(/^Bearer /, '');
		if (!h.state.valid.has(token))
			return fail(res, 401, {code: 'TOKEN_EXPIRED', message: 'Token has expired'});
		if (p === '/api/v1/keys' && req.method === 'POST') {
			if (body.group_id === 99)
				return fail(res, 403, {
					code: 403,
					message: 'user is not allowed to bind this group',
					reason: 'GROUP_NOT_ALLOWED',
				});
			const k = {
				id: keys.length + 1,
				user_id: 2,
				key: `sk-${'a'.repeat(64)}`,
				name: body.name,
				group_id: body.group_id,
				status: 'active',
			};
			keys.push(k);
			return ok(res, k);
		}
		if (p === '/api/v1/keys') return ok(res, page(keys));
		if (p === '/api/v1/groups/available') return ok(res, [{id: 1, name: 'g'}]);
		fail(res, 404, {code: 404, message: 'nope'});
	});
	t.teardown(s.close);
	const u = new UserClient({baseUrl: s.url, email: 'admin@x.io', password: 'pw'});
	await u.login();
	const k = await u.createKey({name: 'k1', group_id: 1});
	t.is(k.group_id, 1);
	h.state.valid.clear();
	t.is((await u.listKeys()).items.length, 1);
	t.is(h.state.logins, 2);
	t.deepEqual(
		(await u.availableGroups()).map((g) => g.id),
		[1],
	);
	const e = await t.throwsAsync(u.createKey({name: 'k2', group_id: 99}), {instanceOf: HostError});
	t.is(e?.reason, 'GROUP_NOT_ALLOWED');
});

test('GatewayClient: models, chat json and stream, errors', async (t) => {
	const s = await serve((req, res, body) => {
		const p = pathOf(req);
		if (req.headers.authorization !== 'Bearer sk-user')
			return fail(res, 401, {code: 'INVALID_API_KEY', message: 'Invalid API key'});
		if (p === '/v1/models')
			return fail(res, 200, {object: 'list', data: [{id: 'deepseek-flash', object: 'model'}]});
		if (p === '/v1/chat/completions') {
			if (body.model === 'broke')
				return fail(res, 503, {error: {type: 'api_error', message: 'No available accounts'}});
			if (body.stream) {
				res.writeHead(200, {'content-type': 'text/event-stream'});
				res.write('data: {"choices":[{"delta":{"content":"po"}}]}\n\n');
				res.write('data: {"choices":[{"delta":{"content":"ng"}}]}\n\n');
				return res.end('data: [DONE]\n\n');
			}
			return fail(res, 200, {choices: [{message: {role: 'assistant', content: 'pong'}}]});
		}
		fail(res, 404, {});
	});
	t.teardown(s.close);
	const g = new GatewayClient({baseUrl: s.url, apiKey: 'sk-user'});
	t.deepEqual(await g.models(), ['deepseek-flash']);
	t.deepEqual(await g.chat({model: 'deepseek-flash'}), {
		status: 200,
		type: 'json',
		content: 'pong',
		preview: 'pong',
	});
	const st = await g.chat({model: 'deepseek-flash', stream: true});
	t.is(st.type, 'stream');
	t.is(st.content, 'pong');
	const e = await t.throwsAsync(g.chat({model: 'broke'}), {instanceOf: HostError});
	t.is(e?.status, 503);
	const bad = new GatewayClient({baseUrl: s.url, apiKey: 'sk-nope'});
	const e2 = await t.throwsAsync(bad.models(), {instanceOf: HostError});
	t.is(e2?.code, 'INVALID_API_KEY');
	t.is(e2?.kind, 'auth');
});

test('GatewayClient: an error event inside a 200 stream is an upstream_error', async (t) => {
	const s = await serve((_req, res) => {
		res.writeHead(200, {'content-type': 'text/event-stream'});
		res.write('data: {"choices":[{"delta":{"content":"p"}}]}\n\n');
		res.end(
			'event: error\ndata: {"error":{"type":"upstream_error","message":"Upstream request failed"}}\n\n',
		);
	});
	t.teardown(s.close);
	const e = await t.throwsAsync(
		new GatewayClient({baseUrl: s.url, apiKey: 'sk-user'}).chat({model: 'm', stream: true}),
		{
			instanceOf: HostError,
		},
	);
	t.is(e?.kind, 'upstream_error');
	t.is(e?.status, 200);
});

test('concurrent TOKEN_EXPIRED answers share one refresh', async (t) => {
	const h = jwtHost({recent: true});
	const s = await serve(h.handler);
	t.teardown(s.close);
	const c = new HostClient({baseUrl: s.url, auth: {type: 'login', email: 'admin@x.io', password: 'pw'}});
	await c.listGroups();
	h.state.valid.clear();
	await Promise.all([c.listGroups(), c.listGroups(), c.listGroups()]);
	t.is(h.state.refreshes, 1);
	t.is(h.state.logins, 1);
});
