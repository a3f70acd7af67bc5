// Drift & rollback (placeholder until the reconcile/rollback engine lands).
import React from 'react';
import {Box, Text} from 'ink';
import {useUIActions} from '../context.js';
import {Header} from '../components/header.js';
import {KeyHelp} from '../components/key-help.js';
import {useScreenKeys} from '../hooks/use-screen-keys.js';

export function DriftScreen(_props: {hostId?: string; batchId?: string; then?: 'rollback' | 'reconcile'}) {
	const actions = useUIActions();
	useScreenKeys({list: true, onBack: actions.back});
	return (
		<Box flexDirection="column">
			<Header title="Drift & rollback" />
			<Text>Use crm reconcile / crm rollback for now.</Text>
			<KeyHelp keys={[{keys: 'Esc', does: 'back'}]} />
		</Box>
	);
}
