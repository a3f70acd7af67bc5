// A labelled text field, validated as typed: the validator's message shows under it and Enter is
// refused while it fails. With `mask` it is a secret field (the value is never drawn).
import React from 'react';
import {Box, Text} from 'ink';
import TextInput from 'ink-text-input';
import {useUIState} from '../context.js';
import {color} from '../theme.js';

export interface FieldProps {
	label: string;
	value: string;
	onChange: (value: string) => void;
	onSubmit: (value: string) => void;
	/** Returns an error message, or null when the value is acceptable. */
	validate?: (value: string) => string | null;
	mask?: boolean;
	placeholder?: string;
	note?: string;
	isActive?: boolean;
	/** Part of an operator prompt: stays active while the prompt is open. */
	promptLayer?: boolean;
}

export function TextField({
	label,
	value,
	onChange,
	onSubmit,
	validate,
	mask,
	placeholder,
	note,
	isActive = true,
	promptLayer = false,
}: FieldProps) {
	const {prompt} = useUIState();
	const problem = validate ? validate(value) : null;
	return (
		<Box flexDirection="column">
			<Box>
				<Text bold>{label}: </Text>
				<TextInput
					value={value}
					onChange={onChange}
					onSubmit={(v) => {
						if (!validate || validate(v) === null) onSubmit(v);
					}}
					mask={mask ? '*' : undefined}
					placeholder={placeholder}
					focus={isActive && (promptLayer || !prompt)}
				/>
			</Box>
			{note ? <Text dimColor>{note}</Text> : null}
			{value !== '' && problem ? <Text color={color.fail}>✗ {problem}</Text> : null}
			{value !== '' && !problem && validate ? <Text color={color.ok}>✓ looks right</Text> : null}
		</Box>
	);
}

/** A masked secret field (provider key, admin credential, TOTP code). */
export function MaskedField(props: Omit<FieldProps, 'mask'>) {
	return <TextField {...props} mask />;
}
