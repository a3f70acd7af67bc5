// Mounts the TUI. Only imported when `crm` runs with no command on a terminal. NO_COLOR is honoured
// by telling chalk (which Ink and the input widgets colour with) before any of them loads.
import {resolveDataDir} from '../store/paths.js';

export async function runTui(options: {data?: string}): Promise<number> {
	if (process.env.NO_COLOR) process.env.FORCE_COLOR = '0';
	const {render} = await import('ink');
	const {App} = await import('./app.js');
	const {makeConfig} = await import('./engine.js');
	const {TuiSession} = await import('./context.js');
	const config = makeConfig(resolveDataDir(options.data ?? null));
	const session = new TuiSession();
	const instance = render(<App config={config} session={session} />, {exitOnCtrlC: false});
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
	}
	return session.exitCode;
}
