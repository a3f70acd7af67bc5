// Home: the data folder and host count, each host with its latest access status, and the menu.
// With no host registered, `Try the sandbox host` comes first: it starts the built-in sandbox in
// this process, registers it and leads into an import. When `crm serve` runs on the same data folder
// (DATA/serve.json names a live process), Home says so and where: the TUI and the service share the
// folder, each holding the lock only while an operation runs.
import React, {useMemo, useState} from 'react';
import {Box} from 'ink';
import {Text} from '../components/text.js';
import Spinner from 'ink-spinner';
import {providerRows} from '../../core/reads/status.js';
import {readServiceRecord} from '../../store/service-file.js';
import {useUIActions, useUIState} from '../context.js';
import {errorText, trySandbox, type SandboxSession} from '../engine.js';
import {Header} from '../components/header.js';
import {KeyHelp, LIST_KEYS} from '../components/key-help.js';
import {SelectList} from '../components/select-list.js';
import {cell} from '../components/table.js';
import {useOperation} from '../hooks/use-operation.js';
import {useScreenKeys} from '../hooks/use-screen-keys.js';
import {color, statusColor} from '../theme.js';
import type {State} from '../../store/schema.js';

type Choice =
	'sandbox' | 'import' | 'batch-import' | 'status' | 'drift' | 'accept' | 'matrix' | 'hosts' | 'quit';

const MAX_HOSTS = 5;

function hostSummaries(data: State) {
	return data.hosts.map((h) => {
		const rows = providerRows(data, h.host_id);
		const summary =
			rows.length === 0 ? 'no imports yet' : rows.map((r) => `${r.pack} ${r.access_status}`).join(' · ');
		const worst = rows.some((r) => r.access_status === 'broken' || r.batch_status === 'failed')
			? 'broken'
			: rows.some((r) => r.access_status.endsWith('_ready'))
				? 'fully_ready'
				: undefined;
		return {id: h.host_id, name: h.name, version: h.version ?? '?', summary, tint: statusColor(worst)};
	});
}

export function HomeScreen() {
	const {config, data, sandbox} = useUIState();
	const actions = useUIActions();
	const op = useOperation<SandboxSession>();
	const [progress, setProgress] = useState('');
	const hosts = useMemo(() => (data ? hostSummaries(data) : []), [data]);
	// Read again whenever state is reloaded (a service may have started or stopped since).
	// eslint-disable-next-line react-hooks/exhaustive-deps
	const service = useMemo(() => readServiceRecord(config.dataDir), [data, config.dataDir]);
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
				op.start(async () => {
					const session = await trySandbox(config, actions.operator, setProgress);
					actions.setSandbox(session);
					await actions.reload();
					actions.push({id: 'import', hostId: session.hostId});
					return session;
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
				subtitle={`data: ${config.dataDir} · hosts: ${hosts.length}${sandbox ? ` · sandbox running at ${sandbox.handle.info.host_url}` : ''}`}
			/>
			{service ? (
				<Text wrap="truncate-end">
					<Text color={color.accent}>●</Text> service: crm serve at {service.url} (pid {service.pid})
				</Text>
			) : null}
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
				{op.phase === 'error' ? <Text color={color.fail}>✗ {errorText(op.error)}</Text> : null}
			</Box>
			<KeyHelp keys={LIST_KEYS} />
		</Box>
	);
}
