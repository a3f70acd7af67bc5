// Status, first level: the hosts, each with its providers' latest access status. Reads the index in
// state.json only (never a batch file), so it opens fast with thousands of batches.
import React, {useMemo} from 'react';
import {Box} from 'ink';
import {Text} from '../components/text.js';
import {statusOf} from '../../app/reads.js';
import {useUIActions, useUIState} from '../context.js';
import {Header} from '../components/header.js';
import {KeyHelp, LIST_KEYS} from '../components/key-help.js';
import {SelectList} from '../components/select-list.js';
import {columns, row, TableHeader, useFitted} from '../components/table.js';
import {useScreenKeys} from '../hooks/use-screen-keys.js';
import {useListRows} from '../hooks/use-window.js';

const COLUMNS = columns('HOST:14, VERSION:8, PROVIDERS:9, READY:5, BATCHES:7, URL:27+~');

const RUNS = '*batch-runs';

export function StatusScreen() {
	const {data} = useUIState();
	const actions = useUIActions();
	const limit = useListRows(9);
	const fitted = useFitted(COLUMNS);
	useScreenKeys({list: true, onBack: actions.back});
	const rows = useMemo(() => (data ? statusOf(data) : []), [data]);
	return (
		<Box flexDirection="column">
			<Header title="Status" subtitle={`${rows.length} host(s) · ${data?.batches.length ?? 0} batch(es)`} />
			{rows.length === 0 ? (
				<Text dimColor>No host registered yet: add one under Hosts, or try the sandbox host from Home.</Text>
			) : (
				<TableHeader columns={fitted} indent={2} />
			)}
			<SelectList
				items={[
					...rows.map((r) => ({
						key: r.host_id,
						label: row(
							[r.name, r.version ?? 'unknown', r.providers.length, r.ready, r.batches, r.url],
							fitted,
						),
						value: r.host_id,
					})),
					// Past batch-import runs reopen their table (crm batch-runs), once there is one.
					...((data?.batch_runs?.length ?? 0) > 0
						? [{key: '*runs', label: `Past batch-import runs (${data!.batch_runs!.length})`, value: RUNS}]
						: []),
				]}
				limit={limit}
				onSelect={(hostId) =>
					actions.push(hostId === RUNS ? {id: 'batch-runs'} : {id: 'status-host', hostId})
				}
			/>
			<KeyHelp keys={LIST_KEYS} />
		</Box>
	);
}
