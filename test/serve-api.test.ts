// `crm serve` routes against the sandbox, through the built CLI on a free port: the token (401 without
// it, constant-time compare, cookie exchange), reads in the CLI's shapes, bad bodies (400 naming the
// field), the 1 MiB limit (413), unknown things (404), a locked data folder (409 naming the holder, or
// waiting with ?wait_s=), the OpenAPI 3.1 document (validated by a validator package, every route
// listed), the request log (route pattern, never a body or token), serve.json while it runs.
import test from 'ava';
import {existsSync, readFileSync, statSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {Validator} from '@seriousme/openapi-schema-validator';
import {acquireLock} from '../source/store/lock.js';
import {dataPaths} from '../source/store/paths.js';
import {parseJson, runCli, tempDataDir} from './helpers/cli.js';
import {hostEnv} from './helpers/host-env.js';
import {scanForSecrets} from './helpers/scan.js';
import {seen, startService} from './helpers/serve.js';

const ROUTES: Array<[string, string]> = [
	['get', '/healthz'],
	['get', '/openapi.json'],
	['get', '/'],
	['get', '/api/v1/packs'],
	['get', '/api/v1/hosts'],
	['get', '/api/v1/hosts/{host}'],
	['get', '/api/v1/status'],
	['get', '/api/v1/batches'],
	['get', '/api/v1/batches/{id}'],
	['get', '/api/v1/resources'],
	['get', '/api/v1/batches/{id}/events'],
	['post', '/api/v1/imports'],
	['get', '/api/v1/imports'],
	['get', '/api/v1/imports/events'],
	['post', '/api/v1/hosts'],
	['delete', '/api/v1/hosts/{host}'],
	['post', '/api/v1/reconcile'],
	['post', '/api/v1/rollback'],
	['post', '/api/v1/repair'],
	['post', '/api/v1/smoke'],
	['get', '/api/v1/matrix'],
	['get', '/api/v1/health'],
	['get', '/api/v1/batches/{id}/health'],
	['post', '/api/v1/rotate-key'],
	['post', '/api/v1/import-batches'],
	['get', '/api/v1/import-batches/{run}'],
];

test('no token: 401 on every /api/v1 route; wrong token 401; healthz needs none; the token file is 0600', async (t) => {
	const env = await hostEnv(t);
	const svc = await startService(t, env.data);
	t.is(svc.token_file, path.join(env.data, 'serve.token'));
	t.is(statSync(svc.token_file).mode & 0o777, 0o600);
	t.true(svc.token.length >= 32);
	const health = await fetch(`${svc.url}/healthz`);
	t.is(health.status, 200);
	t.like(await health.json(), {ok: true});
	for (const [method, route] of ROUTES.filter(([, r]) => r.startsWith('/api/v1'))) {
		const p = route.replace('{host}', 'sb').replace('{id}', 'b-1').replace('{run}', 'sr-1');
		const bare = await fetch(svc.url + p, {method: method.toUpperCase()});
		t.is(bare.status, 401, `${method} ${p} without a token`);
		const body = (await bare.json()) as any;
		t.is(body.error.kind, 'unauthorized');
		t.is(body.error.field, 'Authorization');
		const wrong = await svc.api(method.toUpperCase(), p, undefined, {
			authorization: `Bearer ${svc.token.slice(0, -1)}x`,
		});
		t.is(wrong.status, 401, `${method} ${p} with a wrong token`);
	}
	// The page's cookie reads (GET) but never changes anything: a POST with only the cookie is refused.
	const cookie = {cookie: `crm_token=${svc.token}`};
	t.is((await fetch(`${svc.url}/api/v1/hosts`, {headers: cookie})).status, 200);
	const posted = await fetch(`${svc.url}/api/v1/reconcile`, {
		method: 'POST',
		headers: {...cookie, 'content-type': 'application/json'},
		body: JSON.stringify({host: 'sb'}),
	});
	t.is(posted.status, 401);
	// A token in the query string is no token for the API (only the page exchanges it once).
	const viaQuery = await fetch(`${svc.url}/api/v1/hosts?token=${svc.token}`);
	t.is(viaQuery.status, 401);
	// CORS is off: no Access-Control-* header, even for a preflight.
	const preflight = await fetch(`${svc.url}/api/v1/hosts`, {
		method: 'OPTIONS',
		headers: {origin: 'https://evil.example', 'access-control-request-method': 'GET'},
	});
	t.is(preflight.headers.get('access-control-allow-origin'), null);
	// The log names routes, never the token.
	t.false(svc.stderr().includes(svc.token));
});

test('reads answer in the CLI JSON shapes: packs, hosts, host, status, batches, batch (404 for unknown)', async (t) => {
	const env = await hostEnv(t);
	const imported = await env.importPack('deepseek');
	t.is(imported.code, 0, imported.stderr);
	const batchId = parseJson(imported).batch_id as string;
	const svc = await startService(t, env.data);
	const cli = async (args: string[]) => parseJson(await env.run([...args, '--json']));

	t.deepEqual((await svc.api('GET', '/api/v1/packs')).json, await cli(['packs']));
	t.deepEqual((await svc.api('GET', '/api/v1/hosts')).json, await cli(['host', 'list']));
	t.deepEqual((await svc.api('GET', '/api/v1/hosts/sb')).json, await cli(['host', 'show', 'sb']));
	t.deepEqual((await svc.api('GET', '/api/v1/status')).json, await cli(['status']));
	t.deepEqual((await svc.api('GET', '/api/v1/status?host=sb')).json, await cli(['status', '--host', 'sb']));
	t.deepEqual((await svc.api('GET', '/api/v1/batches')).json, await cli(['batches']));
	t.deepEqual((await svc.api('GET', '/api/v1/batches?host=sb')).json, await cli(['batches', '--host', 'sb']));
	const byPack = (await svc.api('GET', '/api/v1/batches?pack=kimi')).json;
	t.deepEqual(byPack, {batches: []});
	t.deepEqual(
		(await svc.api('GET', `/api/v1/batches/${batchId}`)).json,
		await cli(['batch', 'show', batchId]),
	);

	const noHost = await svc.api('GET', '/api/v1/hosts/nope');
	t.is(noHost.status, 404);
	t.is(noHost.json.error.field, 'host');
	const noBatch = await svc.api('GET', '/api/v1/batches/b-nope');
	t.is(noBatch.status, 404);
	t.is(noBatch.json.error.kind, 'not_found');
	const noEvents = await svc.api('GET', '/api/v1/batches/b-nope/events');
	t.is(noEvents.status, 404);
	const badFilter = await svc.api('GET', '/api/v1/status?host=nope');
	t.is(badFilter.status, 400);
	t.is(badFilter.json.error.field, 'host');
	const noRoute = await svc.api('GET', '/api/v1/nothing-here');
	t.is(noRoute.status, 404);
	t.is(noRoute.json.error.kind, 'not_found');

	// The request log: one line per call with the route pattern, status and duration.
	const log = svc.stderr();
	t.regex(log, /^GET \/api\/v1\/batches\/:id 200 \d+ ms$/m);
	t.regex(log, /^GET \/api\/v1\/hosts\/:host 404 \d+ ms$/m);
	t.false(log.includes(batchId), 'the log names the route, not the id');
	const leaks = scanForSecrets([env.data], seen, env.secrets(), {allowStateFile: true});
	t.deepEqual(leaks, []);
});

test('bad bodies: 400 naming the field (wrong type, missing, unknown, rows.N, not JSON); nothing changes', async (t) => {
	const env = await hostEnv(t);
	const svc = await startService(t, env.data);
	const key = env.sandbox.info.upstreams.deepseek!.api_key;
	const before = readFileSync(dataPaths(env.data).state, 'utf8');
	const cases: Array<[unknown, string]> = [
		[{host: 'sb', pack: 7, key}, 'pack'],
		[{host: 'sb', key}, 'pack'],
		[{host: 'sb', pack: 'deepseek'}, 'key'],
		[{host: 'sb', pack: 'deepseek', key, access: 'everyone'}, 'access'],
		[{host: 'sb', pack: 'deepseek', key, keep_key: 'yes'}, 'keep_key'],
		[{host: 'sb', pack: 'deepseek', key, surprise: 1}, 'surprise'],
		[{host: 'nope', pack: 'deepseek', key}, 'host'],
		[{host: 'sb', pack: 'nope', key}, 'pack'],
		[{host: 'sb', pack: 'deepseek', key, url: 'ftp://x'}, 'url'],
	];
	for (const [body, field] of cases) {
		const answer = await svc.api('POST', '/api/v1/imports', body);
		t.is(answer.status, 400, JSON.stringify(body));
		t.is(answer.json.error.kind, 'invalid_input');
		t.is(answer.json.error.field, field, answer.text);
		t.true(answer.json.error.message.length > 10);
	}
	const notJson = await svc.api('POST', '/api/v1/imports', '{"host": "sb", ', {
		'content-type': 'application/json',
	});
	t.is(notJson.status, 400);
	t.is(notJson.json.error.field, 'body');
	const waitBad = await svc.api('POST', '/api/v1/imports?wait_s=9999', {host: 'sb', pack: 'deepseek', key});
	t.is(waitBad.status, 400);
	t.is(waitBad.json.error.field, 'wait_s');
	t.is(readFileSync(dataPaths(env.data).state, 'utf8'), before, 'no change to state');
	t.deepEqual(
		env.sandbox.snapshot().groups.filter((g) => g.name.startsWith('crm-')),
		[],
	);
	t.deepEqual(scanForSecrets([env.data], seen, env.secrets(), {allowStateFile: true}), []);
});

test('a body over 1 MiB: 413, before anything runs', async (t) => {
	const env = await hostEnv(t);
	const svc = await startService(t, env.data);
	const big = JSON.stringify({host: 'sb', pack: 'deepseek', key: 'k', url: 'x'.repeat(1024 * 1024)});
	const answer = await svc.api('POST', '/api/v1/imports', big);
	t.is(answer.status, 413);
	t.is(answer.json.error.kind, 'payload_too_large');
	t.is(answer.json.error.field, 'body');
	// Just under the limit is read (and refused for what it says, not for its size).
	const under = JSON.stringify({host: 'sb', pack: 'deepseek', key: 'k', url: 'x'.repeat(1000 * 1000)});
	const ok = await svc.api('POST', '/api/v1/imports', under);
	t.is(ok.status, 400);
});

test('a locked data folder: 409 naming the holder; ?wait_s= waits for it instead', async (t) => {
	const env = await hostEnv(t);
	const svc = await startService(t, env.data);
	const held = await acquireLock(dataPaths(env.data).lock, 'crm import (test holder)');
	const body = {host: 'sb', pack: 'deepseek', key: env.sandbox.info.upstreams.deepseek!.api_key};
	const locked = await svc.api('POST', '/api/v1/imports', body);
	t.is(locked.status, 409, locked.text);
	t.is(locked.json.error.kind, 'state_locked');
	t.regex(locked.json.error.message, new RegExp(`pid ${process.pid} .*crm import \\(test holder\\)`));
	// Reads never take the lock.
	t.is((await svc.api('GET', '/api/v1/status')).status, 200);
	// Waiting: the holder lets go after a moment and the import starts.
	setTimeout(() => held.release(), 700);
	const waited = await svc.api('POST', '/api/v1/imports?wait_s=20', body);
	t.is(waited.status, 202, waited.text);
	t.regex(waited.json.batch_id, /^b\d{8}-/);
});

test('/openapi.json is valid OpenAPI 3.1 and lists every route, with the bearer scheme', async (t) => {
	const env = await hostEnv(t, {}, false);
	const svc = await startService(t, env.data);
	const res = await fetch(svc.openapi_url);
	t.is(res.status, 200);
	const doc = (await res.json()) as any;
	t.is(doc.openapi, '3.1.0');
	const validator = new Validator();
	const result = await validator.validate(doc);
	t.true(result.valid, JSON.stringify(result.errors ?? null, null, 2));
	t.is(validator.version, '3.1');
	const listed = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([p, ops]) =>
		Object.keys(ops).map((m) => `${m} ${p}`),
	);
	for (const [method, route] of ROUTES) t.true(listed.includes(`${method} ${route}`), `${method} ${route}`);
	t.deepEqual(doc.components.securitySchemes.bearer, {
		type: 'http',
		scheme: 'bearer',
		description: doc.components.securitySchemes.bearer.description,
	});
	// The request schema is the one that validates: the import body names its required fields.
	const importBody = doc.paths['/api/v1/imports'].post.requestBody.content['application/json'].schema;
	const schema = importBody.$ref ? doc.components.schemas[importBody.$ref.split('/').pop()] : importBody;
	t.deepEqual([...schema.required].sort(), ['host', 'key', 'pack']);
	t.false(schema.additionalProperties);
});

