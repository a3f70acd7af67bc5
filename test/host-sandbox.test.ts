// Every host-client method against the built-in sandbox, over loopback, for each profile.
import test, {type ExecutionContext} from 'ava';
import {startSandbox, type SandboxHandle, type SandboxProfile} from '../source/sandbox/index.js';
import {HostClient, UserClient, GatewayClient, type HostSession} from '../source/host/client.js';
import {HostError} from '../source/host/errors.js';
import {probeHost} from '../source/host/probe.js';
import {redactValue} from '../source/lib/secrets.js';

const PROFILES: SandboxProfile[] = ['recent', 'old', 'gated'];

function keyClient(sb: SandboxHandle, extra: Partial<ConstructorParameters<typeof HostClient>[0]> = {}) {
	return new HostClient({
		baseUrl: sb.info.host_url,
		auth: {type: 'admin_api_key', key: sb.info.admin_api_key},
		retryBaseMs: 5,
		...extra,
	});
}

function loginClient(sb: SandboxHandle, extra: Partial<ConstructorParameters<typeof HostClient>[0]> = {}) {
	return new HostClient({
		baseUrl: sb.info.host_url,
		auth: {type: 'login', email: sb.info.admin_email, password: sb.info.admin_password},
		totp: async () => sb.info.admin_totp_code,
		retryBaseMs: 5,
		...extra,
	});
}

async function errorOf(t: ExecutionContext, p: Promise<unknown>): Promise<HostError> {
	const e = await t.throwsAsync(p, {instanceOf: HostError});
	return e!;
}

/** The admin client the importer would end up with on this profile (gated: compliance + 2FA login). */
async function adminFor(t: ExecutionContext, sb: SandboxHandle): Promise<HostClient> {
	if (sb.profile !== 'gated') return keyClient(sb);
	const byKey = keyClient(sb);
	const gate = await errorOf(t, byKey.listGroups());
	t.is(gate.kind, 'compliance_required');
	t.is(gate.status, 423);
	t.is(gate.code, 'ADMIN_COMPLIANCE_ACK_REQUIRED');
	const status = await byKey.complianceStatus();
	t.true(status.required);
	const wrong = await errorOf(t, byKey.acceptCompliance('I agree', 'en'));
	t.is(wrong.kind, 'validation');
	t.is(wrong.reason, 'ADMIN_COMPLIANCE_INVALID_PHRASE');
	await byKey.acceptCompliance(status.ack_phrase_en!, 'en');
	t.is((await byKey.listGroups({page: 1, page_size: 1})).page, 1);
	const forbidden = await errorOf(t, byKey.listUsers());
	t.is(forbidden.kind, 'step_up_required');
	t.is(forbidden.code, 'STEP_UP_ADMIN_API_KEY_FORBIDDEN');
	t.regex(forbidden.message, /--totp-env/);
	const caps = await probeHost(byKey);
	t.false(caps.compliance);
	t.true(caps.step_up_writes);
	return loginClient(sb);
}

