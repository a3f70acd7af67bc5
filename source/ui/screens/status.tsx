// Status, first level: the hosts, each with its providers' latest access status. Reads the index in
// state.json only (never a batch file), so it opens fast with thousands of batches.
import React, {useMemo} from 'react';
import {Box} from 'ink';
import {Text} from '../components/text.js';
import {providerRows} from '../../core/reads/status.js';
import {useUIActions, useUIState} from '../context.js';
import {Header} from '../components/header.js';
import {KeyHelp, LIST_KEYS} from '../components/key-help.js';
import {SelectList} from '../components/select-list.js';
import {row, TableHeader, type Column} from '../components/table.js';
import {useScreenKeys} from '../hooks/use-screen-keys.js';
import {useListRows} from '../hooks/use-window.js';

const COLUMNS: Column[] = [
	{title: 'HOST', width: 14},
	{title: 'VERSION', width: 8},
	{title: 'PROVIDERS', width: 9},
	{title: 'READY', width: 5},
	{title: 'BATCHES', width: 7},
	{title: 'URL', width: 27},
];

export function StatusScreen() {
	const {data} = useUIState();
	const actions = useUIActions();
	const limit = useListRows(9);
	useScreenKeys({list: true, onBack: actions.back});
	const rows = useMemo(() => {
		if (!data) return [];
		const counts = new Map<string, number>();
		for (const b of data.batches) counts.set(b.host_id, (counts.get(b.host_id) ?? 0) + 1);
		return data.hosts.map((h) => {
			const providers = providerRows(data, h.host_id);
			const ready = providers.filter((p) => p.access_status.endsWith('_ready')).length;
			return {h, providers: providers.length, ready, batches: counts.get(h.host_id) ?? 0};
		});
	}, [data]);
	return (
		<Box flexDirection="column">
			<Header title="Status" subtitle={`${rows.length} host(s) · ${data?.batches.length ?? 0} batch(es)`} />
			{rows.length === 0 ? (
				<Text dimColor>No host registered yet: add one under Hosts, or try the sandbox host from Home.</Text>
			) : (
				<TableHeader columns={COLUMNS} indent={2} />
			)}
			<SelectList
				items={rows.map((r) => ({
					key: r.h.host_id,
					label: row([r.h.name, r.h.version ?? '?', r.providers, r.ready, r.batches, r.h.url], COLUMNS),
					value: r.h.host_id,
				}))}
				limit={limit}
				onSelect={(hostId) => actions.push({id: 'status-host', hostId})}
			/>
			<KeyHelp keys={LIST_KEYS} />
		</Box>
	);
}
