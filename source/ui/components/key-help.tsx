// The keys of the current screen: a one-line hint, or (after `?`) the full list. The hint fits the
// terminal (80 columns and up): when the screen has more keys than fit, the middle ones are left to
// the full list, and the hint always ends with how to open it (`?`, or Tab while a field is typed in).
import React from 'react';
import {Box} from 'ink';
import {legend} from '../../app/reads.js';
import {Text} from './text.js';
import {useUIState} from '../context.js';
import {useColumns} from '../hooks/use-window.js';
import type {Words} from './word-legend.js';

export interface KeySpec {
	keys: string;
	does: string;
}

/** The keys of a typed confirmation (components/confirm.tsx TypedConfirm). */
export const CONFIRM_KEYS: KeySpec[] = [
	{keys: 'Enter', does: 'confirm'},
	{keys: 'Esc', does: 'back'},
];

export const LIST_KEYS: KeySpec[] = [
	{keys: '↑ ↓', does: 'move'},
	{keys: 'Enter', does: 'choose'},
	{keys: 'Esc', does: 'back'},
	{keys: 'q', does: 'quit'},
];

/** The key that opens the full list: `?`, or Tab in a text field (where `?` is typed). */
export const helpKey = (typing: boolean) => (typing ? 'Tab' : '?');

/**
 * The one-line hint within `width`: the keys in order, then the help key; while it is too long, the
 * keys before the last one are left out (the last is Esc or q, the way out) and the help key reads
 * `more keys`.
 */
export function hintLine(keys: KeySpec[], help: string, width: number): string {
	const parts = keys.map((k) => `${k.keys} ${k.does}`);
	let tail = `${help} keys`;
	const line = () => [...parts, tail].join(' · ');
	while (line().length > width && parts.length > 1) {
		parts.splice(parts.length - 2, 1);
		tail = `${help} more keys`;
	}
	return line();
}

/**
 * `typing`: a text field has the keys, so `?` is typed, not a command: Tab opens the list instead.
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
	const width = useColumns();
	const help = helpKey(typing);
	if (helpOpen) {
		const explained = legend(words);
		const all = [
			...keys,
			{keys: 'Ctrl-C', does: running ? 'stop the operation cleanly' : 'quit'},
			{keys: help, does: 'hide these keys'},
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
			? `stopping cleanly: the step ends, the batch is marked where it stopped · ${help} keys`
			: hintLine([{keys: 'Ctrl-C', does: 'stop'}], help, width - 1)
		: hintLine(keys, help, width - 1);
	return (
		<Box marginTop={1}>
			<Text dimColor wrap="truncate-end">
				{hint}
			</Text>
		</Box>
	);
}
