// Status, second level: the providers on one host (host, pack, base URL) with their latest batch,
// provider and access status and last reconcile; Enter lists that provider's batches.
import React, {useMemo} from 'react';
import {Box} from 'ink';
import {Text} from '../components/text.js';
import {providerRows, type ProviderRow} from '../../core/reads/status.js';
import {useUIActions, useUIState} from '../context.js';
import {Header} from '../components/header.js';
import {KeyHelp, LIST_KEYS} from '../components/key-help.js';
import {SelectList} from '../components/select-list.js';
import {row, TableHeader, type Column} from '../components/table.js';
import {useScreenKeys} from '../hooks/use-screen-keys.js';
import {useListRows} from '../hooks/use-window.js';
import {statusColor} from '../theme.js';

const COLUMNS: Column[] = [
	{title: 'PACK', width: 8},
	{title: 'BASE URL', width: 22},
	{title: 'PROVIDER', width: 8},
	{title: 'ACCESS', width: 18},
	{title: 'RECONCILE', width: 9},
	{title: 'N', width: 4},
];

export function ProvidersScreen({hostId}: {hostId: string}) {
	const {data} = useUIState();
	const actions = useUIActions();
	const limit = useListRows(10);
	useScreenKeys({list: true, onBack: actions.back});
	const host = data?.hosts.find((h) => h.host_id === hostId);
	const providers = useMemo(() => (data ? providerRows(data, hostId) : []), [data, hostId]);
	const items = [
		...providers.map((p) => ({
			key: `${p.pack}|${p.base_url}`,
			label: row(
				[
					p.pack,
					p.base_url,
					p.provider_status,
					p.access_status,
					p.last_reconcile?.reconcile_status,
					p.batches,
				],
				COLUMNS,
			),
			value: p as ProviderRow | null,
			color: statusColor(p.access_status === 'pending' ? null : p.access_status),
		})),
		{key: '*all', label: 'All batches on this host', value: null as ProviderRow | null},
	];
	return (
		<Box flexDirection="column">
			<Header
				title={`Status › ${host?.name ?? hostId}`}
				subtitle={host ? `${host.url} · sub2api ${host.version ?? '?'}` : undefined}
			/>
			{providers.length === 0 ? (
				<Text dimColor>No imports into this host yet.</Text>
			) : (
				<TableHeader columns={COLUMNS} indent={2} />
			)}
			<SelectList
				items={items}
				limit={limit}
				onSelect={(p) =>
					actions.push(
						p ? {id: 'batches', hostId, pack: p.pack, baseUrl: p.base_url} : {id: 'batches', hostId},
					)
				}
			/>
			<KeyHelp keys={LIST_KEYS} />
		</Box>
	);
}
