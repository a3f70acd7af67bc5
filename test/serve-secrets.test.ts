// Secrets that enter through the service (docs/cli.md, Service; docs/domain.md, Secrets) while the host
// and the upstream echo them back: `POST /api/v1/hosts` with an admin key that is not shaped like an
// admin key while the sandbox host quotes it in its 401, and an import over HTTP with a provider key of
// no known shape while the upstream quotes it in a 500. Each echo is first seen to happen (a direct
// request gets the key back), then every answer, every SSE event (the batch's stream and the imports
// stream), the service's request log and the data folder (state.json excepted) are scanned for each
// key raw, JSON-escaped, URL-encoded and base64.
import test from 'ava';
import {readFileSync} from 'node:fs';
import path from 'node:path';
import {hostEnv} from './helpers/host-env.js';
import {guardFile} from './helpers/leak-guard.js';
import {scanForSecrets} from './helpers/scan.js';
import {readEvents, seen, startService} from './helpers/serve.js';

const guard = guardFile(test, 'serve-secrets');

/** Neither admin-, sk- nor JWT-shaped; a quote, a backslash and URL-special characters. */
const ODD_ADMIN_KEY = 'Zq"odd\\adminkey/+=%&9-not-admin-shaped';
const ODD_PROVIDER_KEY = 'pv"7a6b5c4d\\3e2f.Plus+Slash/Percent%key';
/** How a key appears inside a JSON answer. */
const jsonForm = (key: string) => JSON.stringify(key).slice(1, -1);

test('an admin key echoed by a host 401 and a provider key echoed by an upstream 500, both entering over HTTP: in no answer, event, request log or data file', async (t) => {
	const env = await hostEnv(t);
	guard.dir(env.data);
	guard.secrets(...env.secrets(), ODD_ADMIN_KEY, ODD_PROVIDER_KEY);
	const svc = await startService(t, env.data);
	// The imports stream is open from the start, so it sees the import begin and end.
	let opened: () => void = () => {};
	const open = new Promise<void>((resolve) => (opened = resolve));
	const importsStream = readEvents(`${svc.url}/api/v1/imports/events`, svc.token, {
		until: (e) => e.event === 'import' && JSON.parse(e.data).state === 'finished',
		onOpen: opened,
	});
	importsStream.catch(() => {}); // awaited below; a test that fails early must not leave it unhandled
	await open;

	// 1. The host quotes the admin key it was given in its 401.
	env.sandbox.setFaults({host_401_echo: true});
	const direct = await fetch(`${env.sandbox.info.host_url}/api/v1/admin/groups`, {
		headers: {'x-api-key': ODD_ADMIN_KEY},
	});
	t.is(direct.status, 401);
	t.true((await direct.text()).includes(jsonForm(ODD_ADMIN_KEY)), 'the fault really echoes the key');
	const refused = await svc.api('POST', '/api/v1/hosts', {
		name: 'other',
		url: env.sandbox.info.host_url,
		admin_key: ODD_ADMIN_KEY,
	});
	t.is(refused.status, 500, refused.text);
	t.is(refused.json.error.kind, 'host_error');
	t.regex(refused.json.error.message, /Invalid admin API key: \[redacted\]/, 'the echo arrived, redacted');
	t.deepEqual(
		(await svc.api('GET', '/api/v1/hosts')).json.hosts.map((h: any) => h.name),
		['sb'],
		'nothing saved',
	);
	env.sandbox.setFaults({host_401_echo: false});

	// 2. The upstream quotes the provider key in a 500, during an import started over HTTP.
	env.sandbox.setFaults({upstream: {deepseek: 'echo_key'}});
	const upstream = env.sandbox.info.upstreams.deepseek!;
	const echoed = await fetch(`${upstream.base_url}/models`, {
		headers: {authorization: `Bearer ${ODD_PROVIDER_KEY}`},
	});
	t.is(echoed.status, 500);
	t.true((await echoed.text()).includes(jsonForm(ODD_PROVIDER_KEY)), 'the fault really echoes the key');
	const started = await svc.api('POST', '/api/v1/imports', {
		host: 'sb',
		pack: 'deepseek',
		url: upstream.base_url,
		key: ODD_PROVIDER_KEY,
		continue_on_upstream_failure: true,
	});
	t.is(started.status, 202, started.text);
	const batchId = started.json.batch_id as string;
	const stream = await readEvents(svc.url + started.json.events_url, svc.token);
	t.is(stream.status, 200);
	const end = stream.events.at(-1)!;
	t.is(end.event, 'end');
	const output = JSON.parse(end.data);
	t.is(output.batch_id, batchId);
	// Past the upstream probe (continue_on_upstream_failure), the smoke through the host's gateway
	// meets the same echo.
	t.like(output, {
		batch_status: 'failed',
		failure_class: 'upstream_unavailable',
		stopped_at_step: 'access_smoke',
	});
	t.true(
		stream.events.some((e) => e.data.includes('[redacted]')),
		'the echo reached the step events, redacted',
	);
	const batchFile = readFileSync(path.join(env.data, 'batches', `${batchId}.json`), 'utf8');
	t.regex(batchFile, /while checking key \[redacted\]/, 'the echo reached the batch file, redacted');
	// Every read the service answers about it.
	for (const route of [
		`/api/v1/batches/${batchId}`,
		'/api/v1/batches',
		'/api/v1/status',
		'/api/v1/imports',
		`/api/v1/resources?host=sb`,
	])
		t.is((await svc.api('GET', route)).status, 200, route);
	const replay = await readEvents(svc.url + started.json.events_url, svc.token);
	t.is(replay.events.at(-1)!.event, 'end');
	const imports = await importsStream;
	t.deepEqual(
		imports.events.map((e) => [e.event, JSON.parse(e.data).batch_id, JSON.parse(e.data).state]),
		[
			['import', batchId, 'running'],
			['import', batchId, 'finished'],
		],
	);

	t.is(await svc.stop('SIGTERM'), 0);
	const log = svc.stderr();
	t.regex(log, /POST \/api\/v1\/hosts 500/, 'the request log has the refused registration');
	t.regex(log, /POST \/api\/v1\/imports 202/);
	const leaks = scanForSecrets(
		[env.data],
		[...seen, log, svc.stdout()],
		[ODD_ADMIN_KEY, ODD_PROVIDER_KEY, ...env.secrets()],
		{allowStateFile: true},
	);
	t.deepEqual(leaks, []);
	// Not kept (no keep_key): the provider key is not even in state.json.
	t.false(readFileSync(path.join(env.data, 'state.json'), 'utf8').includes(ODD_PROVIDER_KEY));
});
