import test from 'ava';
import {createServer} from 'node:http';
import {once} from 'node:events';
import type {AddressInfo} from 'node:net';
import {startSandbox} from '../source/sandbox/index.js';
import {parseJson, runCli, startCli, tempDataDir} from './helpers/cli.js';
import {hostEnv} from './helpers/host-env.js';

test('recent host with an admin key: saved with its capabilities', async (t) => {
	const env = await hostEnv(t, {}, false);
	const r = await env.run([
		'host',
		'add',
		'--name',
		'prod-1',
		'--url',
		env.sandbox.info.host_url,
		'--admin-key-env',
		'CRM_ADMIN_KEY',
		'--json',
	]);
	t.is(r.code, 0, r.stderr);
	const doc = parseJson(r);
	t.deepEqual(Object.keys(doc).sort(), [
		'auth_type',
		'capabilities',
		'gateway_url',
		'host_id',
		'name',
		'url',
		'version',
	]);
	t.is(doc.gateway_url, env.sandbox.info.host_url, 'the gateway address defaults to the admin address');
	t.is(doc.auth_type, 'admin_api_key');
	for (const cap of [
		'chat_completions',
		'compliance',
		'step_up_writes',
		'turnstile',
		'backend_mode',
		'admin_key_creation',
		'sandbox',
	]) {
		t.is(typeof doc.capabilities[cap], 'boolean', cap);
	}
	t.true(doc.capabilities.chat_completions);
	t.true(doc.capabilities.sandbox);
	const list = parseJson(await env.run(['host', 'list', '--json']));
	t.is(list.hosts[0].host_id, doc.host_id);
	t.false(JSON.stringify(list).includes(env.sandbox.info.admin_api_key), 'the credential is never printed');
	const dup = await env.run([
		'host',
		'add',
		'--name',
		'prod-1',
		'--url',
		env.sandbox.info.host_url,
		'--admin-key-env',
		'CRM_ADMIN_KEY',
		'--json',
	]);
	t.is(dup.code, 2);
	t.is(parseJson(dup).error.field, '--name');
});

