import test from 'ava';
import {existsSync, readdirSync, readFileSync} from 'node:fs';
import path from 'node:path';
import {repoRoot, startCli} from './helpers/cli.js';
import {killDuring} from './helpers/kill.js';
import {countOurs, hostEnv, parseJson, type HostEnv} from './helpers/host-env.js';
import {scanForSecrets} from './helpers/scan.js';
import {rawBatchSecrets} from './helpers/state-file.js';

const accept = (env: HostEnv, pack: string, extra: string[] = []) =>
	env.run(
		[
			'accept',
			'--host',
			'sb',
			'--pack',
			pack,
			'--url',
			env.sandbox.info.upstreams[pack]!.base_url,
			'--key-env',
			'PROVIDER_KEY',
			'--json',
			...extra,
		],
		{PROVIDER_KEY: env.sandbox.info.upstreams[pack]!.api_key},
	);

const readJson = (dir: string, file: string) => JSON.parse(readFileSync(path.join(dir, file), 'utf8'));

/** Every secret the data folder's state knows, plus the sandbox's (for the leak scan). */
function allSecrets(env: HostEnv): string[] {
	const state = JSON.parse(readFileSync(path.join(env.data, 'state.json'), 'utf8'));
	const fromBatches = rawBatchSecrets(state).flatMap((s) => [s.user_password, s.user_key]);
	const fromHosts = state.hosts.flatMap((h: any) => [
		h.credential.admin_api_key,
		h.credential.password,
		h.session?.access_token,
		h.session?.refresh_token,
	]);
	return [...env.secrets(), ...fromBatches, ...fromHosts].filter((s): s is string => Boolean(s));
}

