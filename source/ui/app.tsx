// Placeholder home screen until the TUI issue lands: a real Ink app with the data folder, host
// count and a menu whose only working item is Quit.
import React, {useEffect, useState} from 'react';
import {Box, Text, useApp} from 'ink';
import SelectInput from 'ink-select-input';
import {StateStore} from '../store/state-store.js';

export function App({dataDir}: {dataDir: string}) {
	const {exit} = useApp();
	const [hosts, setHosts] = useState<number | null>(null);
	const [error, setError] = useState<string | null>(null);
	useEffect(() => {
		StateStore.open(dataDir).then(
			(store) => setHosts(store.data.hosts.length),
			(e: unknown) => setError((e as Error).message),
		);
	}, [dataDir]);
	return (
		<Box flexDirection="column">
			<Text bold>sub2api-cn-relay-manager</Text>
			<Text dimColor>
				data: {dataDir} · hosts: {hosts ?? '…'}
			</Text>
			{error ? <Text color="red">{error}</Text> : null}
			<SelectInput items={[{label: 'Quit', value: 'quit'}]} onSelect={() => exit()} />
		</Box>
	);
}
