// The one way the TUI shows an error: ✗ and the message, the field said in the TUI's words
// (docs/architecture.md "Input errors"), and what to do when another crm holds the data folder.
import React from 'react';
import {Box} from 'ink';
import {Text} from './text.js';
import {CrmError} from '../../lib/errors.js';
import {safeText} from '../../lib/safe-text.js';
import {redactText} from '../../lib/secrets.js';
import {color} from '../theme.js';

/** The TUI's words for the fields operations name. */
export const FIELD_WORDS: Record<string, string> = {
	host: 'the host',
	pack: 'the pack',
	url: 'the URL',
	key: 'the key field',
	access: 'the access mode',
	smoke_model: 'the smoke model',
	user: 'the user',
	force: 'force',
	batch: 'the batch',
	name: 'the name',
	run: 'the run',
	gateway_url: 'the gateway address',
	auto_pause: 'auto-pause',
	pause_after: 'pause after',
};

/** An error as a screen shows it: the field in the TUI's words, no control characters, secrets redacted. */
export function errorText(error: unknown): string {
	const message =
		error instanceof CrmError && error.field
			? error.messageAs(FIELD_WORDS[error.field] ?? error.field)
			: error instanceof Error
				? error.message
				: String(error);
	return redactText(safeText(message));
}

export function errorField(error: unknown): string | null {
	return error instanceof CrmError ? error.field : null;
}

export function ErrorLine({error}: {error: unknown}) {
	const locked = error instanceof CrmError && error.kind === 'state_locked';
	return (
		<Box flexDirection="column">
			<Text color={color.fail} wrap="wrap">
				✗ {errorText(error)}
			</Text>
			{locked ? (
				<Text dimColor>Another crm holds the data folder; nothing was started. Try again when it ends.</Text>
			) : null}
		</Box>
	);
}
