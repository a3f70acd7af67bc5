import test from 'ava';
import {
	admin,
	boot,
	call,
	chatBody,
	gateway,
	login,
	provision,
	sseEvents,
	withToken,
} from './sandbox-helpers.js';

const ACK_EN =
	'I have read, understood, and agree to the Sub2API Deployment and Operation Compliance Commitment';

test('old: version, login without refresh, case-sensitive Bearer, no UA binding', async (t) => {
	const s = await boot(t, {profile: 'old'});
	t.is(s.profile, 'old');
	const settings = await call(`${s.info.host_url}/api/v1/settings/public`);
	t.is(settings.json.data.version, '0.1.1');
	t.false('backend_mode_enabled' in settings.json.data);
	t.true(settings.json.data.sandbox);
	const session = await login(s, s.info.admin_email, s.info.admin_password, 'agent-A');
	t.deepEqual(Object.keys(session.json.data).sort(), ['access_token', 'token_type', 'user']);
	const refresh = await call(`${s.info.host_url}/api/v1/auth/refresh`, {body: {refresh_token: 'x'}});
	t.is(refresh.text, '404 page not found');
	const token = session.json.data.access_token;
	const lower = await call(`${s.info.host_url}/api/v1/admin/groups`, {
		headers: {authorization: `bearer ${token}`},
	});
	t.is(lower.status, 401);
	const otherUa = await withToken(s, token, 'GET', '/api/v1/admin/groups', undefined, {
		'user-agent': 'agent-B',
	});
	t.is(otherUa.status, 200);
	t.is((await call(`${s.info.host_url}/api/v1/auth/login/2fa`, {body: {}})).status, 404);
});

test('old: reserved names and emails, credentials in clear, no auto-bind, page_size max 100, no idempotency', async (t) => {
	const s = await boot(t, {profile: 'old'});
	const g = (
		await admin(s, 'POST', '/groups', {name: 'openai-default', platform: 'openai', rate_multiplier: 1})
	).json.data;
	const account = await admin(s, 'POST', '/accounts', {
		name: 'a',
		platform: 'openai',
		type: 'apikey',
		credentials: {api_key: 'sk-clear', base_url: 'http://127.0.0.1:1'},
	});
	t.is(account.json.data.credentials.api_key, 'sk-clear');
	t.false('credentials_status' in account.json.data);
	t.deepEqual(account.json.data.group_ids, [], 'old binds only the given ids');
	const badType = await admin(s, 'POST', '/accounts', {
		name: 'b',
		platform: 'openai',
		type: 'upstream',
		credentials: {},
	});
	t.is(badType.status, 400, 'old type enum');

	await admin(s, 'DELETE', `/groups/${g.id}`);
	const reuse = await admin(s, 'POST', '/groups', {
		name: 'openai-default',
		platform: 'openai',
		rate_multiplier: 1,
	});
	t.is(reuse.status, 409);
	t.is(reuse.json.reason, 'GROUP_EXISTS');
	await admin(s, 'POST', '/users', {email: 'o@crm.invalid', password: 'secret1'});
	await admin(s, 'DELETE', '/users/2');
	t.is(
		(await admin(s, 'POST', '/users', {email: 'o@crm.invalid', password: 'secret1'})).json.reason,
		'EMAIL_EXISTS',
	);

	t.is((await admin(s, 'GET', '/groups?page_size=1000')).json.data.page_size, 20);
	t.is((await admin(s, 'GET', '/groups?page_size=100')).json.data.page_size, 100);
	await admin(s, 'POST', '/groups', {name: 'zzz', platform: 'openai', rate_multiplier: 1});
	t.is((await admin(s, 'GET', '/groups?search=nomatch')).json.data.total, 1, 'old ignores search');

	const body = {name: 'dup', platform: 'openai', type: 'apikey', credentials: {api_key: 'k'}};
	const first = await admin(s, 'POST', '/accounts', body, {'idempotency-key': 'same'});
	const second = await admin(s, 'POST', '/accounts', body, {'idempotency-key': 'same'});
	t.not(first.json.data.id, second.json.data.id, 'old ignores Idempotency-Key: duplicates');
	t.is(second.headers.get('x-idempotency-replayed'), null);
});

