// Upstream answers of 2026 (docs/domain.md rule 5): a plain 429 is waited out within a bounded
// window honouring Retry-After, then upstream_rate_limited stops the import before any host write;
// MiniMax 1008/1028/1030 are quota whatever the HTTP status and 2061 is a model outside the key's
// plan; Kimi's 429 "suspended due to insufficient balance" is quota; a GLM coding-plan key on the
// general endpoint is told apart from an account in arrears. Packs know DeepSeek's v4 ids and the
// coding-plan hosts.
import test from 'ava';
import {loadPacks} from '../source/core/packs/packs.js';
import {packsForUrl} from '../source/core/batch-import/detect.js';
import {startSandbox, type SandboxHandle} from '../source/sandbox/index.js';
import {upstreamChat} from '../source/upstream/client.js';
import {UpstreamError} from '../source/upstream/errors.js';
import {countOurs, hostEnv, parseJson, type HostEnv} from './helpers/host-env.js';

/** Requests the import sent to the host's admin plane that change something. */
function hostWrites(env: HostEnv) {
	return env.sandbox
		.requestLog()
		.filter(
			(l) => l.method !== 'GET' && l.path.startsWith('/api/v1/') && !l.path.startsWith('/api/v1/auth/'),
		);
}

test('a plain 429 with Retry-After is waited out and the import goes on', async (t) => {
	const env = await hostEnv(t, {faults: {upstream_429: {deepseek: {count: 2, retry_after_s: 1}}}});
	const started = Date.now();
	const result = await env.importPack('deepseek', [], undefined);
	t.is(result.code, 0, result.stderr);
	const r = parseJson(result);
	t.is(r.batch_status, 'succeeded');
	t.regex(result.stderr, /answered 429 \(rate limited\); waiting 1 s as its Retry-After asks/);
	const log = env.sandbox.snapshot().upstream_log.filter((l) => l.pack === 'deepseek');
	const limited = log.filter((l) => l.status === 429);
	t.is(limited.length, 2, 'two plain 429 answers were given');
	const after = log.find((l) => l.at > limited[1]!.at && l.status === 200);
	t.truthy(after, 'the provider was asked again and answered');
	t.true(after!.at - limited[0]!.at >= 1800, 'each wait honoured Retry-After: 1');
	t.true(Date.now() - started < 60_000);
});

test('a 429 that outlasts the window: upstream_rate_limited before any host write', async (t) => {
	const env = await hostEnv(t, {faults: {upstream_429: {kimi: {count: 1000, retry_after_s: 1}}}});
	const before = hostWrites(env).length;
	const result = await env.importPack('kimi', ['--upstream-retry-s', '2']);
	t.is(result.code, 1);
	const r = parseJson(result);
	t.is(r.failure_class, 'upstream_rate_limited');
	t.is(r.stopped_at_step, 'upstream_probe');
	t.deepEqual(r.resources, []);
	t.is(r.provider_status, null);
	t.is(hostWrites(env).length, before, 'nothing was sent to the host that changes it');
	t.is(countOurs(env.sandbox), 0);
	const waits = (result.stderr.match(/answered 429 \(rate limited\)/g) ?? []).length;
	t.true(waits >= 1 && waits <= 3, `waited within the 2 s window (${waits} waits)`);
	t.regex(result.stderr, /upstream_rate_limited/);
});

test('a Retry-After longer than the window is not waited for; CRM_UPSTREAM_RETRY_S sets the window', async (t) => {
	const env = await hostEnv(t, {faults: {upstream_429: {step: {count: 1000, retry_after_s: 120}}}});
	const result = await env.importPack('step', [], undefined);
	t.is(result.code, 1);
	t.is(parseJson(result).failure_class, 'upstream_rate_limited');
	t.true(result.ms < 30_000, `no 120 s wait (${result.ms} ms)`);
	t.notRegex(result.stderr, /waiting 120 s/);

	const bad = await env.run(['import', '--host', 'sb', '--pack', 'step', '--key-env', 'KEY_STEP'], {
		CRM_UPSTREAM_RETRY_S: 'soon',
	});
	t.is(bad.code, 2);
	t.regex(bad.stderr, /CRM_UPSTREAM_RETRY_S/);
	const flag = await env.run([
		'import',
		'--host',
		'sb',
		'--pack',
		'step',
		'--upstream-retry-s',
		'-1',
		'--json',
	]);
	t.is(flag.code, 2);
	t.is(parseJson(flag).error.field, '--upstream-retry-s');
});

// The dialect table, through the real client against the sandbox's fake providers.
let sb: SandboxHandle;
test.before(async () => {
	sb = await startSandbox({profile: 'recent'});
});
test.after.always(async () => {
	await sb?.close();
});

for (const code of [1008, 1028, 1030, 2061]) {
	for (const status of [200, 402, 429, 500]) {
		test.serial(`MiniMax business code ${code} as HTTP ${status}`, async (t) => {
			sb.setFaults({upstream_code: {minimax: {code, status}}});
			const up = sb.info.upstreams.minimax!;
			const e = await t.throwsAsync(
				upstreamChat({baseUrl: up.base_url, apiKey: up.api_key, model: 'MiniMax-M2.5'}),
				{instanceOf: UpstreamError},
			);
			t.is(e!.kind, code === 2061 ? 'not_in_plan' : 'quota');
			t.is(e!.code, code);
			t.is(e!.status, status);
			sb.setFaults({upstream_code: {minimax: null}});
		});
	}
}

