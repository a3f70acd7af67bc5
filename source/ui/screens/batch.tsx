// Status, last level: one batch (source/app showBatch reads that batch's file only): its steps, the
// resources it recorded (with host ids; Enter opens one's full record), its own reconcile runs, and
// its evidence files (Enter reads one); smoke again, the smoke as a curl, reconcile and roll back
// when they apply. ← → switch tabs, ↑ ↓ scroll or move.
import React, {useMemo, useState} from 'react';
import {Box} from 'ink';
import {Text} from '../components/text.js';
import {accessWord, nextStep, showBatch} from '../../app/reads.js';
import type {BatchIndex, ResourceRecord} from '../../store/schema.js';
import {useUIActions, useUIState} from '../context.js';
import {errorText} from '../components/error-line.js';
import {Header} from '../components/header.js';
import {KeyHelp} from '../components/key-help.js';
import {useRead} from '../hooks/use-read.js';
import {useScreenKeys} from '../hooks/use-screen-keys.js';
import {useListRows} from '../hooks/use-window.js';
import {color, shortTime, statusColor} from '../theme.js';
import {SmokeAgain} from '../components/smoke-again.js';
import {RotateKey} from './rotate-key.js';
import {FileView} from '../components/file-view.js';
import {RecordView} from '../components/record-view.js';
import {SmokeCurl} from '../components/smoke-curl.js';
import {WordLegend, type Words} from '../components/word-legend.js';
import {EvidenceFiles, linesOf, ResourceRows, TABS, type Tab} from './batch-tabs.js';

export function BatchScreen({batchId}: {batchId: string}) {
	const {app, data} = useUIState();
	const actions = useUIActions();
	const index = data?.batches.find((b) => b.batch_id === batchId);
	const read = useRead(() => showBatch(app, {batch: batchId}), [app, batchId, data]);
	const loaded = useMemo(
		() =>
			read && {
				file: read.value?.file_present ? read.value : null,
				error: read.value ? null : errorText(read.error),
			},
		[read],
	);
	const [tab, setTab] = useState<Tab>('steps');
	const [offset, setOffset] = useState(0);
	const [smoke, setSmoke] = useState(0);
	const [rotate, setRotate] = useState(0);
	const [reading, setReading] = useState<string | null>(null);
	const [record, setRecord] = useState<ResourceRecord | null>(null);
	const [recordAt, setRecordAt] = useState(0);
	const [curl, setCurl] = useState(false);
	const rows = useListRows(14);

	const lines = useMemo(() => (loaded?.file ? linesOf(tab, loaded.file) : []), [loaded, tab]);
	const maxOffset = Math.max(0, lines.length - rows);
	const hasResources = loaded?.file?.holds_resources ?? false;
	const canSmoke = loaded?.file?.smoke_again_applies ?? false;

	const canRotate = Boolean(index && index.batch_status === 'succeeded' && hasResources);
	const listing = smoke === 0 && rotate === 0 && !curl;
	useScreenKeys({
		list: listing,
		isActive: smoke === 0 && reading === null && record === null,
		text: rotate > 0,
		onBack: rotate > 0 ? () => setRotate(0) : curl ? () => setCurl(false) : actions.back,
		onKey: (input, key) => {
			if (rotate > 0 || curl) return false;
			if (key.leftArrow || key.rightArrow || key.tab) {
				// From the tab as it is now, not as this render saw it: keys that arrive in one chunk (a fast
				// repeat, a paste) run before the next render, and each must move one tab.
				const step = key.leftArrow ? -1 : 1;
				setTab((t) => TABS[(TABS.indexOf(t) + step + TABS.length) % TABS.length]!);
				setOffset(0);
				return true;
			}
			if (key.upArrow) setOffset((o) => Math.max(0, o - 1));
			else if (key.downArrow) setOffset((o) => Math.min(maxOffset, o + 1));
			else if (key.pageUp) setOffset((o) => Math.max(0, o - rows));
			else if (key.pageDown) setOffset((o) => Math.min(maxOffset, o + rows));
			else if (input === 's' && index && canSmoke) setSmoke((n) => n + 1);
			else if (input === 'u' && canSmoke) setCurl(true);
			else if (input === 'k' && canRotate) setRotate((n) => n + 1);
			else if (input === 'c' && index)
				actions.push({id: 'drift', hostId: index.host_id, batchId, then: 'reconcile'});
			else if (input === 'r' && index && hasResources)
				actions.push({id: 'drift', hostId: index.host_id, batchId, then: 'rollback'});
			else return false;
			return true;
		},
	});

	if (reading !== null) {
		return (
			<FileView
				title={`Batch ${batchId} › ${reading.split('/').at(-1)}`}
				file={reading}
				onClose={() => setReading(null)}
			/>
		);
	}
	if (record !== null)
		return <RecordView batchId={batchId} record={record} onClose={() => setRecord(null)} />;
	if (!index) {
		return (
			<Box flexDirection="column">
				<Header title={`Batch ${batchId}`} />
				<Text color={color.fail}>no batch {batchId} in this data folder</Text>
				<KeyHelp keys={[{keys: 'Esc', does: 'back'}]} />
			</Box>
		);
	}

	const access = accessWord(index.batch_status, index.access_status);
	const words: Words = [
		['batch', index.batch_status],
		['access', access],
		['provider', index.provider_status],
		['failure', index.failure_class],
	];
	return (
		<Box flexDirection="column">
			<Header
				title={`Batch ${batchId}`}
				subtitle={`${index.pack} · ${index.base_url} · ${index.access_mode} · ${shortTime(index.created_at)}`}
			/>
			<BatchState index={index} access={access} words={words} tab={tab} />
			{loaded === null ? <Text dimColor>reading the batch file…</Text> : null}
			{loaded?.error ? <Text color={color.fail}>{loaded.error}</Text> : null}
			{loaded && !loaded.error && !loaded.file ? (
				<Text color={color.warn}>the batch file is missing</Text>
			) : null}
			{curl ? null : <TabLines lines={lines} offset={offset} rows={rows} />}
			{tab === 'resources' && loaded?.file && !curl ? (
				<ResourceRows
					resources={loaded.file.resources}
					limit={Math.max(3, rows - 1)}
					isActive={listing}
					at={recordAt}
					onAt={setRecordAt}
					onOpen={setRecord}
				/>
			) : null}
			{tab === 'evidence' && loaded?.file && !curl ? (
				<EvidenceFiles
					dir={loaded.file.artifacts_dir}
					files={loaded.file.evidence_files}
					limit={Math.max(3, rows - 1)}
					isActive={listing}
					onOpen={setReading}
				/>
			) : null}
			{curl && loaded?.file ? (
				<SmokeCurl batchId={batchId} model={loaded.file.smoke_model} onClose={() => setCurl(false)} />
			) : null}
			{smoke > 0 ? <SmokeAgain key={smoke} batchId={batchId} onDone={() => setSmoke(0)} /> : null}
			{rotate > 0 ? <RotateKey key={rotate} batchId={batchId} onDone={() => setRotate(0)} /> : null}
			<KeyHelp
				typing={rotate > 0}
				keys={[
					{keys: '← →', does: 'tabs'},
					{keys: '↑ ↓', does: tab === 'evidence' || tab === 'resources' ? 'move' : 'scroll'},
					...(tab === 'evidence' ? [{keys: 'Enter', does: 'read the file'}] : []),
					...(tab === 'resources' ? [{keys: 'Enter', does: 'the full record'}] : []),
					...(canSmoke ? [{keys: 's', does: 'smoke again'}] : []),
					...(canRotate ? [{keys: 'k', does: 'new provider key'}] : []),
					...(canSmoke ? [{keys: 'u', does: 'the smoke as a curl'}] : []),
					{keys: 'c', does: 'reconcile'},
					...(hasResources ? [{keys: 'r', does: 'roll back'}] : []),
					{keys: 'Esc', does: 'back'},
				]}
				words={words}
			/>
		</Box>
	);
}

