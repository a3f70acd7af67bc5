// Batch import (placeholder until the engine offers it to the TUI).
import React from 'react';
import {Box, Text} from 'ink';
import {useUIActions} from '../context.js';
import {Header} from '../components/header.js';
import {KeyHelp} from '../components/key-help.js';
import {useScreenKeys} from '../hooks/use-screen-keys.js';

export function BatchImportScreen() {
	const actions = useUIActions();
	useScreenKeys({list: true, onBack: actions.back});
	return (
		<Box flexDirection="column">
			<Header title="Batch import" />
			<Text>crm import-batch --host HOST --file FILE</Text>
			<KeyHelp keys={[{keys: 'Esc', does: 'back'}]} />
		</Box>
	);
}
