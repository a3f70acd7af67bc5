import test from 'ava';
import {readFileSync, readdirSync} from 'node:fs';
import path from 'node:path';
import {countOurs, hostEnv, liveOurs, parseJson} from './helpers/host-env.js';
import {scanForSecrets} from './helpers/scan.js';

test('subscription and self_service imports of one provider both reach ready; status reads fully_ready', async (t) => {
	const env = await hostEnv(t);
	const sub = await env.importPack('deepseek', ['--access', 'subscription']);
	t.is(sub.code, 0, sub.stderr);
	const a = parseJson(sub);
	t.is(a.batch_status, 'succeeded');
	t.is(a.access_status, 'subscription_ready');
	t.is(a.provider_status, 'active');
	t.true(a.completion_ok);
	t.is(a.completion_status, 200);
	t.is(a.completion_type, 'json');
	t.regex(a.completion_preview, /pong from deepseek\/deepseek-v4-flash/);
	t.deepEqual(
		a.steps.map((s: any) => s.name),
		[
			'preflight',
			'host_probe',
			'upstream_probe',
			'plan',
			'create_group',
			'create_account',
			'account_test',
			'access_closure',
			'access_smoke',
			'summary',
		],
	);
	t.deepEqual(a.resources.map((r: any) => r.resource_type).sort(), [
		'account',
		'api_key',
		'group',
		'subscription',
		'user',
	]);

	const self = await env.importPack('deepseek', ['--access', 'self_service']);
	t.is(self.code, 0, self.stderr);
	const b = parseJson(self);
	t.is(b.access_status, 'self_service_ready');
	t.false(b.resources.some((r: any) => r.resource_type === 'subscription'));

	// The host really holds what the import says: an exclusive standard group with the smoke user allowed.
	const snap = env.sandbox.snapshot();
	const group = snap.groups.find(
		(g) => String(g.id) === b.resources.find((r: any) => r.resource_type === 'group').host_resource_id,
	)!;
	t.is(group.subscription_type, 'standard');
	t.true(group.is_exclusive);
	const account = snap.accounts.find(
		(x) => x.name === b.resources.find((r: any) => r.resource_type === 'account').name,
	)!;
	t.deepEqual(account.group_ids, [group.id]);
	t.is((account.extra as any).openai_responses_mode, 'force_chat_completions');
	t.deepEqual(Object.keys((account.credentials as any).model_mapping).sort(), [
		'deepseek-v4-flash',
		'deepseek-v4-pro',
	]);

	const status = parseJson(await env.run(['status', '--json']));
	const row = status.hosts[0].providers[0];
	t.is(row.pack, 'deepseek');
	t.is(row.access_status, 'fully_ready');

	// No silent duplicates: the same key and mode again stops, naming the earlier batch.
	const again = await env.importPack('deepseek', ['--access', 'subscription']);
	t.is(again.code, 1);
	t.regex(parseJson(again).error.message, new RegExp(a.batch_id));
	const forced = await env.importPack('deepseek', ['--access', 'subscription', '--force']);
	t.is(forced.code, 0);

	const leaks = scanForSecrets([env.data], [sub, self, again, forced], env.secrets(), {allowStateFile: true});
	t.deepEqual(leaks, []);
});

test('an upstream that refuses the key stops before anything is created: upstream_auth_issue', async (t) => {
	const env = await hostEnv(t);
	const result = await env.importPack('deepseek', [], 'sk-not-the-right-key-000000000000');
	t.is(result.code, 1);
	const r = parseJson(result);
	t.is(r.failure_class, 'upstream_auth_issue');
	t.is(r.stopped_at_step, 'upstream_probe');
	t.is(r.batch_status, 'failed');
	t.is(r.provider_status, null);
	t.deepEqual(r.resources, []);
	t.is(countOurs(env.sandbox), 0);
	t.false(r.steps.some((s: any) => s.name === 'create_group'));
	t.regex(result.stderr, /nothing was created on the host/);
});

for (const [pack, label] of [
	['kimi', '429 quota'],
	['deepseek', '402'],
	['glm', '429 code 1113'],
	['qwen', '400 Arrearage'],
] as const) {
	test(`upstream ${label} (${pack}): failed, upstream_key_quota_issue, nothing ready or created`, async (t) => {
		const env = await hostEnv(t, {faults: {upstream: {[pack]: 'quota'}}});
		const result = await env.importPack(pack);
		t.is(result.code, 1);
		const r = parseJson(result);
		t.is(r.failure_class, 'upstream_key_quota_issue');
		t.is(r.access_status, 'pending');
		t.false(r.completion_ok);
		t.is(countOurs(env.sandbox), 0);
	});
}

