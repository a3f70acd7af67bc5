// One secret registry per process (docs/domain.md, "Secrets have one home"), tried with a host and an
// upstream that echo secrets back: an upstream 500 quoting the caller's key (one with a quote and a
// backslash, so it also travels JSON-escaped, and not shaped like any known key), a host 400 quoting
// the smoke user's password the tool generated, a host 401 quoting the admin key or the login
// password. Each runs through the real CLI against the sandbox; then the data folder (batch file,
// evidence) and every output are scanned for the secret in every encoding (raw, JSON-escaped,
// URL-encoded, base64), and the place the echo lands is checked to hold `[redacted]` instead, so the
// test sees the echo arrive and go nowhere.
import test from 'ava';
import {readFileSync, readdirSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {hostEnv, parseJson} from './helpers/host-env.js';
import {guardFile, stateSecrets} from './helpers/leak-guard.js';
import {scanForSecrets} from './helpers/scan.js';
import {rawBatchSecrets} from './helpers/state-file.js';

const guard = guardFile(test, 'security-leaks');

/** Not sk-/JWT-shaped (a Zhipu-style id.secret key), with a quote and a backslash. */
const ODD_KEY = 'zp"9f8e7d6c5b4a\\3210.QuoteAndBackslashKey';

function filesUnder(dir: string): string[] {
	return readdirSync(dir, {recursive: true, withFileTypes: true})
		.filter((d) => d.isFile())
		.map((d) => path.join(d.parentPath, d.name));
}

test('an upstream 500 echoing the key (quote, backslash, no known shape): not in batches/<id>.json, evidence, batch show or stdout', async (t) => {
	const e = await hostEnv(t);
	guard.dir(e.data);
	guard.secrets(...e.secrets(), ODD_KEY);
	e.sandbox.setFaults({upstream: {deepseek: 'echo_key'}});
	const imp = await e.importPack('deepseek', ['--continue-on-upstream-failure'], ODD_KEY);
	t.is(imp.code, 1, imp.stderr);
	const batchId = parseJson(imp).batch_id as string;
	const batchFile = readFileSync(path.join(e.data, 'batches', `${batchId}.json`), 'utf8');
	t.regex(batchFile, /while checking key \[redacted\]/, 'the echo reached the batch file, redacted');
	const evidence = filesUnder(path.join(e.data, 'artifacts', batchId));
	t.true(evidence.length > 0);
	t.true(
		evidence.some((f) => readFileSync(f, 'utf8').includes('while checking key [redacted]')),
		'the echo reached the evidence, redacted',
	);
	const shows = [
		await e.run(['batch', 'show', batchId]),
		await e.run(['batch', 'show', batchId, '--json']),
		await e.run(['status', '--json']),
	];
	for (const s of shows) t.is(s.code, 0, s.stderr);
	t.regex(shows[0]!.stdout + shows[1]!.stdout, /\[redacted\]/);
	t.deepEqual(scanForSecrets([e.data], [imp, ...shows], [ODD_KEY], {allowStateFile: true}), []);
	// The same key echoed raw, JSON-escaped and doubly escaped (inside the host's SSE event) is gone.
	const everything = [batchFile, imp.stdout, imp.stderr, ...shows.map((s) => s.stdout)].join('\n');
	t.false(everything.includes(JSON.stringify(ODD_KEY).slice(1, -1)));
	t.false(everything.includes('9f8e7d6c5b4a'), 'not even the middle of the key');
});

test("a host 400 quoting the smoke user's generated password: not in --json stdout, stderr or any file but state.json", async (t) => {
	const e = await hostEnv(t);
	guard.dir(e.data);
	guard.secrets(...e.secrets());
	e.sandbox.setFaults({host_400_echo: true});
	const imp = await e.importPack('deepseek');
	t.is(imp.code, 1, imp.stderr);
	const result = parseJson(imp);
	const password = rawBatchSecrets(JSON.parse(readFileSync(path.join(e.data, 'state.json'), 'utf8')))[0]
		?.user_password as string;
	t.true(typeof password === 'string' && password.length >= 16, 'the tool generated and kept a password');
	guard.secrets(password);
	t.regex(
		imp.stdout + imp.stderr,
		/password "\[redacted\]" does not meet the password policy/,
		'the host echoed it and it was redacted',
	);
	t.is(result.batch_status, 'failed');
	t.deepEqual(scanForSecrets([e.data], [imp], [password], {allowStateFile: true}), []);

	// A batch file an old build wrote with the password in it: a new process learns the password from
	// state.json as it reads it, so showing that file prints none of it.
	const file = path.join(e.data, 'batches', `${result.batch_id}.json`);
	const old = JSON.parse(readFileSync(file, 'utf8'));
	old.steps[0].message = `old build wrote ${password} and ${JSON.stringify(password)}`;
	writeFileSync(file, JSON.stringify(old), {mode: 0o600});
	const shows = [
		await e.run(['batch', 'show', result.batch_id]),
		await e.run(['batch', 'show', result.batch_id, '--json']),
	];
	for (const s of shows) t.is(s.code, 0, s.stderr);
	t.regex(shows[0]!.stdout, /old build wrote \[redacted\]/);
	t.deepEqual(scanForSecrets([], shows, [password]), []);
	writeFileSync(file, readFileSync(file, 'utf8').split(password).join('[redacted]'), {mode: 0o600});
});

test('a host 401 quoting the admin key or the login password: not in host add --json stdout or stderr; nothing saved', async (t) => {
	const e = await hostEnv(t, {}, false);
	guard.dir(e.data);
	guard.secrets(...e.secrets());
	e.sandbox.setFaults({host_401_echo: true});
	const byKey = await e.run([
		'host',
		'add',
		'--name',
		'sb',
		'--url',
		e.sandbox.info.host_url,
		'--admin-key-env',
		'CRM_ADMIN_KEY',
		'--json',
	]);
	t.is(byKey.code, 1, byKey.stderr);
	t.regex(parseJson(byKey).error.message, /Invalid admin API key: \[redacted\]/);
	const byLogin = await e.run([
		'host',
		'add',
		'--name',
		'sb',
		'--url',
		e.sandbox.info.host_url,
		'--email',
		e.sandbox.info.admin_email,
		'--password-env',
		'CRM_ADMIN_PASSWORD',
		'--json',
	]);
	t.is(byLogin.code, 1, byLogin.stderr);
	t.regex(byLogin.stdout, /got password \\"\[redacted\]\\"/);
	t.deepEqual(stateSecrets(e.data), [], 'nothing saved');
	t.deepEqual(
		scanForSecrets([e.data], [byKey, byLogin], [e.sandbox.info.admin_api_key, e.sandbox.info.admin_password]),
		[],
	);
});

test('crm watch --once with a kept key the upstream echoes in a 500 (host and direct checks): not in health/<batch>.jsonl, crm health or any output', async (t) => {
	const e = await hostEnv(t);
	guard.dir(e.data);
	guard.secrets(...e.secrets(), ODD_KEY);
	// The fake upstream takes the odd key as a second deepseek key, so the import with it succeeds.
	e.sandbox.setUpstream({accept_keys: {deepseek: [ODD_KEY]}});
	const imp = await e.importPack('deepseek', ['--keep-key'], ODD_KEY);
	t.is(imp.code, 0, imp.stderr);
	const batchId = parseJson(imp).batch_id as string;
	t.true(readFileSync(path.join(e.data, 'state.json'), 'utf8').includes(JSON.stringify(ODD_KEY)), 'kept');

	e.sandbox.setFaults({upstream: {deepseek: 'echo_key'}});
	const before = e.sandbox.snapshot().upstream_log.length;
	const watch = await e.run(['watch', '--once', '--json']);
	t.is(watch.code, 1, watch.stderr);
	const check = parseJson(watch).checks[0];
	t.like(check, {batch_id: batchId, health: 'failing'});
	// The host check failed and the direct check ran with the kept key: both met the echo.
	t.like(check.direct, {ok: false, status: 500});
	const historyFile = path.join(e.data, 'health', `${batchId}.jsonl`);
	const history = readFileSync(historyFile, 'utf8');
	// Every upstream call of the pass met the echo: the balance read and the direct chat with the kept
	// key, and the host gateway's chat with the account's key (the same key).
	const echoed = e.sandbox
		.snapshot()
		.upstream_log.slice(before)
		.map((c) => `${c.method} ${c.path.replace('/deepseek', '')} ${c.status}`);
	t.deepEqual([...new Set(echoed)].sort(), ['GET /user/balance 500', 'POST /v1/chat/completions 500']);
	t.true(echoed.filter((c) => c.startsWith('POST')).length >= 2, 'the gateway chat and the direct chat');
	t.true(history.includes(batchId));
	const shown = await e.run(['health', '--batch', batchId, '--json']);
	t.is(shown.code, 0, shown.stderr);
	const text = await e.run(['watch', '--once']);
	t.is(text.code, 1);
	const leaks = scanForSecrets([e.data], [imp, watch, shown, text, history], [ODD_KEY, ...e.secrets()], {
		allowStateFile: true,
	});
	t.deepEqual(leaks, []);
});

test('the leak scanner finds a secret in its JSON-escaped forms (once and twice escaped)', (t) => {
	const once = JSON.stringify({x: ODD_KEY});
	const twice = JSON.stringify({event: once});
	t.false(once.includes(ODD_KEY) || twice.includes(ODD_KEY), 'neither holds the raw form');
	const leaks = scanForSecrets([], [once, twice, 'clean'], [ODD_KEY]);
	t.is(leaks.length, 2, leaks.join('\n'));
	t.true(leaks.every((l) => l.includes('JSON-escaped')));
});