test('serve.json while it runs; SIGTERM exits 0 and removes it; --listen and --token-file are checked', async (t) => {
	const data = tempDataDir('crm-serve');
	const tokenFile = path.join(data, 'my.token');
	writeFileSync(tokenFile, 'a-token-of-enough-length-0123456789\n', {mode: 0o600});
	const svc = await startService(t, data, ['--token-file', tokenFile]);
	t.is(svc.token, 'a-token-of-enough-length-0123456789');
	t.is(svc.token_file, tokenFile);
	t.false(existsSync(path.join(data, 'serve.token')));
	const record = JSON.parse(readFileSync(path.join(data, 'serve.json'), 'utf8'));
	t.is(record.url, svc.url);
	t.is(record.pid, svc.child.pid);
	t.is(svc.stdout().trim().split('\n').length, 1, 'one JSON line on stdout');
	// A second service on the same data folder is refused (exit 4, naming the first).
	const second = await runCli(['serve', '--listen', '127.0.0.1:0', '--data', data, '--json']);
	t.is(second.code, 4);
	t.regex(parseJson(second).error.message, new RegExp(`pid ${svc.child.pid}`));
	t.is(await svc.stop('SIGTERM'), 0);
	t.false(existsSync(path.join(data, 'serve.json')));

	const remote = await runCli(['serve', '--listen', '0.0.0.0:0', '--data', data, '--json']);
	t.is(remote.code, 2);
	t.is(parseJson(remote).error.field, '--listen');
	t.regex(parseJson(remote).error.message, /--allow-remote/);
	const garbled = await runCli(['serve', '--listen', 'localhost', '--data', data, '--json']);
	t.is(garbled.code, 2);
	t.is(parseJson(garbled).error.field, '--listen');
	writeFileSync(tokenFile, 'short\n');
	const shortToken = await runCli([
		'serve',
		'--listen',
		'127.0.0.1:0',
		'--data',
		data,
		'--token-file',
		tokenFile,
		'--json',
	]);
	t.is(shortToken.code, 2);
	t.is(parseJson(shortToken).error.field, '--token-file');
	t.false(shortToken.stdout.includes('short'));
});

