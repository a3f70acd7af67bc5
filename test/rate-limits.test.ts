// A host's rate limits (docs/domain.md "The host": logins 20/min and refreshes 30/min per client, a normal
// user's JWT calls 240/min per user; 429 RATE_LIMITED with Retry-After): the sandbox enforces them as
// the host does, with limits a test can make small; the host client paces every request of a limit
// once the host refused one; and a batch far larger than a limit ends with every good row ready.
import test from 'ava';
import {chmodSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {UserClient} from '../source/host/user-client.js';
import {HostClient} from '../source/host/client.js';
import type {RateWait} from '../source/host/rate-gate.js';
import {startSandbox, type SandboxHandle} from '../source/sandbox/index.js';
import {tempDataDir} from './helpers/cli.js';
import {hostEnv, parseJson} from './helpers/host-env.js';

const UA = 'crm-rate-test';

async function call(
	sb: SandboxHandle,
	method: string,
	p: string,
	body?: unknown,
	headers: Record<string, string> = {},
): Promise<{status: number; retryAfter: string | null; json: any}> {
	const res = await fetch(`${sb.info.host_url}${p}`, {
		method,
		headers: {'content-type': 'application/json', 'user-agent': UA, ...headers},
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	return {status: res.status, retryAfter: res.headers.get('retry-after'), json: await res.json()};
}

const admin = (sb: SandboxHandle) => ({'x-api-key': sb.info.admin_api_key});

async function makeUser(sb: SandboxHandle, n: number): Promise<{email: string; password: string}> {
	const email = `rate-${n}@crm.invalid`;
	const password = `pw-rate-user-${n}`;
	const made = await call(sb, 'POST', '/api/v1/admin/users', {email, password, balance: 1}, admin(sb));
	if (made.status !== 200) throw new Error(`user create: ${JSON.stringify(made.json)}`);
	return {email, password};
}

const login = (sb: SandboxHandle, u: {email: string; password: string}) =>
	call(sb, 'POST', '/api/v1/auth/login', u);

function expectLimited(t: any, r: {status: number; retryAfter: string | null; json: any}, windowS: number) {
	t.is(r.status, 429);
	t.is(r.json.code, 'RATE_LIMITED');
	const after = Number(r.retryAfter);
	t.true(Number.isInteger(after) && after >= 1 && after <= windowS, `Retry-After ${r.retryAfter}`);
}

/** Waits until the start of the next window of `windowMs` (windows are aligned to the clock). */
const nextWindow = (windowMs: number) =>
	new Promise((resolve) => setTimeout(resolve, windowMs - (Date.now() % windowMs) + 20));

test('the sandbox enforces login, refresh and per-user limits per window; admins are exempt', async (t) => {
	const windowMs = 4000;
	const sb = await startSandbox({rateLimits: {login: 2, refresh: 1, user: 2, window_ms: windowMs}});
	t.teardown(() => sb.close());
	t.deepEqual(sb.snapshot().rate_limits, {login: 2, refresh: 1, user: 2, window_ms: windowMs});
	const user = await makeUser(sb, 1);
	await nextWindow(windowMs);

	const first = await login(sb, user);
	t.is(first.status, 200);
	const token = {authorization: `Bearer ${first.json.data.access_token}`};
	t.is((await call(sb, 'GET', '/api/v1/keys', undefined, token)).status, 200);
	t.is((await call(sb, 'GET', '/api/v1/keys', undefined, token)).status, 200);
	expectLimited(t, await call(sb, 'GET', '/api/v1/keys', undefined, token), windowMs / 1000);

	const refreshed = await call(sb, 'POST', '/api/v1/auth/refresh', {
		refresh_token: first.json.data.refresh_token,
	});
	t.is(refreshed.status, 200);
	expectLimited(
		t,
		await call(sb, 'POST', '/api/v1/auth/refresh', {refresh_token: refreshed.json.data.refresh_token}),
		windowMs / 1000,
	);

	// An admin's JWT calls are not counted (exempt by default); its login is (per client address).
	const adminLogin = await login(sb, {email: sb.info.admin_email, password: sb.info.admin_password});
	t.is(adminLogin.status, 200);
	const adminToken = {authorization: `Bearer ${adminLogin.json.data.access_token}`};
	for (let i = 0; i < 5; i++)
		t.is((await call(sb, 'GET', '/api/v1/keys', undefined, adminToken)).status, 200);
	expectLimited(t, await login(sb, user), windowMs / 1000);
	t.like(sb.snapshot().rate_limited, {login: 1, refresh: 1, user: 1});

	// The next window takes requests again.
	await nextWindow(windowMs);
	t.is((await login(sb, user)).status, 200);
});

test('the old build has no login or panel limits', async (t) => {
	const sb = await startSandbox({profile: 'old'});
	t.teardown(() => sb.close());
	const user = await makeUser(sb, 2);
	for (let i = 0; i < 25; i++) t.is((await login(sb, user)).status, 200, `login ${i + 1}`);
	t.deepEqual(sb.snapshot().rate_limited, {});
});

test('host clients pace through a login limit: every login answers and each wait is reported', async (t) => {
	const windowMs = 1500;
	const sb = await startSandbox({rateLimits: {login: 2, window_ms: windowMs}});
	t.teardown(() => sb.close());
	const users = await Promise.all([3, 4, 5, 6, 7, 8].map((n) => makeUser(sb, n)));
	await nextWindow(windowMs);
	const waits: RateWait[] = [];
	const clients = users.map(
		(u) =>
			new UserClient({
				baseUrl: sb.info.host_url,
				email: u.email,
				password: u.password,
				userAgent: UA,
				timeoutMs: 5000,
				onRateWait: (w) => waits.push(w),
			}),
	);
	const started = Date.now();
	await Promise.all(clients.map((c) => c.login()));
	t.true(
		clients.every((c) => c.session?.access_token),
		'every user has a session',
	);
	// Six logins at two per window take at least two more windows.
	t.true(Date.now() - started >= windowMs, `took ${Date.now() - started} ms`);
	t.true(waits.length > 0 && waits.every((w) => w.bucket === 'login' && w.waitMs > 0));
	t.true(waits.some((w) => w.reason === 'retry-after'));
	// Once refused, the others wait for the window instead of knocking: few refusals, not one per try.
	const refused = sb.snapshot().rate_limited.login ?? 0;
	t.true(refused >= 1 && refused <= users.length, `refused ${refused}`);

	// A caller that asks for no retries gets the 429 as it is.
	await nextWindow(windowMs);
	sb.setFaults({admin_429: 1});
	const strict = new HostClient({
		baseUrl: sb.info.host_url,
		auth: {type: 'admin_api_key', key: sb.info.admin_api_key},
		retries: 0,
	});
	const error = await t.throwsAsync(() => strict.listGroups());
	t.regex(String(error?.message), /429|rate/i);
});

test('a batch far larger than the login limit, with admin 429s: every row ready, the waits shown', async (t) => {
	t.timeout(300_000);
	const windowMs = 2000;
	const env = await hostEnv(t, {rateLimits: {login: 2, window_ms: windowMs}});
	const up = (pack: string) => env.sandbox.info.upstreams[pack]!;
	// Ten import identities (five providers, both access modes): five times the login limit.
	const lines = ['url,key,pack,access'];
	for (const pack of ['deepseek', 'kimi', 'minimax', 'glm', 'step'])
		for (const access of ['subscription', 'self_service'])
			lines.push(`${up(pack).base_url},${up(pack).api_key},${pack},${access}`);
	const file = path.join(tempDataDir('crm-rate-file'), 'rows.csv');
	writeFileSync(file, lines.join('\n') + '\n', {mode: 0o600});
	chmodSync(file, 0o600);
	env.sandbox.setFaults({admin_429: 3});
	const run = await env.run(['import-batch', '--host', 'sb', '--file', file, '--concurrency', '4', '--json']);
	t.is(run.code, 0, run.stderr);
	const doc = parseJson(run);
	t.like(doc.totals, {succeeded: 10, failed: 0, skipped: 0});
	for (const r of doc.results) {
		t.is(r.batch_status, 'succeeded', `line ${r.line}: ${r.message}`);
		t.not(r.failure_class, 'unknown');
	}
	const snap = env.sandbox.snapshot();
	t.true((snap.rate_limited.login ?? 0) > 0, 'the login limit was really reached');
	t.is(snap.faults.admin_429, 0, 'the admin 429s were all answered');
	t.regex(run.stderr, /the host asked to wait \d+ s \(its (login|admin) rate limit\)/);
});
