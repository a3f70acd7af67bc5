import test from 'ava';
import {boot, call, chatBody, sseEvents} from './sandbox-helpers.js';

const LISTED: Record<string, string[]> = {
	deepseek: ['deepseek-flash', 'deepseek-v4-pro', 'deepseek-v4-flash'],
	kimi: ['kimi-k3', 'kimi-k2.7-code', 'kimi-k2.6'],
	minimax: ['MiniMax-M3', 'MiniMax-M2.7', 'MiniMax-M2.5'],
	glm: ['glm-5.2', 'glm-5.1', 'glm-4.7-flash'],
	step: ['step-3.7-flash', 'step-3.5-flash'],
	relay: ['deepseek-flash', 'qwen3.8-flash', 'glm-5.1', 'gpt-4o-mini'],
};

test('each pack lists its models at its provider URL shape', async (t) => {
	const s = await boot(t);
	for (const [pack, models] of Object.entries(LISTED)) {
		const {base_url: base, api_key: key} = s.info.upstreams[pack];
		const reply = await call(`${base}/models`, {headers: {authorization: `Bearer ${key}`}});
		t.is(reply.status, 200, pack);
		t.is(reply.json.object, 'list');
		t.deepEqual(
			reply.json.data.map((m: any) => m.id),
			models,
		);
	}
	const auth = (pack: string): Record<string, string> => ({
		authorization: `Bearer ${s.info.upstreams[pack].api_key}`,
	});
	t.is(
		(await call(`${s.info.upstreams.deepseek.base_url}/v1/models`, {headers: auth('deepseek')})).status,
		200,
	);
	t.is(
		(await call(`${s.info.upstreams.glm.base_url}/v1/models`, {headers: auth('glm')})).status,
		404,
		'GLM /v4/v1/models',
	);
	t.is(
		(await call(`${s.info.upstreams.qwen.base_url}/models`, {headers: auth('qwen')})).status,
		404,
		'DashScope has none',
	);
	const kimi = await call(`${s.info.upstreams.kimi.base_url}/models`, {headers: auth('kimi')});
	t.false(kimi.text.includes('moonshot-v1-8k'));
});

test('each pack checks its own key, validates the model, and 404s /responses', async (t) => {
	const s = await boot(t);
	for (const pack of Object.keys(s.info.upstreams)) {
		const {base_url: base, api_key: key} = s.info.upstreams[pack];
		const model = pack === 'qwen' ? 'qwen3.8-flash' : LISTED[pack][0];
		const other = pack === 'kimi' ? s.info.upstreams.glm.api_key : s.info.upstreams.kimi.api_key;
		const wrong = await call(`${base}/chat/completions`, {
			body: chatBody(model),
			headers: {authorization: `Bearer ${other}`},
		});
		t.is(wrong.status, 401, `${pack} wrong key`);
		const none = await call(`${base}/chat/completions`, {body: chatBody(model)});
		t.is(none.status, 401, `${pack} no key`);
		const unknown = await call(`${base}/chat/completions`, {
			body: chatBody('moonshot-v1-8k'),
			headers: {authorization: `Bearer ${key}`},
		});
		t.is(unknown.status, 404, `${pack} unknown model`);
		t.true(unknown.text.includes('model not found'), unknown.text);
		const responses = await call(`${base}/responses`, {
			body: {model, input: 'hi'},
			headers: {authorization: `Bearer ${key}`},
		});
		t.is(responses.status, 404);
		const v1responses = await call(`${base}/v1/responses`, {
			body: {model, input: 'hi'},
			headers: {authorization: `Bearer ${key}`},
		});
		t.is(v1responses.status, 404);
		const ok = await call(`${base}/chat/completions`, {
			body: chatBody(model),
			headers: {authorization: `Bearer ${key}`},
		});
		t.is(ok.status, 200, pack);
		t.is(ok.json.choices[0].message.content, `pong from ${pack}/${model}`);
		t.is(ok.json.model, model);
	}
	const bad = await call(`${s.info.upstreams.kimi.base_url}/chat/completions`, {
		body: {model: 'kimi-k2.6'},
		headers: {authorization: `Bearer ${s.info.upstreams.kimi.api_key}`},
	});
	t.is(bad.status, 400, 'messages required');
});

test('streaming answers are chunks ending with data: [DONE]; counts are per pack', async (t) => {
	const s = await boot(t);
	const {base_url: base, api_key: key} = s.info.upstreams.deepseek;
	const reply = await call(`${base}/chat/completions`, {
		body: chatBody('deepseek-flash', true),
		headers: {authorization: `Bearer ${key}`},
	});
	t.is(reply.status, 200);
	t.true(reply.headers.get('content-type')!.startsWith('text/event-stream'));
	t.true(reply.text.trimEnd().endsWith('data: [DONE]'));
	const chunks = sseEvents(reply.text);
	t.true(chunks.every((c) => c.object === 'chat.completion.chunk'));
	t.is(chunks.at(-1).choices[0].finish_reason, 'stop');
	await call(`${base}/v1/chat/completions`, {
		body: chatBody('deepseek-flash'),
		headers: {authorization: `Bearer ${key}`},
	});
	const snap = s.snapshot();
	t.deepEqual(snap.upstream_requests, {deepseek: 2});
	t.deepEqual(
		snap.upstream_log.map((e) => [e.path, e.status, e.stream]),
		[
			['/deepseek/chat/completions', 200, true],
			['/deepseek/v1/chat/completions', 200, false],
		],
	);
});