for (const profile of PROFILES) {
	test(`${profile}: probe`, async (t) => {
		const sb = await startSandbox({profile});
		t.teardown(() => sb.close());
		const caps = await probeHost(keyClient(sb));
		t.true(caps.sandbox);
		t.is(caps.chat_completions, profile !== 'old');
		t.is(caps.compliance, profile === 'gated');
		t.false(caps.admin_key_creation);
		t.false(caps.turnstile);
		t.truthy(caps.version);
		if (profile === 'gated') {
			t.truthy(caps.compliance_info?.phrase_en);
			t.truthy(caps.compliance_info?.phrase_zh);
			t.truthy(caps.compliance_info?.document_url_en);
		}
		const sessions: Array<HostSession | null> = [];
		const byLogin = await probeHost(loginClient(sb, {onSession: (s) => sessions.push(s)}));
		t.is(byLogin.refresh, profile !== 'old');
		t.is(sessions.length, 1);
		const bad = await errorOf(
			t,
			probeHost(keyClient(sb, {auth: {type: 'admin_api_key', key: 'admin-' + '0'.repeat(64)}})),
		);
		t.is(bad.kind, 'auth');
		t.is(bad.code, 'INVALID_ADMIN_KEY');
		t.notRegex(bad.message, /admin-0000/);
	});

	test(`${profile}: every admin, user and gateway method`, async (t) => {
		const sb = await startSandbox({profile});
		t.teardown(() => sb.close());
		const admin = await adminFor(t, sb);
		const up = sb.info.upstreams.deepseek!;
		const tag = `${profile}-${Date.now().toString(36)}`;

		// groups
		const g = await admin.createGroup({
			name: `crm-it-${tag}`,
			description: 'integration',
			platform: 'openai',
			rate_multiplier: 1,
			is_exclusive: true,
			subscription_type: 'standard',
		});
		t.is(typeof g.id, 'number');
		if (profile === 'gated') t.truthy(admin.session?.refresh_token, 'logged in with 2FA');
		t.is((await admin.getGroup(String(g.id))).name, g.name);
		t.is((await admin.updateGroup(g.id, {description: 'changed'})).description, 'changed');
		const groups = await admin.listGroups({page: 1, page_size: 100});
		t.true(groups.items.some((x) => x.id === g.id));
		const dup = await errorOf(t, admin.createGroup({name: g.name, platform: 'openai', rate_multiplier: 1}));
		t.is(dup.kind, 'conflict');
		t.is(dup.reason, 'GROUP_EXISTS');

		// accounts
		const a = await admin.createAccount(
			{
				name: `crm-it-${tag}-acct`,
				platform: 'openai',
				type: 'apikey',
				credentials: {
					api_key: up.api_key,
					base_url: up.base_url,
					model_mapping: {'deepseek-flash': 'deepseek-flash'},
				},
				extra: {openai_responses_mode: 'force_chat_completions'},
				concurrency: 0,
				priority: 1,
				group_ids: [g.id],
			},
			{idempotencyKey: `it-${tag}`},
		);
		t.deepEqual(a.group_ids, [g.id]);
		const shown = JSON.stringify(redactValue(a));
		t.false(shown.includes(up.api_key), 'redacted view never has the provider key');
		if (profile === 'old') t.is(a.credentials?.api_key, up.api_key, 'old hosts echo the key');
		else t.is(a.credentials?.api_key, undefined, 'recent hosts strip the key');
		t.is((await admin.getAccount(a.id)).name, a.name);
		t.true((await admin.listAccounts({search: a.name})).items.some((x) => x.id === a.id));
		const updated = await admin.updateAccount(String(a.id), {notes: 'n1'});
		if (profile === 'old') t.is(updated.notes, undefined, 'old builds keep no account notes');
		else t.is(updated.notes, 'n1');
		t.true((await admin.accountModels(a.id)).includes('deepseek-flash'));
		const test1 = await admin.testAccount(a.id, 'deepseek-flash');
		if (profile === 'old') {
			t.false(test1.ok);
			t.is(test1.status, 404, 'old hosts test through /v1/responses');
		} else {
			t.true(test1.ok, test1.error ?? '');
			t.true(test1.events.some((e) => e.type === 'test_start'));
		}

		// users
		const email = `crm-it-${tag}@crm.invalid`;
		const password = 'it-pass-123456';
		const u = await admin.createUser({email, password, balance: 0, concurrency: 5, allowed_groups: [g.id]});
		t.is(u.email, email);
		t.is((await admin.getUser(u.id)).email, email);
		t.true((await admin.listUsers({search: email})).items.some((x) => x.id === u.id));
		t.is((await admin.updateUser(u.id, {notes: 'smoke'})).notes, 'smoke');
		const withBalance = await admin.setBalance(
			u.id,
			{balance: 5, operation: 'set', notes: 'it'},
			{idempotencyKey: `bal-${tag}`},
		);
		if (withBalance) t.is(withBalance.balance, 5);
		t.is((await admin.getUser(u.id)).balance, 5);

		// the user's own keys
		const user = new UserClient({baseUrl: sb.info.host_url, email, password});
		await user.login();
		t.true((await user.availableGroups()).some((x) => x.id === g.id));
		const key = await user.createKey({name: `crm-it-${tag}-key`, group_id: g.id});
		t.regex(key.key ?? '', /^sk-/);
		t.is(key.group_id, g.id);
		t.true((await user.listKeys()).items.some((k) => k.id === key.id));
		t.is((await user.getKey(key.id)).name, key.name);
		t.true((await admin.userApiKeys(u.id)).items.some((k) => k.id === key.id));

		// admin key routes
		if (profile === 'old') {
			const missing = await errorOf(t, admin.adminUpdateKey(key.id, {group_id: g.id}));
			t.is(missing.kind, 'not_found');
			t.is(missing.code, 'ROUTE_NOT_FOUND');
		} else {
			const upd = await admin.adminUpdateKey(key.id, {group_id: g.id});
			t.is(upd.api_key.group_id, g.id);
		}
		const noAdminCreate = await errorOf(t, admin.adminCreateUserKey(u.id, 'x'));
		t.is(noAdminCreate.code, 'ROUTE_NOT_FOUND');

		// gateway
		const gw = new GatewayClient({baseUrl: sb.info.host_url, apiKey: key.key!});
		const models = await gw.models();
		if (profile === 'old') {
			t.false(models.includes('deepseek-flash'), 'old hosts list a static catalog');
			const e = await errorOf(t, gw.chat({model: 'deepseek-flash'}));
			t.is(e.code, 'ROUTE_NOT_FOUND');
		} else {
			t.true(models.includes('deepseek-flash'));
			const json = await gw.chat({model: 'deepseek-flash'});
			t.is(json.status, 200);
			t.is(json.type, 'json');
			t.true(json.preview.length > 0 && json.preview.length <= 80);
			const streamed = await gw.chat({model: 'deepseek-flash', stream: true});
			t.is(streamed.type, 'stream');
			t.true(streamed.content.length > 0);
		}
		const badKey = await errorOf(
			t,
			new GatewayClient({baseUrl: sb.info.host_url, apiKey: 'sk-crm-not-a-key'}).models(),
		);
		t.is(badKey.code, 'INVALID_API_KEY');

		// subscriptions
		const sg = await admin.createGroup({
			name: `crm-it-${tag}-sub`,
			platform: 'openai',
			rate_multiplier: 1,
			subscription_type: 'subscription',
		});
		const notAllowed = await errorOf(t, user.createKey({name: 'early', group_id: sg.id}));
		t.is(notAllowed.reason, 'GROUP_NOT_ALLOWED');
		const notSub = await errorOf(
			t,
			admin.assignSubscription({user_id: u.id, group_id: g.id, validity_days: 30}),
		);
		t.is(notSub.reason, 'GROUP_NOT_SUBSCRIPTION_TYPE');
		const sub = await admin.assignSubscription({
			user_id: u.id,
			group_id: sg.id,
			validity_days: 30,
			notes: 'it',
		});
		t.is(sub.status, 'active');
		t.true((await admin.listSubscriptions({user_id: u.id})).items.some((s) => s.id === sub.id));
		t.is((await admin.getSubscription(sub.id)).group_id, sg.id);
		const subKey = await user.createKey({name: `crm-it-${tag}-subkey`, group_id: sg.id});
		await admin.revokeSubscription(sub.id);
		const revoked = await errorOf(
			t,
			new GatewayClient({baseUrl: sb.info.host_url, apiKey: subKey.key!}).models(),
		);
		t.is(revoked.code, 'SUBSCRIPTION_NOT_FOUND');
		t.is(revoked.kind, 'auth');

		// deletes, in reverse dependency order
		await user.deleteKey(subKey.id);
		await user.deleteKey(key.id);
		t.is((await errorOf(t, user.getKey(key.id))).kind, 'not_found');
		await admin.deleteUser(u.id);
		t.is((await errorOf(t, admin.getUser(u.id))).kind, 'not_found');
		await admin.deleteAccount(a.id);
		t.is((await errorOf(t, admin.getAccount(a.id))).kind, 'not_found');
		await admin.deleteGroup(sg.id);
		await admin.deleteGroup(g.id);
		const gone = await errorOf(t, admin.getGroup(g.id));
		t.is(gone.kind, 'not_found');
		const again = admin.createGroup({name: g.name, platform: 'openai', rate_multiplier: 1});
		if (profile === 'old')
			t.is((await errorOf(t, again)).reason, 'GROUP_EXISTS', 'old hosts keep deleted names');
		else t.is((await again).name, g.name);
	});
}

