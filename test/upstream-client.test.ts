import test from 'ava';
import {createServer, type IncomingMessage, type ServerResponse} from 'node:http';
import type {AddressInfo} from 'node:net';
import {listUpstreamModels, parseModelList, upstreamChat} from '../source/upstream/client.js';
import {UpstreamError} from '../source/upstream/errors.js';

async function serve(
	handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<{url: string; paths: string[]; close: () => Promise<void>}> {
	const paths: string[] = [];
	const server = createServer((req, res) => {
		paths.push(`${req.method} ${req.url}`);
		req.resume();
		req.on('end', () => handler(req, res));
	});
	await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
	const {port} = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		paths,
		close: () =>
			new Promise<void>((r) => {
				server.closeAllConnections();
				server.close(() => r());
			}),
	};
}

const send = (res: ServerResponse, status: number, body: unknown) => {
	res.writeHead(status, {'content-type': 'application/json'});
	res.end(typeof body === 'string' ? body : JSON.stringify(body));
};

test('models: 404/405 move on in candidate order, bearer auth sent', async (t) => {
	const s = await serve((req, res) => {
		t.is(req.headers.authorization, 'Bearer sk-up-123456789');
		if (req.url === '/anthropic/v1/models') return send(res, 404, {error: 'nf'});
		if (req.url === '/anthropic/models') return send(res, 405, '');
		if (req.url === '/v1/models') return send(res, 200, {object: 'list', data: [{id: 'a'}, {id: 'b'}]});
		send(res, 500, {});
	});
	t.teardown(s.close);
	const r = await listUpstreamModels({baseUrl: `${s.url}/anthropic`, apiKey: 'sk-up-123456789'});
	t.deepEqual(r.models, ['a', 'b']);
	t.is(r.url, `${s.url}/v1/models`);
	t.deepEqual(s.paths, ['GET /anthropic/v1/models', 'GET /anthropic/models', 'GET /v1/models']);
});

test('models: a 401 stops at once; non-list 200 → bad_response', async (t) => {
	const s = await serve((req, res) => {
		if (req.url === '/auth/v1/models') return send(res, 401, {error: {message: 'bad key sk-up-123456789'}});
		send(res, 200, '<html>hi</html>');
	});
	t.teardown(s.close);
	const e = await t.throwsAsync(listUpstreamModels({baseUrl: `${s.url}/auth`, apiKey: 'sk-up-123456789'}), {
		instanceOf: UpstreamError,
	});
	t.is(e?.kind, 'auth');
	t.is(e?.status, 401);
	t.false(e!.body.includes('sk-up-123456789'));
	t.deepEqual(s.paths, ['GET /auth/v1/models']);
	const e2 = await t.throwsAsync(listUpstreamModels({baseUrl: `${s.url}/html`, apiKey: 'k'}), {
		instanceOf: UpstreamError,
	});
	t.is(e2?.kind, 'bad_response');
});

test('parseModelList accepts data[], models[], bare arrays and strings', (t) => {
	t.deepEqual(parseModelList('{"data":[{"id":"x"}]}'), ['x']);
	t.deepEqual(parseModelList('{"models":[{"name":"y"},"z"]}'), ['y', 'z']);
	t.deepEqual(parseModelList('["q"]'), ['q']);
	t.is(parseModelList('{"object":"list"}'), null);
	t.is(parseModelList('nope'), null);
});

test('chat: body, reasoning_content fallback, preview cap, error shapes with HTTP 200', async (t) => {
	let mode = 'ok';
	const s = await serve((_req, res) => {
		if (mode === 'ok') return send(res, 200, {choices: [{message: {content: 'x'.repeat(200)}}]});
		if (mode === 'reasoning')
			return send(res, 200, {choices: [{message: {content: '', reasoning_content: 'thinking'}}]});
		if (mode === 'minimax-auth')
			return send(res, 200, {base_resp: {status_code: 1004, status_msg: 'login fail'}});
		if (mode === 'minimax-quota')
			return send(res, 200, {base_resp: {status_code: 1008, status_msg: 'insufficient balance'}});
		if (mode === 'minimax-rate')
			return send(res, 200, {base_resp: {status_code: 1002, status_msg: 'rate limit'}});
		if (mode === 'no-choices') return send(res, 200, {id: 'x'});
		send(res, 200, '{"choices":[');
	});
	t.teardown(s.close);
	const o = {baseUrl: `${s.url}/v1`, apiKey: 'sk-k', model: 'm'};
	const r = await upstreamChat(o);
	t.is(r.preview.length, 80);
	t.is(r.url, `${s.url}/v1/chat/completions`);
	t.is(s.paths.at(-1), 'POST /v1/chat/completions');
	mode = 'reasoning';
	t.is((await upstreamChat(o)).preview, 'thinking');
	for (const [m, kind] of [
		['minimax-auth', 'auth'],
		['minimax-quota', 'quota'],
		['minimax-rate', 'rate_limited'],
		['no-choices', 'bad_response'],
		['truncated', 'bad_response'],
	] as const) {
		mode = m;
		const e = await t.throwsAsync(upstreamChat(o), {instanceOf: UpstreamError});
		t.is(e?.kind, kind, m);
	}
});

test('chat request is minimal: non-stream, max_tokens 8', async (t) => {
	let got: any = null;
	const s2 = createServer((req, res) => {
		let raw = '';
		req.on('data', (c: Buffer) => (raw += c.toString()));
		req.on('end', () => {
			got = JSON.parse(raw);
			send(res, 200, {choices: [{message: {content: 'pong'}}]});
		});
	});
	await new Promise<void>((r) => s2.listen(0, '127.0.0.1', r));
	t.teardown(() => new Promise<void>((r) => s2.close(() => r())));
	const {port} = s2.address() as AddressInfo;
	await upstreamChat({baseUrl: `http://127.0.0.1:${port}`, apiKey: 'k', model: 'deepseek-flash'});
	t.deepEqual(got, {
		model: 'deepseek-flash',
		messages: [{role: 'user', content: 'ping'}],
		max_tokens: 8,
		stream: false,
	});
});
