// Mounts the TUI. Only imported when `crm` runs on a terminal with no command.
import React from 'react';
import {render} from 'ink';
import {resolveDataDir} from '../store/paths.js';
import {App} from './app.js';

export async function runTui(options: {data?: string}): Promise<number> {
	const dataDir = resolveDataDir(options.data ?? null);
	const instance = render(<App dataDir={dataDir} />);
	await instance.waitUntilExit();
	return 0;
}
