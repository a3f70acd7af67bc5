// Status, second level: the providers on one host (host, pack, base URL) with their health mark,
// latest batch, provider and access status (each word explained below the list) and last reconcile;
// below, the highlighted provider's health (last check, 24-hour sparkline, balance, alert state;
// docs/domain.md "Health is watched"). Enter lists that provider's batches.
import React, {useMemo, useState} from 'react';
import {Box} from 'ink';
import {Text} from '../components/text.js';
import {providerAccessWord, statusOf, type ProviderRow} from '../../app/reads.js';
import {healthSummary, watchedBatch} from '../../app/health.js';
import {useUIActions, useUIState} from '../context.js';
import {Header} from '../components/header.js';
import {KeyHelp, LIST_KEYS} from '../components/key-help.js';
import {healthMark, ProviderHealth} from '../components/provider-health.js';
import {SelectList} from '../components/select-list.js';
import {columns, row, TableHeader, useFitted} from '../components/table.js';
import {useRead} from '../hooks/use-read.js';
import {useScreenKeys} from '../hooks/use-screen-keys.js';
import {useListRows} from '../hooks/use-window.js';
import {statusColor} from '../theme.js';
import {WordLegend, type Words} from '../components/word-legend.js';

type Pick = ProviderRow | null | 'resources';

// The first column is the health mark (✓ ok, ✗ failing, ‖ paused, · not checked); the others are
// the CLI's (crm status), the base URL growing with the terminal and shortened in the middle.
const COLUMNS = columns(
	' :1, PACK:8, BASE URL:22+~, PROVIDER:8, ACCESS:18, LAST RECONCILE:14?, BATCHES:7?, LATEST BATCH:23?',
);

export function ProvidersScreen({hostId}: {hostId: string}) {
	const {app, data} = useUIState();
	const actions = useUIActions();
	const limit = useListRows(15);
	const fitted = useFitted(COLUMNS);
	useScreenKeys({list: true, onBack: actions.back});
	const host = data?.hosts.find((h) => h.host_id === hostId);
	const providers = useMemo(
		() => (data && host ? (statusOf(data, {host: hostId})[0]?.providers ?? []) : []),
		[data, host, hostId],
	);
	const summary = useRead(() => healthSummary(app), [app, data]);
	const health = summary?.value ?? {};
	// undefined until the highlight moves (the first row is highlighted then); null: "All batches".
	const [highlighted, setHighlighted] = useState<ProviderRow | null | undefined>(undefined);
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
					providerAccessWord(p),
					p.last_reconcile?.reconcile_status,
					p.batches,
					p.latest_batch,
				],
				fitted,
			),
			value: p as Pick,
			color: statusColor(
				p.access_drifted ? 'drifted' : p.access_status === 'pending' ? null : p.access_status,
			),
		})),
		{key: '*resources', label: 'Every resource the tool recorded on this host', value: 'resources' as Pick},
		{key: '*all', label: 'All batches on this host', value: null as Pick},
	];
	const shown = current;
	const words: Words = shown
		? [
				['access', providerAccessWord(shown)],
				['provider', shown.provider_status],
				['reconcile', shown.last_reconcile?.reconcile_status],
			]
		: [];
	return (
		<Box flexDirection="column">
			<Header
				title={`Status › ${host?.name ?? 'a host no longer registered'}`}
				subtitle={
					host
						? `${host.url}${host.gateway_url && host.gateway_url !== host.url ? ` · gateway ${host.gateway_url}` : ''} · sub2api ${host.version ?? '(version unknown)'}`
						: undefined
				}
			/>
			{providers.length === 0 ? (
				<Text dimColor>No imports into this host yet.</Text>
			) : (
				<TableHeader columns={fitted} indent={2} />
			)}
			<SelectList
				items={items}
				limit={limit}
				onHighlight={(p) => setHighlighted(p === 'resources' ? null : p)}
				onSelect={(p) =>
					actions.push(
						p === 'resources'
							? {id: 'resources', hostId}
							: p
								? {id: 'batches', hostId, pack: p.pack, baseUrl: p.base_url}
								: {id: 'batches', hostId},
					)
				}
			/>
			{current ? (
				<Box flexDirection="column" marginTop={1}>
					<ProviderHealth batchId={currentBatch} health={currentBatch ? health[currentBatch] : undefined} />
				</Box>
			) : null}
			<WordLegend words={words} max={3} />
			<KeyHelp keys={LIST_KEYS} words={words} />
		</Box>
	);
}
