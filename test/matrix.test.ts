import test from 'ava';
import {startSandbox} from '../source/sandbox/index.js';
import {hostEnv, parseJson, type HostEnv} from './helpers/host-env.js';
import {scanForSecrets} from './helpers/scan.js';

const accept = (env: HostEnv, host: string, pack: string, up = env.sandbox.info.upstreams[pack]!) =>
	env.run(
		[
			'accept',
			'--host',
			host,
			'--pack',
			pack,
			'--url',
			up.base_url,
			'--key-env',
			'PROVIDER_KEY',
			'--access',
			'subscription',
			'--json',
		],
		{PROVIDER_KEY: up.api_key},
	);

test('matrix: the latest result per host and pack, failed ones with their class', async (t) => {
	const env = await hostEnv(t, {faults: {upstream: {kimi: 'quota'}}});
	// A second host: an old build without chat completions.
	const old = await startSandbox({profile: 'old'});
	t.teardown(() => old.close());
	const added = await env.run(
		['host', 'add', '--name', 'old', '--url', old.info.host_url, '--admin-key-env', 'OLD_ADMIN_KEY'],
		{OLD_ADMIN_KEY: old.info.admin_api_key},
	);
	t.is(added.code, 0, added.stderr);

	const empty = parseJson(await env.run(['matrix', '--json']));
	t.deepEqual(empty, {rows: []});

	const outputs = [];
	const first = await accept(env, 'sb', 'deepseek');
	t.is(first.code, 0, first.stderr);
	const quota = await accept(env, 'sb', 'kimi');
	t.is(quota.code, 1);
	const gap = await accept(env, 'old', 'deepseek', old.info.upstreams.deepseek!);
	t.is(gap.code, 1);
	outputs.push(first, quota, gap);

	let m = parseJson(await env.run(['matrix', '--json']));
	t.deepEqual(
		m.rows.map((r: any) => [r.host, r.pack, r.result, r.access_status, r.failure_class]),
		[
			['old', 'deepseek', 'host_compatibility_gap', 'pending', 'host_compatibility_gap'],
			['sb', 'deepseek', 'ready', 'subscription_ready', null],
			['sb', 'kimi', 'upstream_key_quota_issue', 'pending', 'upstream_key_quota_issue'],
		],
	);
	const kimiRow = m.rows.find((r: any) => r.pack === 'kimi');
	t.is(kimiRow.evidence_dir, parseJson(quota).evidence_dir);
	t.is(kimiRow.run_id, parseJson(quota).run_id);
	t.regex(kimiRow.at, /^\d{4}-\d\d-\d\dT.*Z$/);
	for (const row of m.rows)
		t.deepEqual(Object.keys(row).slice(0, 7), [
			'host',
			'pack',
			'result',
			'access_status',
			'failure_class',
			'at',
			'evidence_dir',
		]);

	// The key is topped up: the next run is the latest, and the matrix follows it.
	env.sandbox.setFaults({upstream: {kimi: null}});
	const fixed = await accept(env, 'sb', 'kimi');
	t.is(fixed.code, 0, fixed.stderr);
	outputs.push(fixed);
	m = parseJson(await env.run(['matrix', '--json']));
	const kimi = m.rows.filter((r: any) => r.pack === 'kimi');
	t.is(kimi.length, 1);
	t.like(kimi[0], {result: 'ready', access_status: 'subscription_ready', failure_class: null});
	t.is(kimi[0].run_id, parseJson(fixed).run_id);
	t.is(m.rows.length, 3);

	// Archiving moves the evidence; the matrix points at where it is now.
	t.is((await env.run(['evidence', 'archive'])).code, 0);
	m = parseJson(await env.run(['matrix', '--json']));
	t.true(m.rows.every((r: any) => r.evidence_dir.includes('/acceptance/archive/')));

	const human = await env.run(['matrix']);
	t.is(human.code, 0);
	t.regex(human.stdout, /HOST\s+PACK\s+ENDPOINT\s+RESULT\s+ACCESS\s+AT\s+EVIDENCE/);
	t.regex(human.stdout, /old\s+deepseek\s+http:\S+\s+host_compatibility_gap/);
	t.regex(human.stdout, /sb\s+kimi\s+http:\S+\s+ready\s+subscription_ready/);
	t.regex(human.stdout, /not validated on sb: .*glm/);

	const secrets = [...env.secrets(), old.info.admin_api_key, old.info.admin_password];
	t.deepEqual(scanForSecrets([env.data], [...outputs, human], secrets, {allowStateFile: true}), []);
});
