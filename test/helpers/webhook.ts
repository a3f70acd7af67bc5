// A local webhook receiver on 127.0.0.1 that counts what it is sent (the alert tests' witness).
// `fail` answers 500 to the next N posts; `redirectTo` answers 302 to every post.
import http from 'node:http';
import type {ExecutionContext} from 'ava';

export interface Received {
	path: string;
	body: any;
	at: number;
}

export interface Receiver {
	/** The URL with a token-like path segment, as Feishu/DingTalk URLs carry. */
	url: string;
	/** Posts answered 200 (delivered alerts). */
	received: Received[];
	/** Every post, answered or not. */
	attempts: number;
	fail: number;
	redirectTo: string | null;
	/** Milliseconds to wait before answering. */
	delayMs: number;
	answer: unknown;
	kinds(): string[];
}

export async function receiver(t: ExecutionContext): Promise<Receiver> {
	const self: Receiver = {
		url: '',
		received: [],
		attempts: 0,
		fail: 0,
		redirectTo: null,
		delayMs: 0,
		answer: {ok: true},
		kinds: () =>
			self.received.map((r) => String(r.body?.kind ?? r.body?.msg_type ?? r.body?.msgtype ?? 'text')),
	};
	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			const text = Buffer.concat(chunks).toString('utf8');
			let body: unknown = text;
			try {
				body = JSON.parse(text);
			} catch {
				// kept as text
			}
			self.attempts += 1;
			setTimeout(() => {
				if (self.redirectTo) {
					res.writeHead(302, {location: self.redirectTo});
					return res.end();
				}
				if (self.fail > 0) {
					self.fail -= 1;
					res.writeHead(500, {'content-type': 'application/json'});
					return res.end('{"error":"try later"}');
				}
				self.received.push({path: req.url ?? '', body, at: Date.now()});
				res.writeHead(200, {'content-type': 'application/json'});
				res.end(JSON.stringify(self.answer));
			}, self.delayMs);
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const port = (server.address() as {port: number}).port;
	self.url = `http://127.0.0.1:${port}/hook/tok-${Math.random().toString(36).slice(2)}secret`;
	t.teardown(
		() =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	);
	return self;
}
