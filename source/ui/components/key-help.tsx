// The keys of the current screen: a one-line hint, or (after `?`) the full list.
import React from 'react';
import {Box} from 'ink';
import {legend} from '../../app/reads.js';
import {Text} from './text.js';
import {useUIState} from '../context.js';
import type {Words} from './word-legend.js';

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

/**
 * `typing`: a text field has the keys, so `?` is typed, not a command (it is left out of the hint).
 * `words`: the status words this screen shows, explained when the help is open.
 */
export function KeyHelp({
	keys,
	typing = false,
	words = [],
}: {
	keys: KeySpec[];
	typing?: boolean;
	words?: Words;
}) {
	const {helpOpen, running, stopping} = useUIState();
	if (helpOpen) {
		const explained = legend(words);
		const all = [
			...keys,
			{keys: 'Ctrl-C', does: running ? 'stop the operation cleanly' : 'quit'},
			{keys: '?', does: 'hide these keys'},
		];
		return (
			<Box flexDirection="column" borderStyle="round" paddingX={1} marginTop={1}>
				<Text bold>Keys</Text>
				<Box flexWrap="wrap" columnGap={3}>
					{all.map((k) => (
						<Text key={k.keys}>
							<Text bold>{k.keys}</Text> {k.does}
						</Text>
					))}
				</Box>
				{explained.length > 0 ? <Text bold>Words on this screen</Text> : null}
				{explained.map((l) => (
					<Text key={`${l.kind}:${l.word}`} wrap="truncate-end">
						<Text bold>{l.word}</Text> {l.means}
					</Text>
				))}
			</Box>
		);
	}
	const hint = running
		? stopping
			? 'stopping cleanly… the current step ends, then the batch is marked where it stopped'
			: 'Ctrl-C stop'
		: [...keys.map((k) => `${k.keys} ${k.does}`), ...(typing ? [] : ['? keys'])].join(' · ');
	return (
		<Box marginTop={1}>
			<Text dimColor wrap="truncate-end">
				{hint}
			</Text>
		</Box>
	);
}
