// Two addresses per host (docs/domain.md rule 13): the smoke goes through the gateway address, as a
// user would, and falls back to the admin address with a warning when this machine cannot reach it;
// CRM_HOST_BASE overrides the admin address for one run; cleartext http:// to an address that is not
// this machine is refused (exit 2 naming the flag, nothing sent) unless allowed for that host.
import test from 'ava';
import {readFileSync} from 'node:fs';
import {createServer} from 'node:net';
import {hostEnv, parseJson} from './helpers/host-env.js';

/** A port nothing listens on (bound, then closed). */
async function closedPort(): Promise<number> {
	const server = createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const {port} = server.address() as {port: number};
	await new Promise<void>((resolve) => server.close(() => resolve()));
	return port;
}

const hostAdd = (url: string, extra: string[] = []) => [
	'host',
	'add',
	'--name',
	'sb',
	'--url',
	url,
	'--admin-key-env',
	'CRM_ADMIN_KEY',
	'--json',
	...extra,
];

test('host add --gateway-url: the smoke goes through the gateway address; status, host show and the import say so', async (t) => {
	const env = await hostEnv(t, {}, false);
	const {host_url: admin, gateway_url: gateway} = env.sandbox.info;
	const added = await env.run(hostAdd(admin, ['--gateway-url', gateway]));
	t.is(added.code, 0, added.stderr);
	t.is(parseJson(added).url, admin);
	t.is(parseJson(added).gateway_url, gateway);

	const result = await env.importPack('deepseek');
	t.is(result.code, 0, result.stderr);
	const r = parseJson(result);
	t.is(r.gateway_used, gateway);
	t.deepEqual(r.warnings, []);
	const log = env.sandbox.requestLog();
	// (the host probe asks the admin address whether the route exists, without a key: not a smoke)
	const smoke = log.filter((l) => l.path === '/v1/chat/completions' && l.status === 200);
	t.true(smoke.length > 0);
	t.true(
		smoke.every((l) => l.via === 'gateway'),
		'the smoke completion came in on the gateway address',
	);
	t.true(
		log.filter((l) => l.path.startsWith('/api/v1/admin/')).every((l) => l.via === 'admin'),
		'admin calls use the admin address',
	);

	const show = parseJson(await env.run(['host', 'show', 'sb', '--json']));
	t.is(show.url, admin);
	t.is(show.gateway_url, gateway);
	t.false(show.allow_insecure_http);
	const human = await env.run(['host', 'show', 'sb']);
	t.regex(human.stdout, new RegExp(`admin url: +${admin}`));
	t.regex(human.stdout, new RegExp(`gateway url: +${gateway}`));
	const status = parseJson(await env.run(['status', '--json']));
	t.is(status.hosts[0].url, admin);
	t.is(status.hosts[0].gateway_url, gateway);
	const summary = readFileSync(`${r.artifacts_dir}/summary.json`, 'utf8');
	t.true(summary.includes(`"gateway_used": "${gateway}"`), 'the evidence names the address the smoke used');
});

test('an unreachable gateway address: the smoke falls back to the admin address with a warning', async (t) => {
	const env = await hostEnv(t, {faults: {gateway_down: true}}, false);
	const {host_url: admin, gateway_url: gateway} = env.sandbox.info;
	t.is((await env.run(hostAdd(admin, ['--gateway-url', gateway]))).code, 0);
	const result = await env.importPack('deepseek');
	t.is(result.code, 0, result.stderr);
	const r = parseJson(result);
	t.is(r.batch_status, 'succeeded');
	t.is(r.provider_status, 'active', 'a fallback is a warning, not a status');
	t.is(r.gateway_used, admin);
	t.deepEqual(
		r.warnings.map((w: any) => w.code),
		['gateway_fallback'],
	);
	t.regex(result.stderr, new RegExp(`gateway address ${gateway} could not be reached`));
	const smoke = r.steps.find((s: any) => s.name === 'access_smoke');
	t.is(smoke.status, 'warn');
	t.regex(smoke.message, /through the admin address/);
	t.true(
		env.sandbox
			.requestLog()
			.some((l) => l.path === '/v1/chat/completions' && l.via === 'admin' && l.status === 200),
	);
});

