// Status, third level: batches (of a host, or of one provider on it), newest first, windowed so a
// list of thousands draws only the rows that fit. Enter opens one batch (its file only).
import React, {useMemo, useState} from 'react';
import {Box} from 'ink';
import {Text} from '../components/text.js';
import {accessWord, batchesOf} from '../../app/reads.js';
import {useUIActions, useUIState} from '../context.js';
import {Header} from '../components/header.js';
import {KeyHelp, LIST_KEYS} from '../components/key-help.js';
import {SelectList} from '../components/select-list.js';
import {columns, row, TableHeader} from '../components/table.js';
import {useScreenKeys} from '../hooks/use-screen-keys.js';
import {useListRows} from '../hooks/use-window.js';
import {statusColor} from '../theme.js';
import {WordLegend, type Words} from '../components/word-legend.js';

const COLUMNS = columns('BATCH:23, PACK:8, MODE:12, STATUS:11, ACCESS:18');

export function BatchesScreen({hostId, pack, baseUrl}: {hostId: string; pack?: string; baseUrl?: string}) {
	const {data} = useUIState();
	const actions = useUIActions();
	const limit = useListRows(12);
	const [highlighted, setHighlighted] = useState(0);
	useScreenKeys({list: true, onBack: actions.back});
	const host = data?.hosts.find((h) => h.host_id === hostId);
	const batches = useMemo(
		() => (data && host ? batchesOf(data, {host: hostId, pack, baseUrl}) : []),
		[data, host, hostId, pack, baseUrl],
	);
	const items = useMemo(
		() =>
			batches.map((b) => ({
				key: b.batch_id,
				label: row(
					[b.batch_id, b.pack, b.access_mode, b.batch_status, accessWord(b.batch_status, b.access_status)],
					COLUMNS,
				),
				value: b.batch_id,
				color: statusColor(b.batch_status === 'succeeded' ? null : b.batch_status),
			})),
		[batches],
	);
	const shown = batches[highlighted];
	const words: Words = shown
		? [
				['batch', shown.batch_status],
				['access', accessWord(shown.batch_status, shown.access_status)],
			]
		: [];
	return (
		<Box flexDirection="column">
			<Header
				title={`Status › ${host?.name ?? hostId} › ${pack ? `${pack} batches` : 'batches'}`}
				subtitle={`${batches.length} batch(es)${baseUrl ? ` · ${baseUrl}` : ''} · newest first`}
			/>
			{batches.length === 0 ? (
				<Text dimColor>No batches.</Text>
			) : (
				<TableHeader columns={COLUMNS} indent={2} />
			)}
			<SelectList
				items={items}
				limit={limit}
				onHighlight={(_v, i) => setHighlighted(i)}
				onSelect={(batchId) => actions.push({id: 'batch', batchId})}
			/>
			<WordLegend words={words} max={2} />
			<KeyHelp
				keys={[...LIST_KEYS.slice(0, 1), {keys: 'PgUp PgDn', does: 'page'}, ...LIST_KEYS.slice(1)]}
				words={words}
			/>
		</Box>
	);
}
