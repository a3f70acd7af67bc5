// Secrets (docs/domain.md, Secrets). Every kind of secret the tool handles goes through
// the commands that handle it — admin API key (from a variable and from a file), admin login with
// password, TOTP and the session tokens it yields, provider keys (variable, file, stdin, and one the
// upstream refuses), the managed users' passwords and the user keys the host issues — on the recent,
// gated and old sandbox profiles. Then the data folders (evidence included) and every captured
// stdout/stderr are scanned for each of them, raw, base64 and URL-encoded: only state.json may hold
// one. Every other reliability/security file runs the same scan over its own folders and outputs at
// its end (test/helpers/leak-guard.ts explains why per file); the scanner itself is tested first,
// so a leak cannot go unseen.
import test from 'ava';
import {mkdirSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {captured, tempDataDir} from './helpers/cli.js';
import {hostEnv, parseJson} from './helpers/host-env.js';
import {guardFile, stateSecrets} from './helpers/leak-guard.js';
import {scanForSecrets} from './helpers/scan.js';

const guard = guardFile(test, 'security-secrets');

test('the scanner finds a secret raw, base64- and URL-encoded, in files and outputs, and spares state.json', (t) => {
	const secret = 'sk-canary/+=:@abcdef123456';
	const dir = tempDataDir('crm-scan');
	mkdirSync(path.join(dir, 'artifacts'));
	writeFileSync(path.join(dir, 'state.json'), JSON.stringify({key: secret}));
	writeFileSync(path.join(dir, 'artifacts', 'raw.json'), `{"x":"${secret}"}`);
	writeFileSync(path.join(dir, 'artifacts', 'b64.json'), Buffer.from(secret).toString('base64'));
	const outputs = [`GET /x?key=${encodeURIComponent(secret)}`, 'nothing here'];
	const leaks = scanForSecrets([dir], outputs, [secret], {allowStateFile: true});
	t.is(leaks.length, 3, leaks.join('\n'));
	t.true(leaks.some((l) => l.includes('raw.json') && l.includes('raw')));
	t.true(leaks.some((l) => l.includes('b64.json') && l.includes('encoded')));
	t.true(leaks.some((l) => l.startsWith('output 0') && l.includes('encoded')));
	t.false(leaks.some((l) => l.includes('state.json')));
	t.is(scanForSecrets([dir], [], [secret]).length, 3, 'without the allowance state.json counts too');
	t.deepEqual(stateSecrets(tempDataDir('crm-empty')), [], 'a folder without state has no secrets');
});

test('recent host: admin key from a variable and a file, provider keys from a variable, a file and stdin, a refused key; user passwords and keys', async (t) => {
	const e = await hostEnv(t);
	guard.dir(e.data);
	guard.secrets(...e.secrets());
	const keyFile = path.join(tempDataDir('crm-keyfile'), 'key');
	writeFileSync(keyFile, `${e.sandbox.info.upstreams.kimi!.api_key}\n`, {mode: 0o600});
	const adminFile = path.join(tempDataDir('crm-keyfile'), 'admin');
	writeFileSync(adminFile, e.sandbox.info.admin_api_key, {mode: 0o600});
	const second = await e.run([
		'host',
		'add',
		'--name',
		'sb-file',
		'--url',
		e.sandbox.info.host_url,
		'--admin-key-file',
		adminFile,
		'--json',
	]);
	t.is(second.code, 0, second.stderr);
	t.is((await e.importPack('deepseek')).code, 0);
	const up = e.sandbox.info.upstreams;
	const viaFile = await e.run([
		'import',
		'--host',
		'sb-file',
		'--pack',
		'kimi',
		'--url',
		up.kimi!.base_url,
		'--key-file',
		keyFile,
		'--access',
		'self_service',
		'--json',
	]);
	t.is(viaFile.code, 0, viaFile.stderr);
	const {runCli} = await import('./helpers/cli.js');
	const viaStdin = await runCli(
		[
			'import',
			'--host',
			'sb',
			'--pack',
			'glm',
			'--url',
			up.glm!.base_url,
			'--key-stdin',
			'--json',
			'--data',
			e.data,
		],
		{env: e.env, input: `${up.glm!.api_key}\n`},
	);
	t.is(viaStdin.code, 0, viaStdin.stderr);
	// A key the upstream refuses: its error bodies and the failure evidence must not carry it.
	const refusedKey = 'sk-refused-0123456789abcdef';
	guard.secrets(refusedKey);
	const refused = await e.importPack('minimax', [], refusedKey);
	t.is(refused.code, 1);
	const batch = parseJson(viaFile).batch_id;
	for (const args of [
		['reconcile', '--host', 'sb', '--json'],
		['batch', 'show', batch, '--json'],
		['batch', 'show', batch],
		['status'],
		['batches', '--json'],
		['host', 'show', 'sb', '--json'],
		['host', 'list'],
		['rollback', '--batch', batch, '--dry-run'],
		['rollback', '--batch', batch, '--yes', '--json'],
	]) {
		const r = await e.run(args);
		t.true([0, 3].includes(r.code ?? -1), `${args.join(' ')}: ${r.stderr}`);
	}
	// The user keys the host issued (live on the host) are secrets too.
	guard.secrets(...e.sandbox.snapshot().api_keys.map((k) => k.key));
	const secrets = [...e.secrets(), refusedKey, ...stateSecrets(e.data)];
	t.true(stateSecrets(e.data).length >= 4, 'state holds the admin key and managed users’ passwords and keys');
	t.deepEqual(scanForSecrets([e.data], captured, secrets, {allowStateFile: true}), []);
});

test('gated host: admin login with password and TOTP, compliance, session tokens, step-up writes', async (t) => {
	const e = await hostEnv(t, {profile: 'gated'}, false);
	guard.dir(e.data);
	guard.secrets(...e.secrets());
	const totp = {TOTP: e.sandbox.info.admin_totp_code};
	const login = [
		'--email',
		e.sandbox.info.admin_email,
		'--password-env',
		'CRM_ADMIN_PASSWORD',
		'--totp-env',
		'TOTP',
	];
	const add = await e.run(
		[
			'host',
			'add',
			'--name',
			'sb',
			'--url',
			e.sandbox.info.host_url,
			...login,
			'--accept-compliance',
			'--json',
		],
		totp,
	);
	t.is(add.code, 0, add.stderr);
	const imp = await e.run(
		[
			'import',
			'--host',
			'sb',
			'--pack',
			'deepseek',
			'--url',
			e.sandbox.info.upstreams.deepseek!.base_url,
			'--key-env',
			'KEY_DEEPSEEK',
			'--totp-env',
			'TOTP',
			'--json',
		],
		totp,
	);
	t.is(imp.code, 0, imp.stderr);
	const rec = await e.run(['reconcile', '--host', 'sb', '--totp-env', 'TOTP', '--json'], totp);
	t.true([0, 3].includes(rec.code ?? -1), rec.stderr);
	const held = stateSecrets(e.data);
	t.true(held.length >= 3, 'state holds the password, the session tokens and the user secrets');
	guard.secrets(...e.sandbox.snapshot().api_keys.map((k) => k.key));
	t.deepEqual(scanForSecrets([e.data], captured, [...e.secrets(), ...held], {allowStateFile: true}), []);
});

test('old host (echoes secrets in its answers): nothing it echoes reaches evidence or output', async (t) => {
	const e = await hostEnv(t, {profile: 'old'});
	guard.dir(e.data);
	guard.secrets(...e.secrets());
	const imp = await e.importPack('deepseek');
	t.true([0, 1].includes(imp.code ?? -1), imp.stderr);
	const show = await e.run(['batch', 'show', parseJson(imp).batch_id, '--json']);
	t.is(show.code, 0);
	guard.secrets(...e.sandbox.snapshot().api_keys.map((k) => k.key));
	const secrets = [...e.secrets(), ...stateSecrets(e.data)];
	t.deepEqual(scanForSecrets([e.data], captured, secrets, {allowStateFile: true}), []);
});
