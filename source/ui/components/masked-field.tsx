// A labelled text field, validated as typed: the validator's message shows under it and Enter is
// refused while it fails, never silently: an empty field that must be filled says it is required.
// With `mask` it is a secret field (only `*` is ever drawn). The cursor is a glyph (█ at the end,
// the character under it inverted elsewhere) and a placeholder is drawn in brackets, so both read
// without colour (NO_COLOR). A paste that ends in a newline (a key copied with its line end) is
// typed, then submitted, as Enter would.
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
	/** The value Enter was last pressed on: if the check refuses it, its reason shows (even when empty). */
	tried: string | null;
}

type EditAction = {input: string; key: Key};

/** Where the first line of a pasted chunk ends (\r or \n), or -1. */
const lineEnd = (input: string) => input.search(/[\r\n]/);

function insert(state: Edit, text: string): Edit {
	const {value, cursor} = state;
	return {...state, value: value.slice(0, cursor) + text + value.slice(cursor), cursor: cursor + text.length};
}

function edit(state: Edit, {input, key}: EditAction): Edit {
	const {value, cursor} = state;
	if (key.return) return {...state, submits: state.submits + 1, tried: value};
	const end = key.ctrl || key.meta ? -1 : lineEnd(input);
	if (end >= 0) {
		// eslint-disable-next-line no-control-regex
		const typed = insert(state, input.slice(0, end).replace(/[\u0000-\u001F\u007F]/g, ''));
		return {...typed, submits: typed.submits + 1, tried: typed.value};
	}
	if (key.leftArrow) return {...state, cursor: Math.max(0, cursor - 1)};
	if (key.rightArrow) return {...state, cursor: Math.min(value.length, cursor + 1)};
	if (key.home || (key.ctrl && input === 'a')) return {...state, cursor: 0};
	if (key.end || (key.ctrl && input === 'e')) return {...state, cursor: value.length};
	if (key.ctrl && input === 'u') return {...state, value: value.slice(cursor), cursor: 0};
	// Backspaces a terminal sends as one chunk (key repeat, a burst of presses) each delete one.
	// eslint-disable-next-line no-control-regex
	const backspaces = key.backspace || key.delete ? 1 : /^[\u0008\u007F]+$/.test(input) ? input.length : 0;
	if (backspaces > 0) {
		const from = Math.max(0, cursor - backspaces);
		return {...state, value: value.slice(0, from) + value.slice(cursor), cursor: from};
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
	return insert(state, text);
}

/** Why Enter was refused: an empty field is required (in its label's words), else the check's message. */
function refusal(label: string, value: string, problem: string | null): string | null {
	if (problem === null) return null;
	return value.trim() === '' ? `${label} is required: type it, or Esc to go back` : problem;
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
	const [state, dispatch] = useReducer(edit, {
		value: initial,
		cursor: initial.length,
		submits: 0,
		tried: null,
	});
	const {value, cursor, submits} = state;
	const active = isActive && (promptLayer || !prompt);
	useKeys((input, key) => dispatch({input, key}), {isActive: active});

	const notified = useRef(initial);
	useEffect(() => {
		if (notified.current === value) return;
		notified.current = value;
		onChange(value);
	}, [value, onChange]);

	// Judged on the value Enter was pressed on: keys typed after it (a fast operator, before this
	// effect ran) never turn a refused Enter into a submit.
	const {tried} = state;
	const submitted = useRef(0);
	useEffect(() => {
		if (submits === submitted.current || tried === null) return;
		submitted.current = submits;
		if (!validate || validate(tried) === null) onSubmit(tried);
	}, [submits, tried, validate, onSubmit]);

	const problem = validate ? validate(value) : null;
	const shown = mask ? '*'.repeat(value.length) : value;
	const said = tried === value ? refusal(label, value, problem) : null;
	return (
		<Box flexDirection="column">
			<Text wrap="wrap">
				<Text bold>{label}: </Text>
				{shown.slice(0, cursor)}
				{active ? (
					cursor < shown.length ? (
						<Text inverse underline>
							{shown[cursor]}
						</Text>
					) : (
						'█'
					)
				) : (
					(shown[cursor] ?? '')
				)}
				{shown.slice(cursor + 1)}
				{shown.length === 0 && placeholder ? <Text dimColor> [{placeholder}]</Text> : null}
			</Text>
			{note ? <Text dimColor>{note}</Text> : null}
			{said ? (
				<Text color={color.fail} wrap="wrap">
					✗ {said}
				</Text>
			) : value !== '' && problem ? (
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
