// Mounts the TUI. Only imported when `crm` runs with no command on a terminal. NO_COLOR is honoured
// by telling chalk (which Ink and the input widgets colour with) before any of them loads.
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
	const instance = render(<App app={app} session={session} />, {exitOnCtrlC: false});
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
