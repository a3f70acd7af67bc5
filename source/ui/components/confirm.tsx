// A yes/no choice for destructive or costly actions; "No" is highlighted first.
import React from 'react';
import {Box} from 'ink';
import {Text} from './text.js';
import {SelectList} from './select-list.js';
import {color} from '../theme.js';
import {TextField} from './masked-field.js';

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

/**
 * A typed confirmation for deletes on a shared host: the operator types `phrase` exactly (a host
 * name, `host/pack`, a batch id); Esc goes back (the screen's keys).
 */
export function TypedConfirm({
	prompt,
	phrase,
	what,
	label,
	onConfirm,
	value = '',
	onChange = ignore,
	isActive,
}: {
	/** What typing the phrase will do, drawn before it (the phrase is shown in bold after "Type"). */
	prompt: string;
	phrase: string;
	/** What the phrase is, in the error line: "the host name". */
	what: string;
	label: string;
	onConfirm: () => void;
	/** The typed text, when the screen keeps it (moving to other rows and back keeps what was typed). */
	value?: string;
	onChange?: (value: string) => void;
	isActive?: boolean;
}) {
	const exactly = (v: string) => (v.trim() === phrase ? null : `type ${what} exactly as shown`);
	return (
		<Box flexDirection="column" marginTop={1}>
			<Text>
				Type {what} <Text bold>{phrase}</Text> {prompt} (Esc goes back):
			</Text>
			<TextField {...{label, value, onChange, isActive}} onSubmit={onConfirm} validate={exactly} />
		</Box>
	);
}

const ignore = () => {};