test('gated: STEP_UP_REQUIRED is satisfied with one step-up per session', async (t) => {
	const sb = await startSandbox({profile: 'gated'});
	t.teardown(() => sb.close());
	const byKey = keyClient(sb);
	const st = await byKey.complianceStatus();
	await byKey.acceptCompliance(st.ack_phrase_zh!, 'zh');
	let asked = 0;
	const c = loginClient(sb, {
		totp: async () => {
			asked++;
			return sb.info.admin_totp_code;
		},
	});
	await c.listUsers({page: 1, page_size: 1});
	t.is(asked, 2, 'one code for the 2FA login, one for the step-up');
	await c.listUsers({page: 1, page_size: 1});
	t.is(asked, 2, 'the step-up window is reused');
	const raw = await loginClient(sb).send('GET', '/api/v1/admin/users', {stepUp: false});
	t.is(raw.status, 403);
	const noTotp = new HostClient({
		baseUrl: sb.info.host_url,
		auth: {type: 'login', email: sb.info.admin_email, password: sb.info.admin_password},
	});
	t.is((await errorOf(t, noTotp.login())).code, 'TOTP_REQUIRED');
	const badTotp = loginClient(sb, {totp: async () => '000000'});
	const e = await errorOf(t, badTotp.login());
	t.not(e.kind, 'network');
});