test('first account test 403 while models are listed: succeeded with a probe advisory, active with the warning listed', async (t) => {
	const env = await hostEnv(t, {faults: {first_account_test_403: true}});
	const result = await env.importPack('minimax');
	t.is(result.code, 0, result.stderr);
	const r = parseJson(result);
	t.is(r.batch_status, 'succeeded');
	t.true(r.probe_advisory);
	// A warning is listed with the provider, it is not a status (docs/domain.md statuses).
	t.is(r.provider_status, 'active');
	t.deepEqual(
		r.warnings.map((w: any) => w.code),
		['probe_advisory'],
	);
	const status = parseJson(await env.run(['status', '--json']));
	t.is(status.hosts[0].providers[0].provider_status, 'active');
	t.deepEqual(status.hosts[0].providers[0].warnings, ['probe_advisory']);
	const step = r.steps.find((s: any) => s.name === 'account_test');
	t.is(step.status, 'warn');
	t.regex(step.message, /probe_advisory/);
	const evidence = JSON.parse(readFileSync(path.join(r.artifacts_dir, '07-account_test.json'), 'utf8'));
	t.is(evidence.evidence.validation_status, 'warning');
});

test('a ready import that dropped pack models (kimi: moonshot-v1-8k is not served) is active with pack_models_dropped listed, in the import and in status', async (t) => {
	const env = await hostEnv(t);
	// The sandbox's kimi upstream lists kimi-k3, kimi-k2.7-code and kimi-k2.6 only.
	const listed = await fetch(`${env.sandbox.info.upstreams.kimi!.base_url}/models`, {
		headers: {authorization: `Bearer ${env.sandbox.info.upstreams.kimi!.api_key}`},
	});
	const ids = ((await listed.json()) as {data: Array<{id: string}>}).data.map((m) => m.id);
	t.false(ids.includes('moonshot-v1-8k'), 'the fake upstream does not serve the pack smoke model');
	const result = await env.importPack('kimi');
	t.is(result.code, 0, result.stderr);
	const r = parseJson(result);
	t.is(r.batch_status, 'succeeded');
	t.is(r.access_status, 'subscription_ready');
	// A dropped model is a warning listed with the provider, not a status (docs/domain.md statuses).
	t.is(r.provider_status, 'active');
	const dropped = r.warnings.find((w: any) => w.code === 'pack_models_dropped');
	t.truthy(dropped, JSON.stringify(r.warnings));
	t.is(dropped.step, 'upstream_probe');
	t.regex(dropped.message, /moonshot-v1-8k/);
	t.is(r.steps.find((s: any) => s.name === 'upstream_probe').status, 'warn');
	// The host's account maps only what the upstream serves.
	const account = env.sandbox
		.snapshot()
		.accounts.find((a) => a.name === r.resources.find((x: any) => x.resource_type === 'account').name)!;
	const mapped = Object.keys((account.credentials as any).model_mapping);
	t.false(mapped.includes('moonshot-v1-8k'));
	t.true(mapped.includes('kimi-k2.6'));
	const status = parseJson(await env.run(['status', '--json']));
	const row = status.hosts[0].providers[0];
	t.is(row.pack, 'kimi');
	t.is(row.provider_status, 'active');
	t.true(row.warnings.includes('pack_models_dropped'), JSON.stringify(row.warnings));
});

test('503 "no available accounts" right after import: succeeded after bounded retries', async (t) => {
	const env = await hostEnv(t, {faults: {gateway_503_count: 2}});
	const result = await env.importPack('step');
	t.is(result.code, 0, result.stderr);
	const r = parseJson(result);
	t.is(r.access_status, 'subscription_ready');
	const smoke = r.steps.find((s: any) => s.name === 'access_smoke');
	t.is(smoke.status, 'warn');
	t.regex(smoke.message, /after 3 attempts/);
});

test('models listed but chat failing: never ready (models_only), resources recorded', async (t) => {
	const env = await hostEnv(t, {faults: {upstream: {glm: 'chat_fail'}}});
	const result = await env.importPack('glm');
	t.is(result.code, 1);
	const r = parseJson(result);
	t.is(r.batch_status, 'failed');
	t.is(r.access_status, 'models_only');
	t.false(r.completion_ok);
	t.is(r.provider_status, 'broken');
	t.is(r.failure_class, 'upstream_unavailable');
	t.is(r.stopped_at_step, 'access_smoke');
	t.is(r.resources.length, 5);
});

