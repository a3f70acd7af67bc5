// A terminal without raw mode cannot drive the TUI's keys: say so, point to the CLI, exit 2.
import React, {useEffect} from 'react';
import {Box, useApp} from 'ink';
import {Text} from '../components/text.js';
import type {TuiSession} from '../context.js';

export function NoRawMode({session}: {session: TuiSession}) {
	const {exit} = useApp();
	useEffect(() => {
		session.setExitCode(2);
		const timer = setTimeout(() => exit(), 0);
		return () => clearTimeout(timer);
	}, [exit, session]);
	return (
		<Box flexDirection="column">
			<Text>crm: this terminal does not support raw mode, which the TUI needs to read keys.</Text>
			<Text>Use the command line instead: crm --help (every TUI action is a command too).</Text>
		</Box>
	);
}