test('acceptance in both access modes: numbered evidence folder, summary, README, index; a re-run works', async (t) => {
	const env = await hostEnv(t);
	const run = await accept(env, 'deepseek', ['--access', 'both']);
	t.is(run.code, 0, run.stderr);
	const r = parseJson(run);
	t.regex(r.run_id, /^a\d{8}-\d{6}-sb-deepseek-[0-9a-f]{6}$/);
	t.is(r.evidence_dir, path.join(env.data, 'acceptance', r.run_id));
	t.is(r.access_status, 'fully_ready');
	t.is(r.result, 'ready');
	t.is(r.failure_class, null);
	t.deepEqual(r.modes, ['subscription', 'self_service']);
	t.deepEqual(
		r.batches.map((b: any) => [b.access_mode, b.batch_status, b.access_status, b.reconcile_status, b.forced]),
		[
			['subscription', 'succeeded', 'subscription_ready', 'in_sync', true],
			['self_service', 'succeeded', 'self_service_ready', 'in_sync', true],
		],
	);

	const dir = r.evidence_dir;
	const top = readdirSync(dir).sort();
	t.deepEqual(top, [
		'01-host-probe.json',
		'02-run-input.json',
		'05-import-steps',
		'05-import.json',
		'06-import-self_service-steps',
		'06-import-self_service.json',
		'07-access-status.json',
		'08-reconcile.json',
		'09-reconcile-self_service.json',
		'21-summary.json',
		'README.md',
	]);
	t.true(readdirSync(path.join(dir, '05-import-steps')).includes('09-access_smoke.json'));
	t.true(readdirSync(path.join(dir, '06-import-self_service-steps')).includes('11-batch-summary.json'));

	const probe = readJson(dir, '01-host-probe.json');
	t.true(probe.ok);
	t.is(probe.host_version, probe.capabilities.version);
	t.truthy(probe.host_version);
	const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
	t.is(probe.tool.version, pkg.version);
	t.true(probe.capabilities.chat_completions);

	const first = readJson(dir, '05-import.json');
	t.is(first.access_mode, 'subscription');
	t.is(first.result.batch_status, 'succeeded');
	t.true(first.result.completion_ok);
	t.is(readJson(dir, '06-import-self_service.json').result.access_status, 'self_service_ready');

	const access = readJson(dir, '07-access-status.json');
	t.true(access.fully_ready);
	t.is(access.access_status, 'fully_ready');
	t.deepEqual(
		access.modes.map((m: any) => [m.access_mode, m.access_status, m.completion_status]),
		[
			['subscription', 'subscription_ready', 200],
			['self_service', 'self_service_ready', 200],
		],
	);
	t.is(access.host_provider.latest_access_status, 'fully_ready');
	t.is(access.host_provider.provider_status, 'active');

	const rec = readJson(dir, '08-reconcile.json');
	t.is(rec.reconcile_status, 'in_sync');
	t.is(rec.batch_id, r.batches[0].batch_id);
	t.is(readJson(dir, '09-reconcile-self_service.json').batch_id, r.batches[1].batch_id);

	const summary = readJson(dir, '21-summary.json');
	t.is(summary.run_id, r.run_id);
	t.is(summary.result, 'ready');
	t.is(summary.access_status, 'fully_ready');
	t.is(summary.tool.version, pkg.version);
	t.is(summary.host_version, probe.host_version);
	t.regex(summary.key_fingerprint, /^sha256:/);
	t.is(summary.batches.length, 2);
	t.true(summary.files.includes('05-import.json'));
	t.true(summary.files.includes('README.md'));
	const readme = readFileSync(path.join(dir, 'README.md'), 'utf8');
	t.regex(readme, /Result: READY \(fully_ready\)/);
	t.regex(readme, /05-import\.json/);
	t.regex(readme, /crm evidence keep a\d/);

	// Indexed in state; `crm evidence list` and `crm status` agree.
	const list = parseJson(await env.run(['evidence', 'list', '--json']));
	t.is(list.runs.length, 1);
	t.like(list.runs[0], {run_id: r.run_id, result: 'ready', final: false, archived: false, present: true});
	const status = parseJson(await env.run(['status', '--json']));
	t.is(status.hosts[0].providers[0].access_status, 'fully_ready');

	// A second run on the same host works (imports are forced), and says what it went past.
	const again = await accept(env, 'deepseek', ['--access', 'self_service']);
	t.is(again.code, 0, again.stderr);
	const a = parseJson(again);
	t.is(a.access_status, 'self_service_ready');
	t.is(a.batches[0].forced_over, r.batches[1].batch_id);
	t.regex(readJson(a.evidence_dir, '05-import.json').note, new RegExp(r.batches[1].batch_id));
	t.deepEqual(
		readdirSync(a.evidence_dir).filter((f) => f.startsWith('06') || f.startsWith('09')),
		[],
	);

	const leaks = scanForSecrets([path.join(env.data, 'acceptance')], [run, again], allSecrets(env));
	t.deepEqual(leaks, []);
	t.deepEqual(scanForSecrets([env.data], [], allSecrets(env), {allowStateFile: true}), []);
});

test('bad --access exits 2 before anything is created; bad pack too', async (t) => {
	const env = await hostEnv(t);
	const bad = await accept(env, 'deepseek', ['--access', 'everything']);
	t.is(bad.code, 2);
	t.is(parseJson(bad).error.field, '--access');
	const noPack = await env.run([
		'accept',
		'--host',
		'sb',
		'--pack',
		'nope',
		'--key-env',
		'KEY_DEEPSEEK',
		'--json',
	]);
	t.is(noPack.code, 2);
	t.is(parseJson(noPack).error.field, '--pack');
	t.false(existsSync(path.join(env.data, 'acceptance')));
	t.is(countOurs(env.sandbox), 0);
});

test('upstream out of quota: exit 1, result is the failure class, evidence still written, nothing created', async (t) => {
	const env = await hostEnv(t, {faults: {upstream: {kimi: 'quota'}}});
	const run = await accept(env, 'kimi');
	t.is(run.code, 1);
	const r = parseJson(run);
	t.is(r.result, 'upstream_key_quota_issue');
	t.is(r.failure_class, 'upstream_key_quota_issue');
	t.is(r.access_status, 'pending');
	t.deepEqual(
		r.batches.map((b: any) => [b.access_mode, b.stopped_at_step]),
		[
			['subscription', 'upstream_probe'],
			['self_service', 'upstream_probe'],
		],
	);
	const summary = readJson(r.evidence_dir, '21-summary.json');
	t.is(summary.result, 'upstream_key_quota_issue');
	t.false(readJson(r.evidence_dir, '07-access-status.json').fully_ready);
	t.regex(
		readFileSync(path.join(r.evidence_dir, 'README.md'), 'utf8'),
		/NOT READY: upstream_key_quota_issue/,
	);
	t.is(countOurs(env.sandbox), 0);
	t.deepEqual(scanForSecrets([env.data], [run], allSecrets(env), {allowStateFile: true}), []);
});