test('--listen 0.0.0.0:0 --allow-remote: reached through 127.0.0.1 (nothing leaves the machine), the token still required on every /api/v1 route', async (t) => {
	const env = await hostEnv(t);
	const svc = await startService(t, env.data, ['--listen', '0.0.0.0:0', '--allow-remote']);
	const {hostname, port} = new URL(svc.url);
	t.is(hostname, '0.0.0.0', 'it listens on every address');
	t.true(Number(port) > 0);
	const local = `http://127.0.0.1:${port}`;
	t.is((await fetch(`${local}/healthz`)).status, 200);
	for (const [method, route] of ROUTES.filter(([, r]) => r.startsWith('/api/v1'))) {
		const p = route.replace('{host}', 'sb').replace('{id}', 'b-1').replace('{run}', 'sr-1');
		const bare = await fetch(local + p, {method: method.toUpperCase()});
		t.is(bare.status, 401, `${method} ${p} without a token`);
		t.is(((await bare.json()) as any).error.kind, 'unauthorized');
	}
	const wrong = await fetch(`${local}/api/v1/status`, {headers: {authorization: `Bearer ${'x'.repeat(43)}`}});
	t.is(wrong.status, 401);
	const page = await fetch(`${local}/`);
	t.is(page.status, 401, 'the status page needs the token too');
	const right = await fetch(`${local}/api/v1/hosts`, {headers: {authorization: `Bearer ${svc.token}`}});
	t.is(right.status, 200);
	t.deepEqual(
		((await right.json()) as any).hosts.map((h: any) => h.name),
		['sb'],
	);
	t.is(await svc.stop('SIGTERM'), 0);
	t.false(svc.stderr().includes(svc.token), 'the token is never logged');
});
