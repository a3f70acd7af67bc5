// Home: the data folder and host count, each host with its latest access status, and the menu.
// With no host registered, `Try the sandbox host` comes first: it starts the built-in sandbox in
// this process, registers it and leads into an import. When `crm serve` runs on the same data folder
// (DATA/serve.json names a live process), Home says so and where: the TUI and the service share the
// folder, each holding the lock only while an operation runs.
import React, {useMemo, useState} from 'react';
import {Box} from 'ink';
import {Text} from '../components/text.js';
import {providerAccessWord, statusOf, type HostStatus} from '../../app/reads.js';
import {startSandboxHost, type SandboxHost} from '../../app/sandbox.js';
import {runningService} from '../../app/service.js';
import {useUIActions, useUIState} from '../context.js';
import {Busy} from '../components/busy.js';
import {ErrorLine} from '../components/error-line.js';
import {progressTo} from '../steps.js';
import {Header} from '../components/header.js';
import {KeyHelp, LIST_KEYS} from '../components/key-help.js';
import {SelectList} from '../components/select-list.js';
import {cell} from '../components/table.js';
import {useOperation} from '../hooks/use-operation.js';
import {useScreenKeys} from '../hooks/use-screen-keys.js';
import {useRows} from '../hooks/use-window.js';
import {WordLegend, type Words} from '../components/word-legend.js';
import {color} from '../theme.js';

type Choice =
	| 'sandbox'
	| 'import'
	| 'batch-import'
	| 'status'
	| 'drift'
	| 'acceptance'
	| 'matrix'
	| 'hosts'
	| 'watch'
	| 'quit';

/** The menu: each item opens the screen of the same id (Quit quits). */
const MENU: Array<{label: string; value: Choice}> = [
	{label: 'Import a provider', value: 'import'},
	{label: 'Batch import', value: 'batch-import'},
	{label: 'Status', value: 'status'},
	{label: 'Drift & rollback', value: 'drift'},
	{label: 'Hosts', value: 'hosts'},
	{label: 'Acceptance run', value: 'acceptance'},
	{label: 'Validation matrix', value: 'matrix'},
	{label: 'Watch health', value: 'watch'},
	{label: 'Quit', value: 'quit'},
];

const MAX_HOSTS = 5;

const HEALTH_COLOR = {broken: color.fail, ready: color.ok, none: undefined} as const;

/** One line per host: its providers' access, coloured by the host's health (from source/app). */
function hostLine(h: HostStatus) {
	const summary =
		h.providers.length === 0
			? 'no imports yet'
			: h.providers.map((r) => `${r.pack} ${providerAccessWord(r)}`).join(' · ');
	const words: Words = h.providers.map((r) => ['access', providerAccessWord(r)]);
	return {
		id: h.host_id,
		name: h.name,
		version: h.version ?? 'unknown',
		summary,
		words,
		tint: HEALTH_COLOR[h.health],
	};
}

export function HomeScreen() {
	const {app, data, sandbox} = useUIState();
	const actions = useUIActions();
	const op = useOperation<SandboxHost>();
	const [progress, setProgress] = useState('');
	const hosts = useMemo(() => (data ? statusOf(data).map(hostLine) : []), [data]);
	const words = useMemo(() => hosts.slice(0, MAX_HOSTS).flatMap((h) => h.words), [hosts]);
	const tall = useRows() >= 30;
	// Read again whenever state is reloaded (a service may have started or stopped since).
	// eslint-disable-next-line react-hooks/exhaustive-deps
	const service = useMemo(() => runningService(app.dataDir), [data, app.dataDir]);
	useScreenKeys({list: true, isActive: op.phase !== 'running'});

	const items = [
		...(hosts.length === 0 ? [{label: 'Try the sandbox host', value: 'sandbox' as Choice}] : []),
		...MENU,
	];
	const choose = (choice: Choice) => {
		if (choice === 'quit') return actions.quit(0);
		if (choice !== 'sandbox') return actions.push({id: choice});
		op.start(async (signal) => {
			const started = await startSandboxHost(app, {}, {sink: progressTo(setProgress), signal});
			actions.setSandbox(started);
			await actions.reload();
			actions.push({id: 'import', hostId: started.host.host_id});
			return started;
		});
	};

	return (
		<Box flexDirection="column">
			<Header
				title="Home"
				subtitle={`data: ${app.dataDir} · hosts: ${hosts.length}${sandbox ? ` · sandbox running at ${sandbox.handle.info.host_url}` : ''}`}
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
					<WordLegend words={words} max={tall ? 4 : 1} />
				</Box>
			)}
			<Box marginTop={1} flexDirection="column">
				{op.phase === 'running' ? (
					<Busy text={progress || 'starting the sandbox'} />
				) : (
					<SelectList items={items} onSelect={choose} />
				)}
				{op.phase === 'error' ? <ErrorLine error={op.error} /> : null}
			</Box>
			<KeyHelp keys={LIST_KEYS} words={words} />
		</Box>
	);
}
