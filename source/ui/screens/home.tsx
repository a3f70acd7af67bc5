// Home: the data folder and host count, each host with its latest access status, and the menu.
// With no host registered, `Try the sandbox host` comes first: it starts the built-in sandbox in
// this process, registers it and leads into an import.
import React, {useMemo, useState} from 'react';
import {Box, Text} from 'ink';
import Spinner from 'ink-spinner';
import {statusOf, type HostStatus} from '../../app/reads.js';
import {startSandboxHost, type SandboxHost} from '../../app/sandbox.js';
import {useUIActions, useUIState} from '../context.js';
import {ErrorLine} from '../components/error-line.js';
import {Header} from '../components/header.js';
import {KeyHelp, LIST_KEYS} from '../components/key-help.js';
import {SelectList} from '../components/select-list.js';
import {cell} from '../components/table.js';
import {useOperation} from '../hooks/use-operation.js';
import {useScreenKeys} from '../hooks/use-screen-keys.js';
import {color} from '../theme.js';

type Choice =
	'sandbox' | 'import' | 'batch-import' | 'status' | 'drift' | 'accept' | 'matrix' | 'hosts' | 'quit';

const MAX_HOSTS = 5;

const HEALTH_COLOR = {broken: color.fail, ready: color.ok, none: undefined} as const;

/** One line per host: its providers' access, coloured by the host's health (from source/app). */
function hostLine(h: HostStatus) {
	const summary =
		h.providers.length === 0
			? 'no imports yet'
			: h.providers.map((r) => `${r.pack} ${r.access_status}`).join(' · ');
	return {id: h.host_id, name: h.name, version: h.version ?? '?', summary, tint: HEALTH_COLOR[h.health]};
}

export function HomeScreen() {
	const {app, data, sandbox} = useUIState();
	const actions = useUIActions();
	const op = useOperation<SandboxHost>();
	const [progress, setProgress] = useState('');
	const hosts = useMemo(() => (data ? statusOf(data).map(hostLine) : []), [data]);
	useScreenKeys({list: true, isActive: op.phase !== 'running'});

	const items = [
		...(hosts.length === 0 ? [{label: 'Try the sandbox host', value: 'sandbox' as Choice}] : []),
		{label: 'Import a provider', value: 'import' as Choice},
		{label: 'Batch import', value: 'batch-import' as Choice},
		{label: 'Status', value: 'status' as Choice},
		{label: 'Drift & rollback', value: 'drift' as Choice},
		{label: 'Hosts', value: 'hosts' as Choice},
		{label: 'Acceptance run', value: 'accept' as Choice},
		{label: 'Validation matrix', value: 'matrix' as Choice},
		{label: 'Quit', value: 'quit' as Choice},
	];

	const choose = (choice: Choice) => {
		switch (choice) {
			case 'sandbox':
				op.start(async (signal) => {
					const sink = (e: {type: string; message?: string}) => e.message && setProgress(e.message);
					const started = await startSandboxHost(app, {}, {sink, signal});
					actions.setSandbox(started);
					await actions.reload();
					actions.push({id: 'import', hostId: started.host.host_id});
					return started;
				});
				return;
			case 'import':
				actions.push({id: 'import'});
				return;
			case 'batch-import':
				actions.push({id: 'batch-import'});
				return;
			case 'status':
				actions.push({id: 'status'});
				return;
			case 'drift':
				actions.push({id: 'drift'});
				return;
			case 'accept':
				actions.push({id: 'acceptance'});
				return;
			case 'matrix':
				actions.push({id: 'matrix'});
				return;
			case 'hosts':
				actions.push({id: 'hosts'});
				return;
			case 'quit':
				actions.quit(0);
		}
	};

	return (
		<Box flexDirection="column">
			<Header
				title="Home"
				subtitle={`data: ${app.dataDir} · hosts: ${hosts.length}${sandbox ? ` · sandbox running at ${sandbox.handle.info.host_url}` : ''}`}
			/>
			{hosts.length === 0 ? (
				<Text dimColor wrap="wrap">
					No host registered yet. Try the sandbox host to walk the whole flow in a minute, or add your own
					under Hosts.
				</Text>
			) : (
				<Box flexDirection="column">
					{hosts.slice(0, MAX_HOSTS).map((h) => (
						<Text key={h.id} wrap="truncate-end">
							<Text bold>{cell(h.name, 14)}</Text> <Text dimColor>{cell(h.version, 8)}</Text>{' '}
							<Text color={h.tint}>{h.summary}</Text>
						</Text>
					))}
					{hosts.length > MAX_HOSTS ? (
						<Text dimColor>… and {hosts.length - MAX_HOSTS} more (Hosts, Status)</Text>
					) : null}
				</Box>
			)}
			<Box marginTop={1} flexDirection="column">
				{op.phase === 'running' ? (
					<Text>
						<Text color={color.accent}>
							<Spinner type="dots" />
						</Text>{' '}
						{progress || 'starting the sandbox'}…
					</Text>
				) : (
					<SelectList items={items} onSelect={choose} />
				)}
				{op.phase === 'error' ? <ErrorLine error={op.error} /> : null}
			</Box>
			<KeyHelp keys={LIST_KEYS} />
		</Box>
	);
}
