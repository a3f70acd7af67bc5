// Home: the data folder and host count, each host with its latest access status, and the menu.
// Unless a sandbox this session started serves a host, `Try the sandbox host` is offered (first when
// no host is registered, else just above Quit): it starts the built-in sandbox in this process, registers it and leads into
// an import. A sandbox host whose sandbox stopped with the previous run is marked so, and its actions
// (start it again, remove it) head the menu. When `crm serve` runs on the same data folder
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
import {OperationLine} from '../components/operation-line.js';
import {
	sandboxOfThisSession,
	sandboxStopped,
	STOPPED_MARK,
	useStoppedSandbox,
} from '../components/stopped-sandbox.js';
import type {HostRecord} from '../../store/schema.js';
import {useColumns, useRows} from '../hooks/use-window.js';
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

/** The name and version columns before a host's summary, with the spaces after them. */
const SUMMARY_AT = 14 + 1 + 8 + 1;

/**
 * The providers' access words, as many as fit in `width` columns (cut with … as the line would be):
 * a host with hundreds of providers is not joined into a line the terminal measures and then cuts.
 */
function summaryOf(h: HostStatus, width: number): string {
	let text = '';
	for (const r of h.providers) {
		text += `${text ? ' · ' : ''}${r.pack} ${providerAccessWord(r)}`;
		if (text.length > width) break;
	}
	return cell(text, width).trimEnd();
}

/** One line per host: its providers' access, coloured by the host's health (from source/app). */
function hostLine(h: HostStatus, record: HostRecord | undefined, width: number) {
	if (record && sandboxStopped(record)) {
		const n = h.providers.reduce((sum, r) => sum + r.batches, 0);
		return {
			id: h.host_id,
			name: h.name,
			version: h.version ?? 'unknown',
			summary: `${STOPPED_MARK}${n > 0 ? ` · ${n} batch${n === 1 ? '' : 'es'} recorded` : ''}`,
			words: [] as Words,
			tint: color.warn,
		};
	}
	const summary = h.providers.length === 0 ? 'no imports yet' : summaryOf(h, width);
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
	const columns = useColumns();
	const hosts = useMemo(
		() =>
			data
				? statusOf(data).map((h) =>
						hostLine(
							h,
							data.hosts.find((r) => r.host_id === h.host_id),
							Math.max(1, columns - SUMMARY_AT),
						),
					)
				: [],
		[data, columns],
	);
	const stoppedHost = data?.hosts.find(sandboxStopped);
	const name = stoppedHost?.name ?? '';
	const stopped = useStoppedSandbox(stoppedHost, {
		restart: `Start it again (${name})`,
		remove: `Remove it (${name})`,
	});
	const busy = op.phase === 'running' || stopped.op.phase === 'running';
	const words = useMemo(() => hosts.slice(0, MAX_HOSTS).flatMap((h) => h.words), [hosts]);
	const rows = useRows();
	const tall = rows >= 30;
	// Read again whenever state is reloaded (a service may have started or stopped since).
	// eslint-disable-next-line react-hooks/exhaustive-deps
	const service = useMemo(() => runningService(app.dataDir), [data, app.dataDir]);
	useScreenKeys({list: true, isActive: !busy});

	// First when no host is registered; with hosts, the work on them comes first and this sits by Quit.
	const trySandbox = sandboxOfThisSession(data?.hosts ?? [])
		? []
		: [{label: 'Try the sandbox host', value: 'sandbox'}];
	// The whole menu where the terminal has room for it (Try the sandbox host, last but one, stays in
	// sight at 80x24): the fixed lines, the host lines, the legend, an outcome line and the list's
	// "more" line are kept free; never fewer than ten rows.
	const shownHosts = Math.min(hosts.length, MAX_HOSTS) + (hosts.length > MAX_HOSTS ? 1 : 0);
	const limit = Math.max(10, rows - 7 - shownHosts - (tall ? 4 : 1) - (service ? 1 : 0) - 3);
	const items: Array<{label: string; value: string}> = [
		...stopped.items,
		...(hosts.length === 0 ? trySandbox : []),
		...MENU.slice(0, -1),
		...(hosts.length === 0 ? [] : trySandbox),
		...MENU.slice(-1),
	];
	const choose = (value: string) => {
		if (stopped.choose(value)) return;
		const choice = value as Choice;
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
					(stopped.panel ?? <SelectList items={items} limit={limit} onSelect={choose} />)
				)}
				{op.phase === 'error' ? <ErrorLine error={op.error} /> : null}
				{stopped.op.phase === 'running' ? null : <OperationLine op={stopped.op} />}
			</Box>
			<KeyHelp keys={LIST_KEYS} words={words} />
		</Box>
	);
}
