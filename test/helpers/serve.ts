// `crm serve` from the built CLI as a child process on a free port, and small clients for its JSON
// routes and its server-sent events (eventsource-parser, the parser the host client uses).
import type {ChildProcess} from 'node:child_process';
import {readFileSync} from 'node:fs';
import type {ExecutionContext} from 'ava';
import {EventSourceParserStream} from 'eventsource-parser/stream';
import {captured, startCli} from './cli.js';
import {FAST} from './host-env.js';

export interface Service {
	url: string;
	token: string;
	token_file: string;
	openapi_url: string;
	child: ChildProcess;
	/** Everything the service wrote on stderr so far (request log lines, notes). */
	stderr(): string;
	stdout(): string;
	/** SIGTERM; resolves with the exit code. */
	stop(signal?: NodeJS.Signals): Promise<number | null>;
	exited: Promise<number | null>;
	api(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Answer>;
}

export interface Answer {
	status: number;
	text: string;
	json: any;
	headers: Headers;
}

/** Every answer and event text the tests saw, for the secret scans. */
export const seen: string[] = [];

export async function startService(
	t: ExecutionContext,
	data: string,
	args: string[] = [],
	env: Record<string, string> = {},
): Promise<Service> {
	// A free loopback port unless the test gives its own --listen.
	const listen = args.includes('--listen') ? [] : ['--listen', '127.0.0.1:0'];
	const child = startCli(['serve', ...listen, '--data', data, ...args], {
		env: {...FAST, ...env},
	});
	let out = '';
	let err = '';
	child.stdout!.on('data', (d) => (out += d));
	child.stderr!.on('data', (d) => (err += d));
	const exited = new Promise<number | null>((resolve) =>
		child.on('close', (code) => {
			captured.push(out, err);
			resolve(code);
		}),
	);
	const line = await new Promise<string>((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error(`crm serve did not start:\n${err}`)), 30_000);
		const check = () => {
			const nl = out.indexOf('\n');
			if (nl >= 0) {
				clearTimeout(timer);
				resolve(out.slice(0, nl));
			}
		};
		child.stdout!.on('data', check);
		void exited.then((code) => reject(new Error(`crm serve exited ${code}:\n${err}`)));
	});
	const ready = JSON.parse(line) as {url: string; token_file: string; openapi_url: string};
	const token = readFileSync(ready.token_file, 'utf8').trim();
	const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
		if (child.exitCode === null && child.signalCode === null) child.kill(signal);
		return exited;
	};
	t.teardown(async () => {
		if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
		await exited;
	});
	const api = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
		const res = await fetch(ready.url + path, {
			method,
			headers: {
				authorization: `Bearer ${token}`,
				...(body === undefined ? {} : {'content-type': 'application/json'}),
				...headers,
			},
			body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
		});
		const text = await res.text();
		seen.push(text);
		let json: unknown = null;
		try {
			json = JSON.parse(text);
		} catch {
			/* not JSON */
		}
		return {status: res.status, text, json, headers: res.headers};
	};
	return {
		...ready,
		token,
		child,
		stderr: () => err,
		stdout: () => out,
		stop,
		exited,
		api,
	};
}

export interface SseEvent {
	event: string;
	data: string;
	id: string | undefined;
}

/** Reads a server-sent event stream until it ends (or `until` says stop); every event in order. */
export async function readEvents(
	url: string,
	token: string,
	o: {
		lastEventId?: string;
		until?: (e: SseEvent) => boolean;
		timeoutMs?: number;
		/** Called once the answer's headers are in (the service is listening for this client). */
		onOpen?: () => void;
	} = {},
): Promise<{status: number; events: SseEvent[]; contentType: string | null}> {
	const controller = new AbortController();
	const timer = setTimeout(() => controller.abort(), o.timeoutMs ?? 60_000);
	const res = await fetch(url, {
		headers: {
			authorization: `Bearer ${token}`,
			accept: 'text/event-stream',
			...(o.lastEventId ? {'last-event-id': o.lastEventId} : {}),
		},
		signal: controller.signal,
	});
	o.onOpen?.();
	const events: SseEvent[] = [];
	if (res.status !== 200 || !res.body) {
		clearTimeout(timer);
		seen.push(await res.text());
		return {status: res.status, events, contentType: res.headers.get('content-type')};
	}
	const stream = res.body.pipeThrough(new TextDecoderStream()).pipeThrough(new EventSourceParserStream());
	try {
		for await (const e of stream) {
			const event = {event: e.event ?? 'message', data: e.data, id: e.id};
			seen.push(e.data);
			events.push(event);
			if (o.until?.(event)) {
				controller.abort();
				break;
			}
		}
	} catch (error) {
		if (!controller.signal.aborted) throw error;
	} finally {
		clearTimeout(timer);
	}
	return {status: res.status, events, contentType: res.headers.get('content-type')};
}
