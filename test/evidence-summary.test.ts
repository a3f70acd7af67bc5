// 21-summary.json carries the original system's keys (docs/evidence.md): batch and provider status,
// latest_access_status, account_probe_summary, and the upstream evidence (the provider's /models
// status and count, the direct chat's status and class), plus both host addresses.
import test from 'ava';
import {readFileSync} from 'node:fs';
import path from 'node:path';
import {hostEnv, parseJson, type HostEnv} from './helpers/host-env.js';

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

const summaryOf = (dir: string) => JSON.parse(readFileSync(path.join(dir, '21-summary.json'), 'utf8'));

test('a ready run with the fresh-host 403 race: the original keys, the advisory recorded as a warning', async (t) => {
	const env = await hostEnv(t, {faults: {first_account_test_403: true}});
	const run = await accept(env, 'minimax', ['--access', 'subscription']);
	t.is(run.code, 0, run.stderr);
	const s = summaryOf(parseJson(run).evidence_dir);
	t.is(s.batch_status, 'succeeded');
	t.is(s.provider_status, 'active');
	t.is(s.latest_access_status, 'subscription_ready');
	t.deepEqual(s.account_probe_summary, {
		account_test_status: 'warn',
		validation_status: 'warning',
		probe_advisory: true,
		message: s.account_probe_summary.message,
	});
	t.regex(s.account_probe_summary.message, /probe_advisory/);
	t.is(s.upstream_models_status, 200);
	t.is(s.upstream_models_count, 3, 'the sandbox MiniMax lists three models');
	t.regex(s.upstream_models_url, /\/minimax\/v1\/models$/);
	t.is(s.upstream_chat_status, 200);
	t.true(s.upstream_chat_ok);
	t.is(s.upstream_chat_class, null);
	t.is(s.host_url, env.sandbox.info.host_url);
	t.is(s.gateway_url, env.sandbox.info.host_url);
	t.is(s.gateway_used, env.sandbox.info.host_url);
	t.deepEqual(s.warnings, ['probe_advisory']);
	t.is(s.batches.length, 1);
	t.is(s.batches[0].upstream.upstream_models_count, 3);
	t.is(s.batches[0].account_probe_summary.validation_status, 'warning');
});

test('both modes: latest_access_status is fully_ready; a quota key gives the upstream chat class', async (t) => {
	const env = await hostEnv(t);
	const both = await accept(env, 'deepseek', ['--access', 'both']);
	t.is(both.code, 0, both.stderr);
	const s = summaryOf(parseJson(both).evidence_dir);
	t.is(s.latest_access_status, 'fully_ready');
	t.is(s.account_probe_summary.validation_status, 'ok');
	t.false(s.account_probe_summary.probe_advisory);
	t.deepEqual(
		s.batches.map((b: any) => b.access_mode),
		['subscription', 'self_service'],
	);

	env.sandbox.setFaults({upstream: {step: 'quota'}});
	const quota = await accept(env, 'step', ['--access', 'self_service']);
	t.is(quota.code, 1);
	const q = summaryOf(parseJson(quota).evidence_dir);
	t.is(q.result, 'upstream_key_quota_issue');
	t.is(q.batch_status, 'failed');
	t.is(q.provider_status, null, 'nothing was created, so no provider status');
	t.is(q.upstream_models_status, 200, 'the model list still answered');
	t.is(q.upstream_models_count, 2);
	t.is(q.upstream_chat_status, 402);
	t.false(q.upstream_chat_ok);
	t.is(q.upstream_chat_class, 'upstream_key_quota_issue');
	t.is(q.account_probe_summary.validation_status, null, 'the account test never ran');
});