test('old host without chat completions: host_compatibility_gap; human output names the next step', async (t) => {
	const env = await hostEnv(t, {profile: 'old'});
	const run = await env.run(
		[
			'accept',
			'--host',
			'sb',
			'--pack',
			'deepseek',
			'--url',
			env.sandbox.info.upstreams.deepseek!.base_url,
			'--key-env',
			'KEY_DEEPSEEK',
			'--access',
			'subscription',
		],
		{},
	);
	t.is(run.code, 1);
	t.regex(run.stdout, /acceptance a\S+: host_compatibility_gap/);
	t.regex(run.stdout, /next: /);
	t.regex(run.stdout, /crm evidence keep a/);
	const list = parseJson(await env.run(['evidence', 'list', '--json']));
	t.is(list.runs[0].result, 'host_compatibility_gap');
	t.is(list.runs[0].access, 'subscription');
});

test('SIGTERM stops a run cleanly (result stopped, evidence written); a SIGKILLed run later reads interrupted and is archived', async (t) => {
	const env = await hostEnv(t, {latencyMs: 30});
	const args = [
		'accept',
		'--host',
		'sb',
		'--pack',
		'deepseek',
		'--url',
		env.sandbox.info.upstreams.deepseek!.base_url,
		'--key-env',
		'KEY_DEEPSEEK',
		'--json',
		'--data',
		env.data,
	];
	const stopped = await new Promise<{code: number | null; stdout: string}>((resolve) => {
		const child = startCli(args, {env: env.env});
		let stderr = '';
		let stdout = '';
		child.stdout!.on('data', (d) => (stdout += d));
		child.stderr!.on('data', (d) => {
			stderr += d;
			if (stderr.includes('… create_account\n') && !child.killed) child.kill('SIGTERM');
		});
		child.on('close', (code) => resolve({code, stdout}));
	});
	t.is(stopped.code, 1);
	const s = JSON.parse(stopped.stdout);
	t.is(s.result, 'stopped');
	t.is(s.failure_class, null);
	t.true(readJson(s.evidence_dir, '21-summary.json').stopped_by_operator);
	t.regex(readFileSync(path.join(s.evidence_dir, 'README.md'), 'utf8'), /STOPPED by the operator/);

	const killed = await killDuring(args, env.env, 'access_closure', 0);
	t.is(killed.signal, 'SIGKILL');
	let list = parseJson(await env.run(['evidence', 'list', '--json']));
	t.is(list.runs[0].result, 'running');
	// The next locked command sees no live holder: the run reads interrupted and, not final, is archived.
	const archived = parseJson(await env.run(['evidence', 'archive', '--json']));
	t.is(archived.archived.length, 2);
	list = parseJson(await env.run(['evidence', 'list', '--json']));
	t.deepEqual(
		list.runs.map((r: any) => [r.result, r.archived]),
		[
			['interrupted', true],
			['stopped', true],
		],
	);
	// Neither says anything about the provider: the matrix stays empty.
	t.deepEqual(parseJson(await env.run(['matrix', '--json'])).rows, []);
});

test('host unreachable at the probe: network_unreachable, no import attempted, evidence says so', async (t) => {
	const env = await hostEnv(t);
	env.sandbox.setFaults({host_down: true});
	const run = await accept(env, 'deepseek');
	t.is(run.code, 1);
	const r = parseJson(run);
	t.is(r.result, 'network_unreachable');
	t.deepEqual(r.batches, []);
	t.is(r.errors[0].step, 'host_probe');
	const probe = readJson(r.evidence_dir, '01-host-probe.json');
	t.false(probe.ok);
	t.is(probe.error.failure_class, 'network_unreachable');
	t.deepEqual(
		readJson(r.evidence_dir, '07-access-status.json').modes.map((m: any) => m.access_status),
		['pending', 'pending'],
	);
	t.false(existsSync(path.join(r.evidence_dir, '05-import.json')));
});
