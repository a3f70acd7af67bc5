// A recording HTTP proxy on 127.0.0.1: forwards every request to one target and keeps when each
// started (request head arrived) and ended (the last response byte was handed back). The sandbox's
// own logs carry only a start time; the critical path needs both ends of every request.
import http from 'node:http';
import {now} from './common.js';

export interface ProxyEntry {
	/** Which proxy saw it ("host" or "upstream"). */
	side: string;
	method: string;
	path: string;
	status: number;
	/** The request's user-agent header (the sandbox host's own upstream calls send none). */
	ua: string | null;
	/** Sent with the host probe's invalid key (the chat-completions route probe), not a real user key. */
	probe: boolean;
	start: number;
	end: number;
}

export interface RecordingProxy {
	url: string;
	entries: ProxyEntry[];
	close(): Promise<void>;
}

/**
 * @param rewrite maps the incoming path to the target's path (e.g. strips a per-row prefix);
 *   the recorded path is the incoming one.
 */
export async function startProxy(
	side: string,
	target: string,
	rewrite: (path: string) => string = (p) => p,
): Promise<RecordingProxy> {
	const targetUrl = new URL(target);
	const agent = new http.Agent({keepAlive: true, maxSockets: 256});
	const entries: ProxyEntry[] = [];
	const server = http.createServer((req, res) => {
		const entry: ProxyEntry = {
			side,
			method: req.method ?? 'GET',
			path: (req.url ?? '/').split('?')[0]!,
			status: 0,
			ua: req.headers['user-agent'] ?? null,
			probe: String(req.headers.authorization ?? '').includes('sk-crm-probe-invalid'),
			start: now(),
			end: 0,
		};
		if (entries.length < 200_000) entries.push(entry);
		const upstream = http.request(
			{
				host: targetUrl.hostname,
				port: targetUrl.port,
				method: req.method,
				path: rewrite(req.url ?? '/'),
				headers: {...req.headers, host: targetUrl.host},
				agent,
			},
			(answer) => {
				entry.status = answer.statusCode ?? 0;
				res.writeHead(answer.statusCode ?? 502, answer.headers);
				answer.pipe(res);
			},
		);
		upstream.on('error', () => {
			entry.status = 502;
			if (!res.headersSent) res.writeHead(502, {'content-type': 'text/plain'});
			res.end('bench proxy: target unreachable');
		});
		res.on('close', () => (entry.end = now()));
		req.pipe(upstream);
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => resolve());
	});
	const address = server.address();
	const port = typeof address === 'object' && address ? address.port : 0;
	return {
		url: `http://127.0.0.1:${port}`,
		entries,
		close: () =>
			new Promise<void>((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
				agent.destroy();
			}),
	};
}