test('old host without chat completions: host_compatibility_gap, nothing created', async (t) => {
	const env = await hostEnv(t, {profile: 'old'});
	const host = parseJson(await env.run(['host', 'show', 'sb', '--json']));
	t.false(host.capabilities.chat_completions);
	const result = await env.importPack('deepseek');
	t.is(result.code, 1);
	const r = parseJson(result);
	t.is(r.failure_class, 'host_compatibility_gap');
	t.is(r.stopped_at_step, 'host_probe');
	t.regex(r.steps.find((s: any) => s.name === 'host_probe').message, /no \/v1\/chat\/completions/);
	t.is(countOurs(env.sandbox), 0);
});

test('kimi: a pack model the upstream does not offer is dropped and another smoke model is chosen', async (t) => {
	const env = await hostEnv(t);
	const result = await env.importPack('kimi', ['--access', 'self_service']);
	t.is(result.code, 0, result.stderr);
	const r = parseJson(result);
	t.is(r.smoke_model, 'kimi-k2.6');
	const probe = r.steps.find((s: any) => s.name === 'upstream_probe');
	t.regex(probe.message, /moonshot-v1-8k/);
	const account = liveOurs(env.sandbox).accounts[0]!;
	t.false('moonshot-v1-8k' in (account.credentials as any).model_mapping);
});

test('qwen has no /models: pack models kept with a warning, the direct chat decides', async (t) => {
	const env = await hostEnv(t);
	const result = await env.importPack('qwen');
	t.is(result.code, 0, result.stderr);
	const r = parseJson(result);
	t.is(r.smoke_model, 'qwen3.8-flash');
	t.regex(r.steps.find((s: any) => s.name === 'upstream_probe').message, /no \/models|no usable \/models/);
});

test('relay: models come from the relay /models; --smoke-model overrides', async (t) => {
	const env = await hostEnv(t);
	const result = await env.importPack('relay', ['--smoke-model', 'glm-5.1']);
	t.is(result.code, 0, result.stderr);
	const r = parseJson(result);
	t.is(r.smoke_model, 'glm-5.1');
	const account = liveOurs(env.sandbox).accounts[0]!;
	t.deepEqual(Object.keys((account.credentials as any).model_mapping).sort(), [
		'deepseek-flash',
		'glm-5.1',
		'gpt-4o-mini',
		'qwen3.8-flash',
	]);
});

test('preflight failures exit 2 and create no batch', async (t) => {
	const env = await hostEnv(t);
	const cases: Array<[string[], string]> = [
		[['--pack', 'nope'], '--pack'],
		[['--pack', 'deepseek', '--url', 'ftp://x.example'], '--url'],
		[['--pack', 'deepseek', '--url', 'https://user:pw@api.example.com'], '--url'],
		[['--pack', 'deepseek', '--access', 'both'], '--access'],
		[['--pack', 'relay'], '--url'],
	];
	for (const [args, field] of cases) {
		const result = await env.run(['import', '--host', 'sb', '--key-env', 'KEY_DEEPSEEK', '--json', ...args]);
		t.is(result.code, 2, args.join(' '));
		t.is(parseJson(result).error.field, field);
	}
	const newline = await env.run(
		['import', '--host', 'sb', '--pack', 'deepseek', '--key-env', 'BAD', '--json'],
		{BAD: 'sk-abc\ndef'},
	);
	t.is(newline.code, 2);
	t.regex(parseJson(newline).error.message, /line break/);
	t.deepEqual(parseJson(await env.run(['batches', '--json'])).batches, []);
	t.is(countOurs(env.sandbox), 0);
});

test('batch show holds steps, resources and the evidence files are numbered and secret-free', async (t) => {
	const env = await hostEnv(t);
	const r = parseJson(await env.importPack('deepseek'));
	const shown = parseJson(await env.run(['batch', 'show', r.batch_id, '--json']));
	t.is(shown.batch_id, r.batch_id);
	t.is(shown.steps.length, 10);
	t.true(shown.resources.every((x: any) => x.status === 'created' && x.host_resource_id));
	t.deepEqual(shown.reconcile_runs, []);
	const files = readdirSync(r.artifacts_dir).sort();
	t.deepEqual(files, [
		'01-preflight.json',
		'02-host_probe.json',
		'03-upstream_probe.json',
		'04-plan.json',
		'05-create_group.json',
		'06-create_account.json',
		'07-account_test.json',
		'08-access_closure.json',
		'09-access_smoke.json',
		'10-summary.json',
		'summary.json',
	]);
	const list = parseJson(await env.run(['batches', '--json']));
	t.deepEqual(Object.keys(list.batches[0]).sort(), [
		'access_mode',
		'access_status',
		'batch_id',
		'batch_status',
		'created_at',
		'host_id',
		'pack',
	]);
});
