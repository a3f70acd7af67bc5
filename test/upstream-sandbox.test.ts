// The upstream client against every fake provider of the sandbox, including each provider's fault answers.
import test from 'ava';
import {startSandbox, type SandboxHandle, type UpstreamFault} from '../source/sandbox/index.js';
import {PACKS} from '../source/sandbox/upstreams.js';
import {listUpstreamModels, upstreamChat} from '../source/upstream/client.js';
import {UpstreamError, type UpstreamErrorKind} from '../source/upstream/errors.js';

let sb: SandboxHandle;
test.before(async () => {
	sb = await startSandbox({profile: 'recent'});
});
test.after.always(async () => {
	await sb?.close();
});

const FAULTS: Array<[Exclude<UpstreamFault, null>, UpstreamErrorKind]> = [
	['quota', 'quota'],
	['auth', 'auth'],
	['rate_limited', 'rate_limited'],
	['server_error', 'server'],
	['chat_fail', 'server'],
	['down', 'network'],
];

for (const pack of PACKS) {
	test.serial(`${pack.id}: models and a direct chat`, async (t) => {
		const up = sb.info.upstreams[pack.id]!;
		if (pack.modelsPaths.length === 0) {
			const e = await t.throwsAsync(listUpstreamModels({baseUrl: up.base_url, apiKey: up.api_key}), {
				instanceOf: UpstreamError,
			});
			t.is(e?.kind, 'not_found');
		} else {
			const r = await listUpstreamModels({baseUrl: up.base_url, apiKey: up.api_key});
			t.deepEqual(r.models, pack.listed);
			t.true(r.url.endsWith('/models'));
		}
		const chat = await upstreamChat({baseUrl: up.base_url, apiKey: up.api_key, model: pack.listed[0]!});
		t.is(chat.status, 200);
		t.true(chat.preview.length > 0 && chat.preview.length <= 80);
		t.true(chat.latency_ms >= 0);
		const wrongModel = await t.throwsAsync(
			upstreamChat({baseUrl: up.base_url, apiKey: up.api_key, model: 'no-such-model'}),
			{instanceOf: UpstreamError},
		);
		t.is(wrongModel?.kind, 'not_found');
		const wrongKey = await t.throwsAsync(
			upstreamChat({baseUrl: up.base_url, apiKey: 'sk-wrong-key-0000000000', model: pack.listed[0]!}),
			{instanceOf: UpstreamError},
		);
		t.is(wrongKey?.kind, 'auth');
		t.false(wrongKey!.body.includes('sk-wrong-key-0000000000'));
	});

	test.serial(`${pack.id}: fault answers are classified`, async (t) => {
		const up = sb.info.upstreams[pack.id]!;
		t.teardown(() => sb.setFaults({upstream: {[pack.id]: null}}));
		for (const [fault, kind] of FAULTS) {
			sb.setFaults({upstream: {[pack.id]: fault}});
			const e = await t.throwsAsync(
				upstreamChat({baseUrl: up.base_url, apiKey: up.api_key, model: pack.listed[0]!, timeoutMs: 3000}),
				{instanceOf: UpstreamError},
			);
			t.is(e?.kind, kind, `${fault}: ${e?.message}`);
			t.true(e!.body.length <= 512);
			t.false(e!.body.includes(up.api_key));
			t.false(e!.message.includes(up.api_key));
		}
	});
}

test.serial('models: one retry on network errors, then network', async (t) => {
	const up = sb.info.upstreams.deepseek!;
	t.teardown(() => sb.setFaults({upstream: {deepseek: null}}));
	sb.setFaults({upstream: {deepseek: 'down'}});
	const before = sb.snapshot().upstream_requests.deepseek ?? 0;
	const e = await t.throwsAsync(listUpstreamModels({baseUrl: up.base_url, apiKey: up.api_key}), {
		instanceOf: UpstreamError,
	});
	t.is(e?.kind, 'network');
	t.is((sb.snapshot().upstream_requests.deepseek ?? 0) - before, 2);
	sb.setFaults({upstream: {deepseek: 'server_error'}});
	const before2 = sb.snapshot().upstream_requests.deepseek ?? 0;
	const e2 = await t.throwsAsync(listUpstreamModels({baseUrl: up.base_url, apiKey: up.api_key}), {
		instanceOf: UpstreamError,
	});
	t.is(e2?.kind, 'server', 'a 5xx is a hard error, not a reason to try the next candidate');
	t.is((sb.snapshot().upstream_requests.deepseek ?? 0) - before2, 1);
});

test.serial('chat: timeout, never retried', async (t) => {
	const up = sb.info.upstreams.kimi!;
	t.teardown(() => sb.setFaults({latency_ms: 0}));
	sb.setFaults({latency_ms: 400});
	const before = sb.snapshot().upstream_requests.kimi ?? 0;
	const e = await t.throwsAsync(
		upstreamChat({baseUrl: up.base_url, apiKey: up.api_key, model: 'kimi-k3', timeoutMs: 100}),
		{
			instanceOf: UpstreamError,
		},
	);
	t.is(e?.kind, 'timeout');
	await new Promise((r) => setTimeout(r, 450));
	t.is((sb.snapshot().upstream_requests.kimi ?? 0) - before, 1);
});

test.serial('unreachable upstream → network; invalid URL → bad_response', async (t) => {
	const e = await t.throwsAsync(
		upstreamChat({baseUrl: 'http://127.0.0.1:1/v1', apiKey: 'sk-x', model: 'm', timeoutMs: 2000}),
		{
			instanceOf: UpstreamError,
		},
	);
	t.is(e?.kind, 'network');
	const bad = await t.throwsAsync(listUpstreamModels({baseUrl: 'nope', apiKey: 'sk-x'}), {
		instanceOf: UpstreamError,
	});
	t.is(bad?.kind, 'bad_response');
});
