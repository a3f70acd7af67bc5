import test from 'ava';
import {createServer, type IncomingMessage, type ServerResponse} from 'node:http';
import type {AddressInfo} from 'node:net';
import {HostTransport} from '../source/host/transport.js';
import {HostError} from '../source/host/errors.js';

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

async function serve(handler: Handler): Promise<{url: string; close: () => Promise<void>}> {
	const server = createServer((req, res) => {
		let body = '';
		req.on('data', (c: Buffer) => (body += c.toString()));
		req.on('end', () => handler(req, res, body));
	});
	await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
	const {port} = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		close: () =>
			new Promise<void>((r) => {
				server.closeAllConnections();
				server.close(() => r());
			}),
	};
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
	res.writeHead(status, {'content-type': 'application/json', ...headers});
	res.end(JSON.stringify(body));
}

test('GET is retried on 503 and keeps one User-Agent', async (t) => {
	let calls = 0;
	const agents = new Set<string>();
	const s = await serve((req, res) => {
		calls++;
		agents.add(String(req.headers['user-agent']));
		if (calls < 3) return json(res, 503, {code: 503, message: 'busy'});
		json(res, 200, {code: 0, message: 'success', data: 1});
	});
	t.teardown(s.close);
	const tr = new HostTransport({baseUrl: s.url, retries: 2, retryBaseMs: 5, userAgent: 'crm/test'});
	const r = await tr.send('GET', '/x');
	t.is(r.status, 200);
	t.is(calls, 3);
	t.deepEqual([...agents], ['crm/test']);
});

test('GET retries are bounded', async (t) => {
	let calls = 0;
	const s = await serve((_req, res) => {
		calls++;
		json(res, 502, {code: 502, message: 'bad'});
	});
	t.teardown(s.close);
	const tr = new HostTransport({baseUrl: s.url, retries: 2, retryBaseMs: 1});
	const r = await tr.send('GET', '/x');
	t.is(r.status, 502);
	t.is(calls, 3);
});

test('POST without Idempotency-Key is never retried; with one it is', async (t) => {
	let calls = 0;
	const keys: unknown[] = [];
	const s = await serve((req, res) => {
		calls++;
		keys.push(req.headers['idempotency-key']);
		json(res, 503, {code: 503, message: 'busy'});
	});
	t.teardown(s.close);
	const tr = new HostTransport({baseUrl: s.url, retries: 2, retryBaseMs: 1});
	t.is((await tr.send('POST', '/x', {json: {a: 1}})).status, 503);
	t.is(calls, 1);
	calls = 0;
	t.is((await tr.send('POST', '/x', {json: {a: 1}, idempotencyKey: 'idem-1'})).status, 503);
	t.is(calls, 3);
	t.deepEqual(keys.slice(1), ['idem-1', 'idem-1', 'idem-1']);
	calls = 0;
	t.is((await tr.send('PUT', '/x', {json: {a: 1}})).status, 503);
	t.is(calls, 1);
});

test('429 Retry-After is honoured up to the cap', async (t) => {
	let calls = 0;
	const s = await serve((_req, res) => {
		calls++;
		if (calls === 1)
			return json(res, 429, {code: 'RATE_LIMITED', message: 'slow down'}, {'retry-after': '30'});
		json(res, 200, {code: 0, data: null});
	});
	t.teardown(s.close);
	const tr = new HostTransport({baseUrl: s.url, retries: 1, maxRetryAfterMs: 80});
	const started = Date.now();
	const r = await tr.send('GET', '/x');
	const ms = Date.now() - started;
	t.is(r.status, 200);
	t.is(calls, 2);
	t.true(ms >= 70 && ms < 2000, `waited ${ms} ms`);
});

test('timeout → HostError timeout', async (t) => {
	const s = await serve((_req, res) => {
		setTimeout(() => json(res, 200, {code: 0, data: null}), 400);
	});
	t.teardown(s.close);
	const tr = new HostTransport({baseUrl: s.url, timeoutMs: 60, retries: 0});
	const e = await t.throwsAsync(tr.send('GET', '/slow'), {instanceOf: HostError});
	t.is(e?.kind, 'timeout');
	t.is(e?.path, '/slow');
});

test('connection refused → HostError network', async (t) => {
	const s = await serve((_req, res) => json(res, 200, {}));
	const url = s.url;
	await s.close();
	const tr = new HostTransport({baseUrl: url, retries: 0, timeoutMs: 2000});
	const e = await t.throwsAsync(tr.send('GET', '/x'), {instanceOf: HostError});
	t.is(e?.kind, 'network');
	t.is(e?.code, 'ECONNREFUSED');
});

test('AbortSignal is honoured', async (t) => {
	const s = await serve((_req, res) => {
		setTimeout(() => json(res, 200, {code: 0, data: null}), 1000);
	});
	t.teardown(s.close);
	const ac = new AbortController();
	const tr = new HostTransport({baseUrl: s.url, signal: ac.signal, retries: 2});
	setTimeout(() => ac.abort(), 50);
	const started = Date.now();
	const e = await t.throwsAsync(tr.send('GET', '/x'), {instanceOf: HostError});
	t.is(e?.code, 'ABORTED');
	t.true(Date.now() - started < 900);
	const pre = new HostTransport({baseUrl: s.url, signal: AbortSignal.abort()});
	const e2 = await t.throwsAsync(pre.send('GET', '/x'), {instanceOf: HostError});
	t.is(e2?.code, 'ABORTED');
});

test('base URL is normalised and query built', (t) => {
	const tr = new HostTransport({baseUrl: 'http://127.0.0.1:1/sub/ '});
	t.is(tr.baseUrl, 'http://127.0.0.1:1/sub');
	t.is(
		tr.url('/api/v1/x', {page: 1, search: 'a b', skip: undefined}),
		'http://127.0.0.1:1/sub/api/v1/x?page=1&search=a+b',
	);
	t.throws(() => new HostTransport({baseUrl: 'ftp://x'}), {instanceOf: HostError});
});