test('old: subscription duplicate 409 and hard delete', async (t) => {
	const s = await boot(t, {profile: 'old'});
	const g = (
		await admin(s, 'POST', '/groups', {
			name: 's',
			platform: 'openai',
			rate_multiplier: 1,
			subscription_type: 'subscription',
		})
	).json.data;
	await admin(s, 'POST', '/users', {email: 'o@crm.invalid', password: 'secret1'});
	const first = await admin(s, 'POST', '/subscriptions/assign', {user_id: 2, group_id: g.id});
	t.is(first.status, 200);
	const dup = await admin(s, 'POST', '/subscriptions/assign', {user_id: 2, group_id: g.id});
	t.is(dup.status, 409);
	t.is(dup.json.reason, 'SUBSCRIPTION_ALREADY_EXISTS');
	await admin(s, 'DELETE', `/subscriptions/${first.json.data.id}`);
	t.is(s.snapshot().subscriptions.length, 0, 'old hard-deletes');
});

test('old gateway: no chat completions (text 404), static gpt list, account test via /v1/responses', async (t) => {
	const s = await boot(t, {profile: 'old'});
	const p = await provision(s, 'kimi', {'kimi-k2.6': 'kimi-k2.6'});
	const chat = await gateway(s, p.key, 'POST', '/v1/chat/completions', chatBody('kimi-k2.6'));
	t.is(chat.status, 404);
	t.is(chat.text, '404 page not found');
	const invalid = await gateway(s, 'sk-invalid', 'POST', '/v1/chat/completions', chatBody('kimi-k2.6'));
	t.is(invalid.text, '404 page not found', 'the route is absent, so no auth runs');
	const models = await gateway(s, p.key, 'GET', '/v1/models');
	t.deepEqual(
		models.json.data.map((m: any) => m.id),
		[
			'gpt-5.2',
			'gpt-5.2-codex',
			'gpt-5.1-codex-max',
			'gpt-5.1-codex',
			'gpt-5.1',
			'gpt-5.1-codex-mini',
			'gpt-5',
		],
	);
	const viaQuery = await call(`${s.info.host_url}/v1/models?key=${p.key}`);
	t.is(viaQuery.status, 200, 'old accepts ?key=');
	const testReply = await admin(s, 'POST', `/accounts/${p.accountId}/test`, {model_id: 'kimi-k2.6'});
	const events = sseEvents(testReply.text);
	t.is(events.at(-1).type, 'error');
	t.true(events.at(-1).error.startsWith('API returned 404: '));
	t.is(s.snapshot().upstream_log.at(-1)!.path, '/kimi/v1/v1/responses', 'naive base_url + /v1/responses');
	t.is(s.snapshot().accounts[0].status, 'active');
});

test('gated: 423 compliance gate on every admin route but /admin/compliance', async (t) => {
	const s = await boot(t, {profile: 'gated'});
	const locked = await admin(s, 'GET', '/groups');
	t.is(locked.status, 423);
	t.is(locked.json.code, 'ADMIN_COMPLIANCE_ACK_REQUIRED');
	t.deepEqual(Object.keys(locked.json.metadata).sort(), [
		'document_path_en',
		'document_path_zh',
		'document_url_en',
		'document_url_zh',
		'version',
	]);
	const status = await admin(s, 'GET', '/compliance');
	t.is(status.status, 200);
	t.like(status.json.data, {required: true, ack_phrase_en: ACK_EN});
	t.is(status.json.data.ack_phrase_zh, '我已阅读、理解并同意 Sub2API 部署与运营合规承诺');
	const wrong = await admin(s, 'POST', '/compliance/accept', {phrase: 'I agree', language: 'en'});
	t.is(wrong.status, 400);
	t.is(wrong.json.reason, 'ADMIN_COMPLIANCE_INVALID_PHRASE');
	t.is((await admin(s, 'GET', '/groups')).status, 423);
	const accepted = await admin(s, 'POST', '/compliance/accept', {phrase: ACK_EN, language: 'en'});
	t.is(accepted.status, 200);
	t.false(accepted.json.data.required);
	t.is((await admin(s, 'GET', '/groups')).status, 200);
	t.deepEqual(s.snapshot().compliance_acknowledged_user_ids, [1]);
});