/** A tab's lines in a window of `rows`, with what is above and below it counted. */
function TabLines({lines, offset, rows}: {lines: ReturnType<typeof linesOf>; offset: number; rows: number}) {
	return (
		<Box flexDirection="column">
			{offset > 0 ? <Text dimColor>↑ {offset} more</Text> : null}
			{lines.slice(offset, offset + rows).map((l, i) => (
				<Text key={offset + i} color={l.color} dimColor={l.dim} wrap="truncate-end">
					{l.text}
				</Text>
			))}
			{offset + rows < lines.length ? <Text dimColor>↓ {lines.length - offset - rows} more</Text> : null}
		</Box>
	);
}

/** The batch's status words, what its failure means, and the tabs. */
function BatchState({
	index,
	access,
	words,
	tab,
}: {
	index: BatchIndex;
	access: string;
	words: Words;
	tab: Tab;
}) {
	return (
		<Box flexDirection="column">
			<Text>
				<Text color={statusColor(index.batch_status)}>{index.batch_status}</Text> · provider{' '}
				<Text color={statusColor(index.provider_status)}>{index.provider_status ?? '-'}</Text> · access{' '}
				<Text bold color={statusColor(index.access_status)}>
					{access}
				</Text>
				{index.stopped_at_step ? <Text> · stopped at {index.stopped_at_step}</Text> : null}
			</Text>
			<WordLegend words={words.slice(0, 2)} max={2} />
			{index.failure_class ? (
				<Text color={color.fail} wrap="truncate-end">
					{index.failure_class}: {nextStep(index.failure_class)}
				</Text>
			) : null}
			<Box marginTop={1}>
				{TABS.map((t) => (
					<Text key={t} bold={t === tab} color={t === tab ? color.accent : undefined} dimColor={t !== tab}>
						{t === tab ? `[${t}]` : ` ${t} `}{' '}
					</Text>
				))}
			</Box>
		</Box>
	);
}