test('gated host: login with 2FA and the compliance acknowledgement only when the operator accepts', async (t) => {
	const env = await hostEnv(t, {profile: 'gated'}, false);
	const login = [
		'--email',
		env.sandbox.info.admin_email,
		'--password-env',
		'CRM_ADMIN_PASSWORD',
		'--totp-env',
		'TOTP',
	];
	const totp = {TOTP: env.sandbox.info.admin_totp_code};
	const refused = await env.run(
		['host', 'add', '--name', 'g', '--url', env.sandbox.info.host_url, ...login, '--json'],
		totp,
	);
	t.is(refused.code, 1);
	const message = parseJson(refused).error.message;
	t.regex(
		message,
		/I have read, understood, and agree to the Sub2API Deployment and Operation Compliance Commitment/,
	);
	t.regex(message, /document: https?:\/\//);
	t.deepEqual(parseJson(await env.run(['host', 'list', '--json'])).hosts, [], 'nothing saved');
	t.deepEqual(
		env.sandbox.snapshot().compliance_acknowledged_user_ids,
		[],
		"never accepted on the operator's behalf",
	);

	const accepted = await env.run(
		[
			'host',
			'add',
			'--name',
			'g',
			'--url',
			env.sandbox.info.host_url,
			...login,
			'--accept-compliance',
			'--json',
		],
		totp,
	);
	t.is(accepted.code, 0, accepted.stderr);
	const doc = parseJson(accepted);
	t.is(doc.auth_type, 'login');
	t.true(doc.capabilities.step_up_writes);
	t.false(doc.capabilities.compliance);

	// The gated host imports end to end with the TOTP code for step-up.
	const up = env.sandbox.info.upstreams.deepseek!;
	const imp = await env.run(
		[
			'import',
			'--host',
			'g',
			'--pack',
			'deepseek',
			'--url',
			up.base_url,
			'--key-env',
			'KEY_DEEPSEEK',
			'--totp-env',
			'TOTP',
			'--json',
		],
		totp,
	);
	t.is(imp.code, 0, imp.stderr);
	t.is(parseJson(imp).access_status, 'subscription_ready');
});

test('gated host with an admin API key: the import explains that writes need a 2FA session', async (t) => {
	const env = await hostEnv(t, {profile: 'gated'}, false);
	// The compliance gate is accepted by the operator first.
	const r = await env.run([
		'host',
		'add',
		'--name',
		'sb',
		'--url',
		env.sandbox.info.host_url,
		'--admin-key-env',
		'CRM_ADMIN_KEY',
		'--accept-compliance',
		'--json',
	]);
	t.is(r.code, 0, r.stderr);
	t.true(parseJson(r).capabilities.step_up_writes);
	const imp = await env.importPack('deepseek');
	t.is(imp.code, 1);
	const out = parseJson(imp);
	t.is(out.failure_class, 'host_auth_issue');
	t.regex(out.steps.find((s: any) => s.name === 'host_probe').message, /--email\/--password-env\/--totp-env/);
	t.deepEqual(out.resources, []);
});

test('old host: saved, with a capability record that says chat completions are missing', async (t) => {
	const env = await hostEnv(t, {profile: 'old'}, false);
	const r = await env.run([
		'host',
		'add',
		'--name',
		'old',
		'--url',
		env.sandbox.info.host_url,
		'--admin-key-env',
		'CRM_ADMIN_KEY',
		'--json',
	]);
	t.is(r.code, 0, r.stderr);
	t.false(parseJson(r).capabilities.chat_completions);
	t.is(parseJson(r).version, '0.1.1');
});

async function refusedWith(t: any, url: string, env: Record<string, string>, pattern: RegExp) {
	const data = tempDataDir();
	const r = await runCli(
		['host', 'add', '--name', 'x', '--url', url, '--admin-key-env', 'K', '--data', data, '--json'],
		{env: {K: 'admin-wrong', ...env}},
	);
	t.is(r.code, 1, r.stderr);
	t.regex(parseJson(r).error.message, pattern);
	t.true(r.ms < 20_000);
	t.deepEqual(parseJson(await runCli(['host', 'list', '--json', '--data', data])).hosts, []);
}

test('a wrong key, a closed port and a server that is not sub2api: exit 1 with the reason, nothing saved', async (t) => {
	const sandbox = await startSandbox();
	t.teardown(() => sandbox.close());
	await refusedWith(t, sandbox.info.host_url, {}, /refused the admin credential \(INVALID_ADMIN_KEY/);

	const closed = createServer();
	closed.listen(0, '127.0.0.1');
	await once(closed, 'listening');
	const port = (closed.address() as AddressInfo).port;
	closed.close();
	await refusedWith(t, `http://127.0.0.1:${port}`, {}, /cannot reach/);

	const web = createServer((_req, res) => {
		res.writeHead(200, {'content-type': 'text/html'});
		res.end('<!doctype html><html><body>a blog</body></html>');
	});
	web.listen(0, '127.0.0.1');
	await once(web, 'listening');
	t.teardown(() => web.close());
	await refusedWith(
		t,
		`http://127.0.0.1:${(web.address() as AddressInfo).port}`,
		{},
		/does not answer like a sub2api host/,
	);
});

test('crm sandbox prints one ready line and stops within a second of SIGTERM', async (t) => {
	const child = startCli(['sandbox', '--profile', 'recent']);
	let out = '';
	child.stdout!.on('data', (d) => (out += d));
	while (!out.includes('\n')) await once(child.stdout!, 'data');
	const info = JSON.parse(out.trim());
	t.deepEqual(Object.keys(info).sort(), [
		'admin_api_key',
		'admin_email',
		'admin_password',
		'admin_totp_code',
		'control_url',
		'host_url',
		'upstreams',
	]);
	t.regex(info.host_url, /^http:\/\/127\.0\.0\.1:\d+$/);
	const health = await fetch(`${info.host_url}/health`);
	t.is(health.status, 200);
	const started = Date.now();
	child.kill('SIGTERM');
	const [code] = await once(child, 'exit');
	t.is(code, 0);
	t.true(Date.now() - started < 3000, 'stops within 1 s (3x margin)');
});
