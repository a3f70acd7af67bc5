// Mounts the TUI. Only imported when `crm` runs with no command on a terminal. NO_COLOR is honoured
// by telling chalk (which Ink and the input widgets colour with) before any of them loads.
// Ink writes through a stdout that redacts every write with every secret the process knows
// (lib/secrets), so nothing on screen can show one, whatever component drew it; only a secret the
// operator asked to see (ui/reveal.ts) gets through while it is shown.
import {redactText} from '../lib/secrets.js';
import {revealing} from './reveal.js';
import {holdStderr} from './hold-stderr.js';

/** process.stdout as Ink sees it: the same stream (size, resize events, TTY), each write redacted. */
export function redactingStdout(stream: NodeJS.WriteStream): NodeJS.WriteStream {
	const write = (chunk: unknown, ...rest: unknown[]): boolean =>
		(stream.write as (...args: unknown[]) => boolean).call(
			stream,
			typeof chunk === 'string' ? revealing(chunk, redactText) : chunk,
			...rest,
		);
	return new Proxy(stream, {
		get(target, property) {
			if (property === 'write') return write;
			const value: unknown = Reflect.get(target, property, target);
			return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
		},
	});
}

export async function runTui(options: {data?: string}): Promise<number> {
	if (process.env.NO_COLOR) process.env.FORCE_COLOR = '0';
	// Loaded together (their graphs overlap and load in parallel); app.js holds Home only, the other
	// screens and the engine load when first used.
	const [{render}, {App}, {Session}, {TuiSession}] = await Promise.all([
		import('ink'),
		import('./app.js'),
		import('../app/session.js'),
		import('./context.js'),
	]);
	const app = new Session({dataDir: options.data ?? null, actor: 'crm tui'});
	const session = new TuiSession();
	// Nothing but the UI on the screen: stderr is held until the TUI has left it, and console output
	// goes there too (not drawn into the frame).
	const stderr = holdStderr();
	const instance = render(<App app={app} session={session} />, {
		exitOnCtrlC: false,
		patchConsole: false,
		stdout: redactingStdout(process.stdout),
	});
	// A SIGTERM/SIGHUP (terminal closed) unmounts cleanly too; Ctrl-C arrives as a key in raw mode.
	const onSignal = () => instance.unmount();
	process.once('SIGTERM', onSignal);
	process.once('SIGHUP', onSignal);
	try {
		await instance.waitUntilExit();
	} finally {
		process.off('SIGTERM', onSignal);
		process.off('SIGHUP', onSignal);
		await session.close();
		stderr.release();
	}
	return session.exitCode;
}
