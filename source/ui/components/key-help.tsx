// The keys of the current screen: a one-line hint, or (after `?`) the full list.
import React from 'react';
import {Box, Text} from 'ink';
import {useUIState} from '../context.js';

export interface KeySpec {
	keys: string;
	does: string;
}

export const LIST_KEYS: KeySpec[] = [
	{keys: '↑ ↓', does: 'move'},
	{keys: 'Enter', does: 'choose'},
	{keys: 'Esc', does: 'back'},
	{keys: 'q', does: 'quit'},
];

export function KeyHelp({keys}: {keys: KeySpec[]}) {
	const {helpOpen, running, stopping} = useUIState();
	if (helpOpen) {
		const all = [
			...keys,
			{keys: 'Ctrl-C', does: running ? 'stop the operation cleanly' : 'quit'},
			{keys: '?', does: 'hide these keys'},
		];
		const width = Math.max(...all.map((k) => k.keys.length));
		return (
			<Box flexDirection="column" borderStyle="round" paddingX={1} marginTop={1}>
				<Text bold>Keys</Text>
				{all.map((k) => (
					<Text key={k.keys}>
						<Text bold>{k.keys.padEnd(width)}</Text> {k.does}
					</Text>
				))}
			</Box>
		);
	}
	const hint = running
		? stopping
			? 'stopping cleanly… the current step ends, then the batch is marked where it stopped'
			: 'Ctrl-C stop'
		: [...keys.map((k) => `${k.keys} ${k.does}`), '? keys'].join(' · ');
	return (
		<Box marginTop={1}>
			<Text dimColor wrap="truncate-end">
				{hint}
			</Text>
		</Box>
	);
}
