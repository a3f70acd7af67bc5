// Rotate a batch's provider key from the batch screen (docs/cli.md `crm rotate-key`): the new key is
// typed into a masked field, checked against the provider directly first (a key it refuses changes
// nothing), then the account gets it in place and the smoke runs again.
import React, {useState} from 'react';
import {Box} from 'ink';
import {Text} from '../components/text.js';
import Spinner from 'ink-spinner';
import {rotateProviderKey, type RotateResult} from '../../app/rotate-key.js';
import {useUIState} from '../context.js';
import {errorText} from '../components/error-line.js';
import {MaskedField} from '../components/masked-field.js';
import {SelectList} from '../components/select-list.js';
import {useOperation} from '../hooks/use-operation.js';
import {color} from '../theme.js';

function validate(value: string): string | null {
	if (value.trim() === '') return 'type the new provider key';
	if (/\s/.test(value.trim())) return 'a key has no spaces';
	return null;
}

export function RotateKey({batchId, onDone}: {batchId: string; onDone: () => void}) {
	const {app} = useUIState();
	const op = useOperation<RotateResult>();
	const [key, setKey] = useState('');
	const submit = (value: string) =>
		op.start((signal) => rotateProviderKey(app, {batchId, key: value.trim()}, {sink: () => {}, signal}));
	if (op.phase === 'idle')
		return (
			<Box flexDirection="column" marginTop={1}>
				<MaskedField
					label="New provider key"
					value={key}
					onChange={setKey}
					onSubmit={submit}
					validate={validate}
					note="checked against the provider first; a key it refuses changes nothing (Esc: back)"
				/>
			</Box>
		);
	if (op.phase === 'running')
		return (
			<Text>
				<Text color={color.accent}>
					<Spinner type="dots" />
				</Text>{' '}
				checking the new key, then updating the account and running the smoke…
			</Text>
		);
	const r = op.result;
	return (
		<Box flexDirection="column" marginTop={1}>
			{op.phase === 'error' || !r ? (
				<Text color={color.fail} wrap="wrap">
					✗ {errorText(op.error)}
				</Text>
			) : (
				<Text color={r.access_status.endsWith('_ready') ? color.ok : color.fail} wrap="wrap">
					{r.access_status.endsWith('_ready') ? '✓' : '✗'} key {r.old_fingerprint} → {r.new_fingerprint};
					smoke {r.access_status}
				</Text>
			)}
			<SelectList items={[{label: 'Back', value: 'back'}]} onSelect={onDone} />
		</Box>
	);
}
