// A yes/no choice for destructive or costly actions; "No" is highlighted first.
import React from 'react';
import {Box} from 'ink';
import {Text} from './text.js';
import {SelectList} from './select-list.js';
import {color} from '../theme.js';

export function Confirm({
	question,
	yes = 'Yes',
	no = 'No, go back',
	danger,
	onAnswer,
	isActive,
}: {
	question: string;
	yes?: string;
	no?: string;
	danger?: boolean;
	onAnswer: (yes: boolean) => void;
	isActive?: boolean;
}) {
	return (
		<Box flexDirection="column">
			<Text color={danger ? color.warn : undefined}>{question}</Text>
			<SelectList
				items={[
					{label: no, value: false},
					{label: yes, value: true, color: danger ? color.fail : undefined},
				]}
				onSelect={onAnswer}
				isActive={isActive}
			/>
		</Box>
	);
}