test.serial('Kimi 429 "suspended due to insufficient balance" is quota, not a rate limit', async (t) => {
	sb.setFaults({upstream: {kimi: 'quota'}});
	const up = sb.info.upstreams.kimi!;
	const e = await t.throwsAsync(
		upstreamChat({baseUrl: up.base_url, apiKey: up.api_key, model: 'kimi-k2.6', rateLimitWindowMs: 5000}),
		{instanceOf: UpstreamError},
	);
	t.is(e!.status, 429);
	t.regex(e!.body, /suspended due to insufficient balance/);
	t.is(e!.kind, 'quota');
	t.is(e!.rateLimitRetries, 0, 'a quota 429 is never waited out');
	sb.setFaults({upstream: {kimi: null}});
});

test('MiniMax 1030 as HTTP 500 stops the import as quota; 2061 says the model is not in the plan', async (t) => {
	const env = await hostEnv(t, {faults: {upstream_code: {minimax: {code: 1030, status: 500}}}});
	const quota = await env.importPack('minimax');
	t.is(quota.code, 1);
	const q = parseJson(quota);
	t.is(q.failure_class, 'upstream_key_quota_issue');
	t.is(q.stopped_at_step, 'upstream_probe');
	t.deepEqual(q.resources, []);

	env.sandbox.setFaults({upstream_code: {minimax: {code: 2061, status: 200}}});
	const plan = await env.importPack('minimax');
	t.is(plan.code, 1);
	const p = parseJson(plan);
	t.is(p.failure_class, 'upstream_auth_issue');
	t.regex(
		p.steps.find((s: any) => s.name === 'upstream_probe').message,
		/not in this key's plan: pass --smoke-model/,
	);
	t.is(countOurs(env.sandbox), 0);
});

test('Kimi 429 suspended: the import stops as quota at once, without a rate-limit wait', async (t) => {
	const env = await hostEnv(t, {faults: {upstream: {kimi: 'quota'}}});
	const result = await env.importPack('kimi', ['--upstream-retry-s', '30']);
	t.is(result.code, 1);
	t.is(parseJson(result).failure_class, 'upstream_key_quota_issue');
	t.notRegex(result.stderr, /answered 429 \(rate limited\)/);
	t.true(result.ms < 25_000, `${result.ms} ms`);
});

test('GLM 1113 with a coding-plan key on the general endpoint says so and names the coding URL', async (t) => {
	const env = await hostEnv(t);
	const coding = env.sandbox.info.glm_coding;
	const wrong = await env.importPack('glm', [], coding.api_key);
	t.is(wrong.code, 1);
	const r = parseJson(wrong);
	t.is(r.failure_class, 'upstream_auth_issue', 'a wrong endpoint, not money');
	t.is(r.stopped_at_step, 'upstream_probe');
	const step = r.steps.find((s: any) => s.name === 'upstream_probe');
	t.regex(step.message, /coding-plan key used on the general endpoint/);
	t.true(step.message.includes(`--url ${coding.base_url}`), step.message);

	// The same key on the coding-plan endpoint imports.
	const right = await env.run(
		[
			'import',
			'--host',
			'sb',
			'--pack',
			'glm',
			'--url',
			coding.base_url,
			'--key-env',
			'GLM_CODING',
			'--json',
		],
		{GLM_CODING: coding.api_key},
	);
	t.is(right.code, 0, right.stderr);
	t.is(parseJson(right).batch_status, 'succeeded');

	// A general key really in arrears stays quota, and says the coding endpoint was tried too.
	env.sandbox.setFaults({upstream: {glm: 'quota'}});
	const arrears = await env.importPack('glm');
	const a = parseJson(arrears);
	t.is(a.failure_class, 'upstream_key_quota_issue');
	t.regex(a.steps.find((s: any) => s.name === 'upstream_probe').message, /in arrears/);
});

test('packs: DeepSeek v4 ids, and coding-plan hosts are official hosts', (t) => {
	const packs = loadPacks();
	const deepseek = packs.packs.find((p) => p.id === 'deepseek')!;
	t.deepEqual(
		deepseek.models.map((m) => m.id),
		['deepseek-v4-flash', 'deepseek-v4-pro'],
	);
	t.is(deepseek.smoke_test_model, 'deepseek-v4-flash');
	const by = (url: string) => packsForUrl(url, packs).map((p) => p.id);
	t.deepEqual(by('https://api.kimi.com/coding/v1'), ['kimi']);
	t.deepEqual(by('https://coding.dashscope.aliyuncs.com/v1'), ['qwen']);
	t.deepEqual(by('https://coding-intl.dashscope.aliyuncs.com/v1'), ['qwen']);
	t.deepEqual(by('https://open.bigmodel.cn/api/coding/paas/v4'), ['glm']);
	t.deepEqual(by('https://api.z.ai/api/coding/paas/v4'), ['glm']);
	t.deepEqual(by('https://api.stepfun.com/step_plan/v1'), ['step']);
	t.deepEqual(by('https://api.minimaxi.com/v1'), ['minimax']);
	t.true(packs.packs.find((p) => p.id === 'kimi')!.models.some((m) => m.id === 'kimi-for-coding'));
});
