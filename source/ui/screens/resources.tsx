// Status drill-down: every resource the tool recorded on one host (crm resources), newest first,
// with its state (active, deleted, unknown) and batch; Enter opens the batch that made it.
import React, {useMemo} from 'react';
import {Box} from 'ink';
import {listResources, type HostResource} from '../../app/resources.js';
import {useUIActions, useUIState} from '../context.js';
import {ErrorLine} from '../components/error-line.js';
import {Header} from '../components/header.js';
import {KeyHelp, LIST_KEYS} from '../components/key-help.js';
import {SelectList} from '../components/select-list.js';
import {columns, row, TableHeader, useFitted} from '../components/table.js';
import {Text} from '../components/text.js';
import {useRead} from '../hooks/use-read.js';
import {useScreenKeys} from '../hooks/use-screen-keys.js';
import {useListRows} from '../hooks/use-window.js';
import {color} from '../theme.js';

const COLUMNS = columns('STATE:7, TYPE:12, HOST ID:7, NAME:24+, BATCH:23');

const STATE_COLOR: Record<HostResource['state'], string | undefined> = {
	active: color.ok,
	deleted: undefined,
	unknown: color.warn,
};

export function ResourcesScreen({hostId}: {hostId: string}) {
	const {app, data} = useUIState();
	const actions = useUIActions();
	const limit = useListRows(12, 3);
	const cols = useFitted(COLUMNS);
	useScreenKeys({list: true, onBack: actions.back});
	const host = data?.hosts.find((h) => h.host_id === hostId);
	const list = useRead(() => listResources(app, {host: hostId}), [app, data, hostId]);
	const resources = useMemo(() => list?.value?.resources ?? [], [list]);
	const counts = useMemo(() => {
		const c = {active: 0, deleted: 0, unknown: 0};
		for (const r of resources) c[r.state] += 1;
		return c;
	}, [resources]);
	const items = resources.map((r, i) => ({
		key: `${r.batch_id}|${r.resource_type}|${r.host_resource_id ?? i}`,
		label: row([r.state, r.resource_type, r.host_resource_id ?? '-', r.name, r.batch_id], cols),
		value: r.batch_id,
		color: STATE_COLOR[r.state],
	}));
	return (
		<Box flexDirection="column">
			<Header
				title={`Status › ${host?.name ?? hostId} › resources`}
				subtitle={`${counts.active} active · ${counts.deleted} deleted · ${counts.unknown} unknown · newest first`}
			/>
			{list === null ? <Text dimColor>reading the batches…</Text> : null}
			{list?.error ? <ErrorLine error={list.error} /> : null}
			{list?.value && resources.length === 0 ? (
				<Text dimColor>The tool has recorded no resources on this host.</Text>
			) : null}
			{resources.length > 0 ? <TableHeader columns={cols} indent={2} /> : null}
			<SelectList items={items} limit={limit} onSelect={(batchId) => actions.push({id: 'batch', batchId})} />
			<KeyHelp keys={LIST_KEYS} />
		</Box>
	);
}