test('recent: refresh on expiry keeps the session family; a changed User-Agent re-logs in', async (t) => {
	const sb = await startSandbox({profile: 'recent'});
	t.teardown(() => sb.close());
	let saved: HostSession | null = null;
	const c = loginClient(sb, {onSession: (s) => (saved = s)});
	await c.listGroups();
	t.truthy(saved!.refresh_token);
	// Pretend the token is past its expiry: the client refreshes before sending.
	const expired = {...saved!, expires_at: new Date(Date.now() - 60_000).toISOString()};
	const c2 = loginClient(sb, {session: expired, onSession: (s) => (saved = s)});
	await c2.listGroups();
	t.not(saved!.access_token, expired.access_token);
	const c3 = loginClient(sb, {session: saved, userAgent: 'crm/other'});
	await c3.listGroups();
	t.is(c3.session?.user_agent, 'crm/other');
});

test('host faults: html, truncated JSON, down, stall, admin 429', async (t) => {
	const sb = await startSandbox({profile: 'recent'});
	t.teardown(() => sb.close());
	const c = keyClient(sb, {timeoutMs: 300, retries: 1, maxRetryAfterMs: 50});
	sb.setFaults({host_html: true});
	t.is((await errorOf(t, probeHost(c))).kind, 'not_sub2api');
	sb.setFaults({host_html: false, host_truncated_json: true});
	const trunc = await errorOf(t, c.listGroups());
	t.is(trunc.kind, 'not_sub2api');
	sb.setFaults({host_truncated_json: false, host_down: true});
	t.is((await errorOf(t, c.health())).kind, 'network');
	sb.setFaults({host_down: false, host_stall: true});
	t.is((await errorOf(t, c.health())).kind, 'timeout');
	sb.setFaults({host_stall: false, admin_429: 1});
	const page = await c.listGroups();
	t.is(page.page, 1, 'one 429 is retried after the capped Retry-After');
	sb.setFaults({admin_429: 5});
	const limited = await errorOf(t, keyClient(sb, {retries: 0}).listGroups());
	t.is(limited.kind, 'rate_limited');
	t.is(limited.retryAfterS, 1);
});

test('recent: first account test 403 and gateway 503 faults surface as data and errors', async (t) => {
	const sb = await startSandbox({
		profile: 'recent',
		faults: {first_account_test_403: true, gateway_503_count: 1},
	});
	t.teardown(() => sb.close());
	const c = keyClient(sb);
	const up = sb.info.upstreams.deepseek!;
	const g = await c.createGroup({name: 'crm-f', platform: 'openai', rate_multiplier: 1});
	const a = await c.createAccount(
		{
			name: 'crm-f-a',
			platform: 'openai',
			type: 'apikey',
			credentials: {
				api_key: up.api_key,
				base_url: up.base_url,
				model_mapping: {'deepseek-flash': 'deepseek-flash'},
			},
			extra: {openai_responses_mode: 'force_chat_completions'},
			group_ids: [g.id],
		},
		{idempotencyKey: 'f-1'},
	);
	const first = await c.testAccount(a.id, 'deepseek-flash');
	t.false(first.ok);
	t.is(first.status, 403);
	t.true((await c.testAccount(a.id, 'deepseek-flash')).ok);
	const u = await c.createUser({email: 'f@crm.invalid', password: 'pw-123456', balance: 1, concurrency: 1});
	const user = new UserClient({baseUrl: sb.info.host_url, email: u.email, password: 'pw-123456'});
	const k = await user.createKey({name: 'k', group_id: g.id});
	const gw = new GatewayClient({baseUrl: sb.info.host_url, apiKey: k.key!});
	const e = await errorOf(t, gw.chat({model: 'deepseek-flash'}));
	t.is(e.status, 503);
	t.is((await gw.chat({model: 'deepseek-flash'})).status, 200);
});