test('gated: admin 2FA login, step-up required on account/user writes, API key forbidden there', async (t) => {
	const s = await boot(t, {profile: 'gated'});
	await admin(s, 'POST', '/compliance/accept', {phrase: ACK_EN, language: 'en'});
	const group = await admin(s, 'POST', '/groups', {name: 'g', platform: 'openai', rate_multiplier: 1});
	t.is(group.status, 200, 'group writes are not step-up gated');
	const accountBody = {
		name: 'a',
		platform: 'openai',
		type: 'apikey',
		credentials: {api_key: 'k'},
		group_ids: [1],
	};
	const byKey = await admin(s, 'POST', '/accounts', accountBody);
	t.is(byKey.status, 403);
	t.is(byKey.json.code, 'STEP_UP_ADMIN_API_KEY_FORBIDDEN');
	t.is((await admin(s, 'GET', '/users')).json.code, 'STEP_UP_ADMIN_API_KEY_FORBIDDEN');

	const first = await login(s, s.info.admin_email, s.info.admin_password);
	t.like(first.json.data, {requires_2fa: true});
	t.regex(first.json.data.user_email_masked, /\*\*\*@/);
	t.false('access_token' in first.json.data);
	const url2fa = `${s.info.host_url}/api/v1/auth/login/2fa`;
	const wrongCode = s.info.admin_totp_code === '000000' ? '111111' : '000000';
	const bad = await call(url2fa, {body: {temp_token: first.json.data.temp_token, totp_code: wrongCode}});
	t.is(bad.status, 401);
	const badSession = await call(url2fa, {body: {temp_token: 'nope', totp_code: s.info.admin_totp_code}});
	t.is(badSession.status, 400);
	t.is(badSession.json.message, 'Invalid or expired 2FA session');
	t.is((await call(url2fa, {body: {temp_token: first.json.data.temp_token, totp_code: '12'}})).status, 400);
	const done = await call(url2fa, {
		body: {temp_token: first.json.data.temp_token, totp_code: s.info.admin_totp_code},
	});
	t.is(done.status, 200);
	const token = done.json.data.access_token;

	const noStepUp = await withToken(s, token, 'POST', '/api/v1/admin/accounts', accountBody);
	t.is(noStepUp.status, 403);
	t.deepEqual(noStepUp.json, {
		code: 'STEP_UP_REQUIRED',
		message: 'This operation requires recent two-factor verification',
	});
	const wrongStep = await withToken(s, token, 'POST', '/api/v1/user/totp/step-up', {code: wrongCode});
	t.is(wrongStep.status, 400);
	const step = await withToken(s, token, 'POST', '/api/v1/user/totp/step-up', {code: s.info.admin_totp_code});
	t.deepEqual(step.json.data, {verified: true, expires_in: 300});
	const created = await withToken(s, token, 'POST', '/api/v1/admin/accounts', accountBody);
	t.is(created.status, 200);
	t.is((await withToken(s, token, 'GET', '/api/v1/admin/users')).status, 200);

	const other = await login(s, s.info.admin_email, s.info.admin_password);
	const otherDone = await call(url2fa, {
		body: {temp_token: other.json.data.temp_token, totp_code: s.info.admin_totp_code},
	});
	const otherSession = await withToken(s, otherDone.json.data.access_token, 'GET', '/api/v1/admin/users');
	t.is(otherSession.json.code, 'STEP_UP_REQUIRED', 'step-up belongs to one session');
});

test('gated: normal users log in without 2FA and have no TOTP step-up', async (t) => {
	const s = await boot(t, {profile: 'gated'});
	await admin(s, 'POST', '/compliance/accept', {phrase: ACK_EN, language: 'en'});
	const g = await admin(s, 'POST', '/groups', {name: 'g', platform: 'openai', rate_multiplier: 1});
	t.is(g.status, 200);
	t.is((await admin(s, 'POST', '/users', {email: 'n@crm.invalid', password: 'secret1'})).status, 403);
	const session = (await login(s, s.info.admin_email, s.info.admin_password)).json.data;
	const done = await call(`${s.info.host_url}/api/v1/auth/login/2fa`, {
		body: {temp_token: session.temp_token, totp_code: s.info.admin_totp_code},
	});
	const token = done.json.data.access_token;
	await withToken(s, token, 'POST', '/api/v1/user/totp/step-up', {code: s.info.admin_totp_code});
	const user = await withToken(s, token, 'POST', '/api/v1/admin/users', {
		email: 'n@crm.invalid',
		password: 'secret1',
		balance: 1,
	});
	t.is(user.status, 200);
	const userLogin = await login(s, 'n@crm.invalid', 'secret1');
	t.truthy(userLogin.json.data.access_token);
	const noTotp = await withToken(s, userLogin.json.data.access_token, 'POST', '/api/v1/user/totp/step-up', {
		code: '123456',
	});
	t.is(noTotp.json.reason, 'TOTP_NOT_ENABLED');
});
