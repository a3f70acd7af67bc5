// The running service: token, HTTP server (@hono/node-server), DATA/serve.json while it listens, the
// optional health loop, and a clean stop: stop accepting, let running operations stop at a step
// boundary (their event streams get their `end`), close the remaining streams, remove serve.json.
import {mkdirSync} from 'node:fs';
import type {Server} from 'node:http';
import type {AddressInfo} from 'node:net';
import {hostname} from 'node:os';
import {createAdaptorServer} from '@hono/node-server';
import type {SessionOptions} from '../app/session.js';

import {CrmError} from '../lib/errors.js';
import {resolveDataDir} from '../app/data-folder.js';
import {
	dataPaths,
	readServiceRecord,
	removeServiceRecord,
	toolVersion,
	writeServiceRecord,
} from '../app/service.js';
import {createServiceApp} from './app.js';
import {sessionFactory, type ServiceDeps} from './deps.js';
import {EventHub} from './events.js';
import {urlHost, type ListenAddress} from './listen.js';
import {Operations} from './operations.js';
import {ReadCache} from './read-cache.js';
import type {LogFormat} from './request-log.js';
import {rememberSecret} from './secrets.js';
import {loadOrCreateToken} from './token.js';

export interface ServiceOptions {
	dataDir?: string | null;
	listen: ListenAddress;
	tokenFile?: string;
	/** The health loop, run inside the service until it stops (`--watch`). */
	watch?: (signal: AbortSignal) => Promise<void>;
	log: (line: string) => void;
	logFormat?: LogFormat;
	session?: Omit<SessionOptions, 'dataDir' | 'actor'>;
}

export interface RunningService {
	url: string;
	openapi_url: string;
	token_file: string;
	port: number;
	/** Stops cleanly; resolves once every operation has stopped and the server is closed. */
	stop(): Promise<void>;
}

function listenOn(server: Server, listen: ListenAddress): Promise<AddressInfo> {
	return new Promise((resolve, reject) => {
		const onError = (error: NodeJS.ErrnoException) => {
			const why =
				error.code === 'EADDRINUSE'
					? 'is in use; pick another port (0 picks a free one)'
					: error.code === 'EADDRNOTAVAIL'
						? 'is not an address of this machine'
						: `cannot be listened on (${error.code ?? error.message})`;
			reject(
				new CrmError('invalid_input', `--listen ${listen.host}:${listen.port} ${why}`, {field: '--listen'}),
			);
		};
		server.once('error', onError);
		server.listen(listen.port, listen.host, () => {
			server.off('error', onError);
			resolve(server.address() as AddressInfo);
		});
	});
}

export async function startService(options: ServiceOptions): Promise<RunningService> {
	const dataDir = resolveDataDir(options.dataDir ?? null);
	const paths = dataPaths(dataDir);
	mkdirSync(dataDir, {recursive: true, mode: 0o700});
	const other = readServiceRecord(dataDir);
	if (other && other.pid !== process.pid)
		throw new CrmError(
			'state_locked',
			`a service already runs on this data folder: pid ${other.pid} on ${other.hostname} at ${other.url} (since ${other.started_at}); stop it first`,
		);
	const tokenFile = loadOrCreateToken(
		options.tokenFile ?? paths.serveToken,
		options.tokenFile ? '--token-file' : 'serve.token',
	);
	rememberSecret(tokenFile.token);
	if (tokenFile.warning) options.log(`warning: ${tokenFile.warning}`);

	const stopping = new AbortController();
	const ops = new Operations();
	const hub = new EventHub();
	const session = sessionFactory({
		...options.session,
		dataDir,
		actor: 'crm serve',
		warn: (m) => options.log(`warning: ${m}`),
	});
	const reader = session();
	const reads = new ReadCache(() => reader);
	const deps: ServiceDeps = {
		version: toolVersion(),
		token: tokenFile.token,
		dataDir,
		startedAt: new Date().toISOString(),
		hub,
		ops,
		stopping: stopping.signal,
		watching: Boolean(options.watch),
		log: options.log,
		session,
		read: () => reads.read(),
		derived: (key, compute) => reads.derived(key, compute),
	};
	const app = createServiceApp(deps, {logFormat: options.logFormat});
	const server = createAdaptorServer({fetch: app.fetch}) as Server;
	const address = await listenOn(server, options.listen);
	const url = `http://${urlHost(options.listen.host)}:${address.port}`;
	writeServiceRecord(dataDir, {
		pid: process.pid,
		hostname: hostname(),
		url,
		openapi_url: `${url}/openapi.json`,
		token_file: tokenFile.file,
		started_at: deps.startedAt,
	});
	const watchLoop = options.watch ? ops.start('watch', (signal) => options.watch!(signal)) : null;
	watchLoop?.catch((error: unknown) => options.log(`health loop stopped: ${(error as Error).message}`));

	let stopped: Promise<void> | null = null;
	const stop = () =>
		(stopped ??= (async () => {
			const closed = new Promise<void>((resolve) => server.close(() => resolve()));
			stopping.abort();
			await ops.drain();
			hub.closeAll();
			server.closeIdleConnections();
			const force = setTimeout(() => server.closeAllConnections(), 2000);
			await closed;
			clearTimeout(force);
			removeServiceRecord(dataDir, process.pid);
		})());
	return {url, openapi_url: `${url}/openapi.json`, token_file: tokenFile.file, port: address.port, stop};
}