test('host set: a new gateway address, auto-pause, and bad values exit 2 naming the flag', async (t) => {
	const env = await hostEnv(t);
	const {host_url: admin, gateway_url: gateway} = env.sandbox.info;
	const set = await env.run(['host', 'set', 'sb', '--gateway-url', gateway, '--auto-pause', 'on', '--json']);
	t.is(set.code, 0, set.stderr);
	const doc = parseJson(set);
	t.is(doc.host.gateway_url, gateway);
	t.deepEqual(doc.host.auto_pause, {enabled: true, pause_after: 3});
	t.deepEqual(
		doc.changed.map((c: any) => c.field),
		['gateway_url', 'auto_pause'],
	);
	const imported = parseJson(await env.importPack('step'));
	t.is(imported.gateway_used, gateway);
	// Back to the default: the admin address.
	const reset = parseJson(await env.run(['host', 'set', 'sb', '--gateway-url', admin, '--json']));
	t.is(reset.host.gateway_url, admin);

	const state = () => readFileSync(`${env.data}/state.json`, 'utf8');
	const before = state();
	for (const [args, field] of [
		[[], 'HOST'],
		[['--auto-pause', 'maybe'], '--auto-pause'],
		[['--pause-after', '0'], '--pause-after'],
		[['--gateway-url', 'ftp://x.example'], '--gateway-url'],
		[['--gateway-url', 'http://0.0.0.0:1'], '--gateway-url'],
	] as Array<[string[], string]>) {
		const bad = await env.run(['host', 'set', 'sb', ...args, '--json']);
		t.is(bad.code, 2, `${args.join(' ')}: ${bad.stderr}`);
		t.is(parseJson(bad).error.field, field);
	}
	t.is(state(), before, 'state.json unchanged by refused input');
	const unknown = await env.run(['host', 'set', 'nope', '--auto-pause', 'on', '--json']);
	t.is(unknown.code, 2);
});

test('CRM_HOST_BASE overrides the admin address for one run, and is checked like --url', async (t) => {
	const env = await hostEnv(t);
	const closed = `http://127.0.0.1:${await closedPort()}`;
	const down = await env.run(['reconcile', '--host', 'sb', '--json'], {CRM_HOST_BASE: closed});
	t.is(down.code, 1, 'the override is what the run used');
	t.regex(down.stderr, /ECONNREFUSED/);
	const up = await env.run(['reconcile', '--host', 'sb', '--json'], {
		CRM_HOST_BASE: env.sandbox.info.host_url,
	});
	t.is(up.code, 0, up.stderr);
	const show = parseJson(
		await env.run(['host', 'show', 'sb', '--json'], {CRM_HOST_BASE: env.sandbox.info.host_url}),
	);
	t.is(show.admin_url_override, env.sandbox.info.host_url);

	const logged = env.sandbox.requestLog().length;
	for (const value of ['not a url', 'http://0.0.0.0:9']) {
		const refused = await env.run(
			['import', '--host', 'sb', '--pack', 'deepseek', '--key-env', 'KEY_DEEPSEEK', '--json'],
			{CRM_HOST_BASE: value},
		);
		t.is(refused.code, 2, refused.stderr);
		t.is(parseJson(refused).error.field, 'CRM_HOST_BASE');
	}
	t.is(env.sandbox.requestLog().length, logged, 'nothing was sent');
	t.deepEqual(parseJson(await env.run(['batches', '--json'])).batches, [], 'no batch was made');
});

test('cleartext http:// to an address that is not this machine: exit 2 naming the flag, nothing sent, unless allowed', async (t) => {
	const env = await hostEnv(t, {}, false);
	const port = new URL(env.sandbox.info.host_url).port;
	const gwPort = new URL(env.sandbox.info.gateway_url).port;
	// 0.0.0.0 reaches this machine's listeners, but is not a loopback address: if anything were
	// sent, the sandbox's request log would show it.
	const insecure = `http://0.0.0.0:${port}`;
	const refused = await env.run(hostAdd(insecure));
	t.is(refused.code, 2);
	const error = parseJson(refused).error;
	t.is(error.field, '--url');
	t.regex(error.message, /cleartext http:\/\/.*--allow-insecure-http/);
	const gw = await env.run(hostAdd(env.sandbox.info.host_url, ['--gateway-url', `http://0.0.0.0:${gwPort}`]));
	t.is(gw.code, 2);
	t.is(parseJson(gw).error.field, '--gateway-url');
	t.deepEqual(env.sandbox.requestLog(), [], 'nothing was sent to the host');

	const allowed = await env.run(hostAdd(insecure, ['--allow-insecure-http']));
	t.is(allowed.code, 0, allowed.stderr);
	const show = parseJson(await env.run(['host', 'show', 'sb', '--json']));
	t.true(show.allow_insecure_http);
	t.regex((await env.run(['host', 'show', 'sb'])).stdout, /cleartext: +http:\/\/ allowed for this host/);
	t.true(env.sandbox.requestLog().length > 0);
	// Loopback http:// needs no permission (every other test registers http://127.0.0.1).
});
