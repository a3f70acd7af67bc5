// A labelled text field, validated as typed: the validator's message shows under it and Enter is
// refused while it fails. With `mask` it is a secret field (only `*` is ever drawn).
//
// The editing state lives in a reducer, so keys that arrive faster than Ink renders (key repeat,
// a burst of backspaces) each apply to the latest value; a field that computes the next value
// from its last rendered props drops them. The parent hears every change through `onChange`.
import React, {useCallback, useEffect, useReducer, useRef} from 'react';
import {Box, type Key} from 'ink';
import {Text} from './text.js';
import {registerSecret} from '../../lib/secrets.js';
import {useUIState} from '../context.js';
import {useKeys} from '../hooks/use-keys.js';
import {color} from '../theme.js';

export interface FieldProps {
	label: string;
	/** The starting value (remount with a new `key` to replace it). */
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

interface Edit {
	value: string;
	cursor: number;
	submits: number;
}

type EditAction = {input: string; key: Key};

function edit(state: Edit, {input, key}: EditAction): Edit {
	const {value, cursor} = state;
	if (key.return) return {...state, submits: state.submits + 1};
	if (key.leftArrow) return {...state, cursor: Math.max(0, cursor - 1)};
	if (key.rightArrow) return {...state, cursor: Math.min(value.length, cursor + 1)};
	if (key.home || (key.ctrl && input === 'a')) return {...state, cursor: 0};
	if (key.end || (key.ctrl && input === 'e')) return {...state, cursor: value.length};
	if (key.ctrl && input === 'u') return {...state, value: value.slice(cursor), cursor: 0};
	if (key.backspace || key.delete) {
		if (cursor === 0) return state;
		return {...state, value: value.slice(0, cursor - 1) + value.slice(cursor), cursor: cursor - 1};
	}
	if (
		key.ctrl ||
		key.meta ||
		key.escape ||
		key.tab ||
		key.upArrow ||
		key.downArrow ||
		key.pageUp ||
		key.pageDown
	)
		return state;
	// eslint-disable-next-line no-control-regex
	const text = input.replace(/[\u0000-\u001F\u007F]/g, '');
	if (!text) return state;
	return {...state, value: value.slice(0, cursor) + text + value.slice(cursor), cursor: cursor + text.length};
}

export function TextField({
	label,
	value: initial,
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
	const [state, dispatch] = useReducer(edit, {value: initial, cursor: initial.length, submits: 0});
	const {value, cursor, submits} = state;
	const active = isActive && (promptLayer || !prompt);
	useKeys((input, key) => dispatch({input, key}), {isActive: active});

	const notified = useRef(initial);
	useEffect(() => {
		if (notified.current === value) return;
		notified.current = value;
		onChange(value);
	}, [value, onChange]);

	const submitted = useRef(0);
	useEffect(() => {
		if (submits === submitted.current) return;
		submitted.current = submits;
		if (!validate || validate(value) === null) onSubmit(value);
	}, [submits, value, validate, onSubmit]);

	const problem = validate ? validate(value) : null;
	const shown = mask ? '*'.repeat(value.length) : value;
	return (
		<Box flexDirection="column">
			<Text wrap="wrap">
				<Text bold>{label}: </Text>
				{shown.length === 0 && placeholder ? (
					<>
						<Text inverse={active}>{placeholder[0]}</Text>
						<Text dimColor>{placeholder.slice(1)}</Text>
					</>
				) : (
					<>
						{shown.slice(0, cursor)}
						<Text inverse={active}>{shown[cursor] ?? ' '}</Text>
						{shown.slice(cursor + 1)}
					</>
				)}
			</Text>
			{note ? <Text dimColor>{note}</Text> : null}
			{value !== '' && problem ? (
				<Text color={color.fail} wrap="wrap">
					✗ {problem}
				</Text>
			) : null}
			{value !== '' && !problem && validate ? <Text color={color.ok}>✓ looks right</Text> : null}
		</Box>
	);
}

/**
 * A masked secret field (provider key, admin credential, TOTP code). What it submits is a secret from
 * that moment (lib/secrets): nothing drawn or written afterwards can show it. A `oneTime` code (TOTP)
 * is not registered: six digits would mask unrelated digits everywhere, and it expires in seconds.
 */
export function MaskedField({onSubmit, oneTime, ...props}: Omit<FieldProps, 'mask'> & {oneTime?: boolean}) {
	const submit = useCallback(
		(value: string) => {
			if (!oneTime) registerSecret(value);
			onSubmit(value);
		},
		[onSubmit, oneTime],
	);
	return <TextField {...props} onSubmit={submit} mask />;
}
