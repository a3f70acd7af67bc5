// Status, second level: the providers on one host (host, pack, base URL) with their health mark,
// latest batch, provider and access status and last reconcile; below, the highlighted provider's
// health (last check, 24-hour sparkline, balance, alert state). Enter lists its batches.
import React, {useEffect, useMemo, useState} from 'react';
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
import {healthMark, ProviderHealth} from '../components/provider-health.js';
import {healthSummary} from '../../app/health.js';
import type {BatchHealth} from '../../core/health/types.js';
import type {State} from '../../store/schema.js';
import {sessionOf} from '../app-session.js';

const COLUMNS: Column[] = [
	{title: ' ', width: 1},
	{title: 'PACK', width: 8},
	{title: 'BASE URL', width: 22},
	{title: 'PROVIDER', width: 8},
	{title: 'ACCESS', width: 18},
	{title: 'RECONCILE', width: 9},
	{title: 'N', width: 4},
];

/** The provider's newest succeeded batch: the one the watch checks. */
function watchedBatch(data: State, p: ProviderRow): string | null {
	let best: {id: string; at: string} | null = null;
	for (const b of data.batches) {
		if (b.host_id !== p.host_id || b.pack !== p.pack || b.base_url !== p.base_url) continue;
		if (b.batch_status !== 'succeeded' || (best && best.at > b.created_at)) continue;
		best = {id: b.batch_id, at: b.created_at};
	}
	return best?.id ?? null;
}

export function ProvidersScreen({hostId}: {hostId: string}) {
	const {data, config} = useUIState();
	const actions = useUIActions();
	const limit = useListRows(14);
	useScreenKeys({list: true, onBack: actions.back});
	const host = data?.hosts.find((h) => h.host_id === hostId);
	const providers = useMemo(() => (data ? providerRows(data, hostId) : []), [data, hostId]);
	const [health, setHealth] = useState<Record<string, BatchHealth>>({});
	// undefined until the highlight moves (the first row is highlighted then); null: "All batches".
	const [highlighted, setHighlighted] = useState<ProviderRow | null | undefined>(undefined);
	useEffect(() => {
		let live = true;
		healthSummary(sessionOf(config)).then(
			(summary) => live && setHealth(summary),
			() => {},
		);
		return () => {
			live = false;
		};
	}, [config, data]);
	const watched = useMemo(
		() => new Map(providers.map((p) => [p, data ? watchedBatch(data, p) : null])),
		[providers, data],
	);
	const current = highlighted === undefined ? (providers[0] ?? null) : highlighted;
	const currentBatch = current ? (watched.get(current) ?? null) : null;
	const items = [
		...providers.map((p) => ({
			key: `${p.pack}|${p.base_url}`,
			label: row(
				[
					healthMark(health[watched.get(p) ?? '']),
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
				onHighlight={(p) => setHighlighted(p)}
				onSelect={(p) =>
					actions.push(
						p ? {id: 'batches', hostId, pack: p.pack, baseUrl: p.base_url} : {id: 'batches', hostId},
					)
				}
			/>
			{current ? (
				<Box flexDirection="column" marginTop={1}>
					<ProviderHealth
						dataDir={config.dataDir}
						batchId={currentBatch}
						health={currentBatch ? health[currentBatch] : undefined}
					/>
				</Box>
			) : null}
			<KeyHelp keys={LIST_KEYS} />
		</Box>
	);
}
