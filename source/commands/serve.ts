// `crm serve`: the control plane as an HTTP service (docs/cli.md, Service). Prints one JSON line
// `{"url","token_file","openapi_url"}` on stdout when it listens; a line per request on stderr.
// SIGINT/SIGTERM: stop accepting, let running operations stop cleanly, exit 0.
import {EXIT, invalidInput} from '../lib/errors.js';
import {DEFAULT_LISTEN, isLoopback, parseListen} from '../server/listen.js';
import {flagNumber, flagString, sessionFor, type CommandContext} from './context.js';

function untilSignal(): Promise<NodeJS.Signals> {
	return new Promise((resolve) => {
		const on = (sig: NodeJS.Signals) => {
			process.off('SIGINT', on);
			process.off('SIGTERM', on);
			resolve(sig);
		};
		process.on('SIGINT', on);
		process.on('SIGTERM', on);
	});
}

export async function serveCommand(ctx: CommandContext): Promise<number> {
	const raw = flagString(ctx.flags, 'listen') ?? DEFAULT_LISTEN;
	const listen = parseListen(raw);
	if (!isLoopback(listen.host) && ctx.flags.allowRemote !== true)
		throw invalidInput(
			'--listen',
			`--listen ${listen.host} is not a loopback address; add --allow-remote to serve other machines (the token then crosses the network: put TLS in front), or reach a loopback service through an SSH tunnel`,
		);
	const tokenFile = flagString(ctx.flags, 'tokenFile');
	if (tokenFile !== undefined && tokenFile.trim() === '')
		throw invalidInput('--token-file', '--token-file is empty: give the file that holds the token');
	const ms = (name: string) => {
		const s = flagNumber(ctx.flags, name);
		return s === undefined ? undefined : s * 1000;
	};
	const {startService} = await import('../server/service.js');
	const service = await startService({
		dataDir: ctx.dataDir,
		listen,
		tokenFile,
		log: (line) => ctx.out.note(line),
		logFormat: ctx.out.json ? 'json' : 'text',
		session: {
			timing: {requestTimeoutMs: ms('timeoutS'), smokeRetryMs: ms('smokeRetryS')},
			lockWaitMs: ms('lockWaitS'),
		},
		watch: ctx.flags.watch === true ? await healthLoop(ctx) : undefined,
	});
	process.stdout.write(
		JSON.stringify({url: service.url, token_file: service.token_file, openapi_url: service.openapi_url}) +
			'\n',
	);
	const sig = await untilSignal();
	ctx.out.note(`${sig}: stopping; running operations stop at their next step`);
	await service.stop();
	ctx.out.note('stopped');
	return EXIT.ok;
}

/** The health loop `--watch` runs inside the service: `crm watch` until the service stops. */
async function healthLoop(ctx: CommandContext): Promise<(signal: AbortSignal) => Promise<void>> {
	const session = await sessionFor(ctx);
	const {watch} = await import('../app/watch.js');
	return async (signal) => {
		await watch(session, {}, {sink: () => {}, signal, onNote: (m) => ctx.out.note(`watch: ${m}`)});
	};
}
