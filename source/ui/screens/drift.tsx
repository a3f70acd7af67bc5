// Drift & rollback: pick a host, then the whole host (with unmanaged residue) or one batch; run
// reconcile with live progress; see the items by state with the changed fields; then repair, or
// roll back: the plan, the operator types the batch id to confirm, live progress, the result.
import React, {useMemo, useState} from 'react';
import {Box} from 'ink';
import {Text} from '../components/text.js';
import {
	reconcile,
	repair,
	rollback,
	type ReconcileView,
	type RepairResult,
	type RollbackResult,
} from '../../app/drift.js';
import {accessWord, liveBatchesOf, resourceLabel} from '../../app/reads.js';
import {rollbackableProvidersOf} from '../../app/rollback-provider.js';
import type {ReconcileItem} from '../../store/schema.js';
import {useUIActions, useUIState} from '../context.js';
import {Header} from '../components/header.js';
import {KeyHelp, LIST_KEYS} from '../components/key-help.js';
import {SelectList} from '../components/select-list.js';
import {cell, changeLines, columns, row, TableHeader, useFitted, type Column} from '../components/table.js';
import {BatchNowLine} from '../components/batch-now-line.js';
import {RunFrame} from '../components/run-frame.js';
import {useRun} from '../hooks/use-run.js';
import {useScreenKeys} from '../hooks/use-screen-keys.js';
import {useListRows} from '../hooks/use-window.js';
import {color, statusColor} from '../theme.js';
import {WordLegend, type Words} from '../components/word-legend.js';
import {RollbackPlanStage} from './rollback-plan.js';

type Stage =
	| {id: 'host'}
	| {id: 'target'; hostId: string}
	| {id: 'reconcile'; hostId: string; batchId?: string; run: number}
	| {id: 'plan'; hostId: string; batchId: string}
	| {id: 'rollback'; hostId: string; batchId: string}
	| {id: 'repair'; hostId: string; batchId: string};

const STATE_ORDER = ['missing', 'changed', 'unmanaged', 'present'];

// The CLI's reconcile table has these columns too (STATE, BATCH, RESOURCE, DETAIL). A changed item's
// fields follow its row, one `field: old -> new` a line, wrapped rather than cut (the new value is
// what the operator came to see).
const ITEM_COLUMNS = columns('STATE:9, BATCH:23, RESOURCE:22+, DETAIL:18+');

export function DriftScreen({
	hostId,
	batchId,
	then,
}: {
	hostId?: string;
	batchId?: string;
	then?: 'rollback' | 'reconcile';
}) {
	const {data} = useUIState();
	const initial: Stage =
		hostId && batchId && then === 'rollback'
			? {id: 'plan', hostId, batchId}
			: hostId && then === 'reconcile'
				? {id: 'reconcile', hostId, batchId, run: 1}
				: hostId
					? {id: 'target', hostId}
					: data?.hosts.length === 1
						? {id: 'target', hostId: data.hosts[0]!.host_id}
						: {id: 'host'};
	const [history, setHistory] = useState<Stage[]>([initial]);
	const stage = history[history.length - 1]!;
	const actions = useUIActions();
	const go = (next: Stage) => setHistory((h) => [...h, next]);
	const back = () => (history.length > 1 ? setHistory((h) => h.slice(0, -1)) : actions.back());
	const host = data?.hosts.find((h) => h.host_id === ('hostId' in stage ? stage.hostId : undefined));

	switch (stage.id) {
		case 'host':
			return <PickHost onPick={(id) => go({id: 'target', hostId: id})} onBack={back} />;
		case 'target':
			return (
				<PickTarget
					hostId={stage.hostId}
					onPick={(b) => go({id: 'reconcile', hostId: stage.hostId, batchId: b ?? undefined, run: 1})}
					onBack={back}
				/>
			);
		case 'reconcile':
			return (
				<ReconcileStage
					key={`${stage.batchId ?? 'host'}-${stage.run}`}
					hostId={stage.hostId}
					hostName={host?.name ?? 'a host no longer registered'}
					batchId={stage.batchId}
					onBack={back}
					onAgain={() => setHistory((h) => [...h.slice(0, -1), {...stage, run: stage.run + 1}])}
					onRollback={(b) => go({id: 'plan', hostId: stage.hostId, batchId: b})}
					onRepair={(b) => go({id: 'repair', hostId: stage.hostId, batchId: b})}
				/>
			);
		case 'plan':
			return (
				<RollbackPlanStage
					batchId={stage.batchId}
					onConfirm={() =>
						setHistory((h) => [
							...h.slice(0, -1),
							{id: 'rollback', hostId: stage.hostId, batchId: stage.batchId},
						])
					}
					onBack={back}
				/>
			);
		case 'rollback':
			return <RollbackStage batchId={stage.batchId} onDone={actions.home} onBack={back} />;
		case 'repair':
			return (
				<RepairStage
					batchId={stage.batchId}
					onBack={back}
					onRollback={() => go({id: 'plan', hostId: stage.hostId, batchId: stage.batchId})}
				/>
			);
	}
}

function PickHost({onPick, onBack}: {onPick: (hostId: string) => void; onBack: () => void}) {
	const {data} = useUIState();
	useScreenKeys({list: true, onBack});
	const hosts = data?.hosts ?? [];
	return (
		<Box flexDirection="column">
			<Header title="Drift & rollback" subtitle="compare what the tool recorded with the live host" />
			{hosts.length === 0 ? <Text dimColor>No host registered yet.</Text> : <Text bold>Which host?</Text>}
			<SelectList
				items={hosts.map((h) => ({key: h.host_id, label: `${cell(h.name, 14)} ${h.url}`, value: h.host_id}))}
				onSelect={onPick}
			/>
			<KeyHelp keys={LIST_KEYS} />
		</Box>
	);
}

const BATCH_COLUMNS = columns('BATCH:23, PACK:8, STATUS:11, ACCESS:18+, RES:3, LAST RECONCILE:14?');

function PickTarget({
	hostId,
	onPick,
	onBack,
}: {
	hostId: string;
	onPick: (batchId: string | null) => void;
	onBack: () => void;
}) {
	const {data} = useUIState();
	const actions = useUIActions();
	const limit = useListRows(13);
	const fitted = useFitted(BATCH_COLUMNS);
	const [highlighted, setHighlighted] = useState<string | null>(null);
	useScreenKeys({list: true, onBack});
	const host = data?.hosts.find((h) => h.host_id === hostId);
	const batches = useMemo(
		() => (data && host ? liveBatchesOf(data, {host: hostId}) : []),
		[data, host, hostId],
	);
	// Rollback per provider and residue (crm rollback --host --pack, crm residue) open their own screens.
	const extra = useMemo(() => targetExtras(data, hostId), [data, hostId]);
	const items = useMemo(() => {
		return [
			{
				key: '*host',
				label: 'The whole host (every batch, and unmanaged residue)',
				value: null as string | null,
			},
			...batches.map((b) => ({
				key: b.batch_id,
				label: row(
					[
						b.batch_id,
						b.pack,
						b.batch_status,
						accessWord(b.batch_status, b.access_status),
						b.resource_count,
						b.last_reconcile ?? '-',
					],
					fitted,
				),
				value: b.batch_id as string | null,
			})),
		];
	}, [batches, fitted]);
	const shown = batches.find((b) => b.batch_id === highlighted);
	const words: Words = shown
		? [
				['batch', shown.batch_status],
				['access', accessWord(shown.batch_status, shown.access_status)],
				['reconcile', shown.last_reconcile],
			]
		: [];
	return (
		<Box flexDirection="column">
			<Header
				title={`Drift & rollback › ${host?.name ?? 'a host no longer registered'}`}
				subtitle="reconcile the whole host, or one batch (batches holding resources)"
			/>
			<TableHeader columns={fitted} indent={2} />
			<SelectList
				items={[...items, ...extra]}
				limit={limit}
				onHighlight={(v) => setHighlighted(typeof v === 'string' ? v : null)}
				onSelect={(v) => {
					if (v !== null && typeof v === 'object') actions.push({...v, hostId});
					else onPick(v);
				}}
			/>
			<WordLegend words={words} max={3} />
			<KeyHelp keys={LIST_KEYS} words={words} />
		</Box>
	);
}

type Extra = {id: 'residue'} | {id: 'rollback-provider'; pack: string; url: string};

/** The providers still holding resources (roll one back whole), then residue. */
function targetExtras(data: ReturnType<typeof useUIState>['data'], hostId: string) {
	const providers = data ? rollbackableProvidersOf(data, {host: hostId}) : [];
	return [
		...providers.map((p) => ({
			key: `*provider|${p.pack}|${p.base_url}`,
			label: `Roll back provider ${p.pack} · ${p.base_url} (${p.batches} batch${p.batches === 1 ? '' : 'es'})`,
			value: {id: 'rollback-provider', pack: p.pack, url: p.base_url} as Extra | string | null,
		})),
		{
			key: '*residue',
			label: "Residue: what looks like the tool's but has no record",
			value: {id: 'residue'} as Extra | string | null,
		},
	];
}

function ReconcileStage({
	hostId,
	hostName,
	batchId,
	onBack,
	onAgain,
	onRollback,
	onRepair,
}: {
	hostId: string;
	hostName: string;
	batchId?: string;
	onBack: () => void;
	onAgain: () => void;
	onRollback: (batchId: string) => void;
	onRepair: (batchId: string) => void;
}) {
	const {app} = useUIState();
	const run = useRun<ReconcileView>(`── reconcile ${batchId ?? `host ${hostName}`} ──`, (r) =>
		reconcile(app, {host: hostId, batch: batchId}, r),
	);
	const r = run.op.result;
	return (
		<RunFrame
			title={`Reconcile › ${batchId ? `batch ${batchId}` : `host ${hostName}`}`}
			subtitle={
				batchId
					? 'this batch’s recorded resources against the live host'
					: 'every batch on the host, and unmanaged residue'
			}
			run={run}
			// A host-wide run's items are a list of their own, with these choices at its end.
			choices={[
				...(!batchId
					? []
					: r?.repair_applies
						? [
								{
									label: 'Repair (recreate the missing user, key or subscription; smoke)',
									value: 'repair' as const,
								},
							]
						: []),
				...(batchId
					? [
							{label: 'Roll back this batch', value: 'rollback' as const},
							{label: 'Reconcile again', value: 'again' as const},
							{label: 'Back', value: 'back' as const},
						]
					: []),
			]}
			onChoose={(v) => {
				if (v === 'repair') onRepair(batchId!);
				else if (v === 'rollback') onRollback(batchId!);
				else if (v === 'again') onAgain();
				else onBack();
			}}
			onBack={onBack}
			words={reconcileWords}
		>
			{(result) =>
				batchId ? (
					<ReconcileItems result={result} />
				) : (
					<HostItems
						result={result}
						onRepair={onRepair}
						onRollback={onRollback}
						onAgain={onAgain}
						onBack={onBack}
					/>
				)
			}
		</RunFrame>
	);
}

/** The reconcile's status and the states of its items. */
function reconcileWords(r: ReconcileView): Words {
	return [
		['reconcile', r.reconcile_status],
		...STATE_ORDER.filter((s) => r.items.some((i) => i.state === s)).map((s): Words[number] => ['item', s]),
	];
}

/** The reconcile's status, its items counted by state, its run id. */
function ReconcileSummary({result: r}: {result: ReconcileView}) {
	const counts: Record<string, number> = {};
	for (const i of r.items) counts[i.state] = (counts[i.state] ?? 0) + 1;
	return (
		<Text wrap="truncate-end">
			<Text bold color={statusColor(r.reconcile_status)}>
				{r.reconcile_status}
			</Text>
			{' · '}
			{STATE_ORDER.filter((s) => counts[s])
				.map((s) => `${counts[s]} ${s}`)
				.join(' · ') || 'nothing recorded'}
			<Text dimColor> · run {r.run_id}</Text>
		</Text>
	);
}

function ReconcileItems({result: r}: {result: ReconcileView}) {
	const rows = useListRows(17, 3);
	const sorted = useMemo(
		() => [...r.items].sort((a, b) => STATE_ORDER.indexOf(a.state) - STATE_ORDER.indexOf(b.state)),
		[r],
	);
	const counts: Record<string, number> = {};
	for (const i of sorted) counts[i.state] = (counts[i.state] ?? 0) + 1;
	const drifted = sorted.filter((i) => i.state !== 'present');
	const listed = drifted.length > 0 ? drifted : sorted;
	const shown = listed.slice(0, rows);
	const hidden = listed.length - shown.length;
	const cols = useFitted(ITEM_COLUMNS, 0);
	return (
		<Box flexDirection="column">
			<ReconcileSummary result={r} />
			{shown.length > 0 ? <TableHeader columns={cols} /> : null}
			{shown.map((i, n) => (
				<ItemRow key={n} item={i} cols={cols} />
			))}
			{hidden > 0 ? <Text dimColor>… {hidden} more (crm reconcile lists them all)</Text> : null}
			<WordLegend words={reconcileWords(r).filter(([k, w]) => k === 'item' && w !== 'present')} max={2} />
		</Box>
	);
}

function itemCells(item: ReconcileItem): unknown[] {
	// DETAIL as crm reconcile prints it (a changed item's: `field: old -> new; ...`)
	return [
		item.state,
		item.batch_id ?? null,
		resourceLabel(item.resource_type, item.host_resource_id, item.name),
		item.detail,
	];
}

function ItemRow({item, cols}: {item: ReconcileItem; cols: Column[]}) {
	const changes = changeLines(item);
	const cells = itemCells(item);
	return (
		<Box flexDirection="column">
			<Text color={statusColor(item.state)} wrap="truncate-end">
				{row(changes.length ? [...cells.slice(0, 3), `${changes.length} field(s):`] : cells, cols)}
			</Text>
			{changes.map((c) => (
				<Text key={c} color={statusColor(item.state)} wrap="wrap">
					{'    '}
					{c}
				</Text>
			))}
		</Box>
	);
}

type HostChoice = {item: number} | {repair: string} | {rollback: string} | 'list' | 'again' | 'back';

/**
 * A host-wide reconcile: every item with its batch, as a list. Enter on an item of a batch offers
 * that batch's repair (when it applies: only access is missing) and its rollback.
 */
function HostItems({
	result: r,
	onRepair,
	onRollback,
	onAgain,
	onBack,
}: {
	result: ReconcileView;
	onRepair: (batchId: string) => void;
	onRollback: (batchId: string) => void;
	onAgain: () => void;
	onBack: () => void;
}) {
	const cols = useFitted(ITEM_COLUMNS, 2);
	const limit = useListRows(15, 3);
	const [at, setAt] = useState(0);
	const [picked, setPicked] = useState<string | null>(null);
	const [note, setNote] = useState<string | null>(null);
	const sorted = useMemo(
		() => [...r.items].sort((a, b) => STATE_ORDER.indexOf(a.state) - STATE_ORDER.indexOf(b.state)),
		[r],
	);
	const drifted = sorted.filter((i) => i.state !== 'present');
	const listed = drifted.length > 0 ? drifted : sorted;
	const current = listed[at];
	const choose = (c: HostChoice) => {
		if (c === 'list') return setPicked(null);
		if (c === 'again') return onAgain();
		if (c === 'back') return onBack();
		if ('repair' in c) return onRepair(c.repair);
		if ('rollback' in c) return onRollback(c.rollback);
		const item = listed[c.item];
		if (item?.batch_id) setPicked(item.batch_id);
		else setNote('unmanaged residue belongs to no batch: nothing of this tool’s to repair or roll back');
	};
	return (
		<Box flexDirection="column">
			<ReconcileSummary result={r} />
			{picked ? (
				<Box flexDirection="column">
					<Text bold>batch {picked}</Text>
					<SelectList<HostChoice>
						items={[
							...(r.repair_batches.includes(picked)
								? [{label: `Repair batch ${picked}`, value: {repair: picked} as HostChoice}]
								: []),
							{label: `Roll back batch ${picked}`, value: {rollback: picked}},
							{label: 'Back to the items', value: 'list'},
						]}
						onSelect={choose}
					/>
				</Box>
			) : (
				<Box flexDirection="column">
					<TableHeader columns={cols} indent={2} />
					<SelectList<HostChoice>
						items={[
							...listed.map((i, n) => ({
								label: row(itemCells(i), cols),
								value: {item: n} as HostChoice,
								color: statusColor(i.state),
							})),
							{label: 'Reconcile again', value: 'again' as HostChoice},
							{label: 'Back', value: 'back' as HostChoice},
						]}
						limit={limit}
						initialIndex={at}
						onHighlight={(c) => {
							setAt(typeof c === 'object' && 'item' in c ? c.item : -1);
							setNote(null);
						}}
						onSelect={choose}
					/>
					{current ? (
						<Text wrap="truncate-end">
							{resourceLabel(current.resource_type, current.host_resource_id, current.name)}: {current.detail}
						</Text>
					) : null}
					{current ? (
						<Text dimColor wrap="truncate-end">
							{current.batch_id
								? `batch ${current.batch_id}: Enter offers ${r.repair_batches.includes(current.batch_id) ? 'repair or ' : ''}roll back`
								: 'unmanaged residue (no batch)'}
						</Text>
					) : null}
					{note ? <Text color={color.warn}>{note}</Text> : null}
				</Box>
			)}
			<WordLegend words={reconcileWords(r).filter(([k, w]) => k === 'item' && w !== 'present')} max={2} />
		</Box>
	);
}

function ItemsLine({label, items, tint}: {label: string; items: RollbackResult['deleted']; tint?: string}) {
	if (items.length === 0) return null;
	return (
		<Box flexDirection="column">
			<Text color={tint}>
				{label} ({items.length})
			</Text>
			{items.slice(0, 6).map((i, n) => (
				<Text key={n} color={tint} wrap="truncate-end">
					{`  ${cell(resourceLabel(i.resource_type, i.host_resource_id, i.name), 36)} ${i.detail}`}
				</Text>
			))}
		</Box>
	);
}

function RollbackStage({batchId, onDone, onBack}: {batchId: string; onDone: () => void; onBack: () => void}) {
	const {app} = useUIState();
	const run = useRun<RollbackResult>(`── roll back ${batchId} ──`, (r) => rollback(app, {batch: batchId}, r));
	return (
		<RunFrame
			title={`Roll back › ${batchId}`}
			subtitle="deleting exactly the recorded resources"
			run={run}
			onHome={onDone}
			onBack={onBack}
		>
			{(r) => (
				<Box flexDirection="column">
					<BatchNowLine batch={r} />
					<ItemsLine label="deleted" items={r.deleted} tint={color.ok} />
					<ItemsLine
						label="skipped (no longer the recorded resource; never deleted)"
						items={r.skipped}
						tint={color.warn}
					/>
					<ItemsLine label="failed" items={r.failed} tint={color.fail} />
				</Box>
			)}
		</RunFrame>
	);
}

const REPAIR_DONE = new Set(['repaired', 'in_sync']);

function RepairStage({
	batchId,
	onBack,
	onRollback,
}: {
	batchId: string;
	onBack: () => void;
	onRollback: () => void;
}) {
	const {app} = useUIState();
	const run = useRun<RepairResult>(`── repair ${batchId} ──`, (r) => repair(app, {batch: batchId}, r));
	const result = run.op.result;
	// What repair could not mend is mended by rolling back and importing again: offered first.
	const rollbackFirst = result !== null && !REPAIR_DONE.has(result.outcome);
	return (
		<RunFrame
			title={`Repair › ${batchId}`}
			subtitle="recreate what is missing and safe to recreate, then the smoke and a reconcile"
			run={run}
			choices={[
				...(rollbackFirst ? [{label: 'Roll back this batch', value: 'rollback' as const}] : []),
				{label: 'Back', value: 'back' as const},
			]}
			onChoose={(v) => (v === 'rollback' ? onRollback() : onBack())}
			onBack={onBack}
			words={(r) => [
				['repair', r.outcome],
				['access', r.access_status],
			]}
		>
			{(r) => <RepairOutcome result={r} />}
		</RunFrame>
	);
}

function RepairOutcome({result: r}: {result: RepairResult}) {
	const done = REPAIR_DONE.has(r.outcome);
	return (
		<Box flexDirection="column">
			<Text>
				<Text bold color={done ? color.ok : color.warn}>
					{r.outcome}
				</Text>
				{' · access '}
				<Text bold color={statusColor(r.access_status)}>
					{r.access_status}
				</Text>
				{r.completion_preview ? ` · “${r.completion_preview}”` : ''}
			</Text>
			<WordLegend words={[['repair', r.outcome]]} max={1} />
			{r.repaired.map((x, n) => (
				<Box key={`r${n}`} flexDirection="column">
					<Text wrap="truncate-end">
						{'  '}
						{x.action} {resourceLabel(x.resource_type, x.host_resource_id, x.name)}
					</Text>
					<Text dimColor wrap="truncate-end">
						{'    why: '}
						{x.reason}
					</Text>
				</Box>
			))}
			{r.repaired.length === 0 ? <Text dimColor>{'  '}nothing was created</Text> : null}
			{r.not_mended.map((x, n) => (
				<Box key={`n${n}`} flexDirection="column">
					<Text color={color.warn} wrap="truncate-end">
						{'  '}not mended: {resourceLabel(x.resource_type, x.host_resource_id, x.name)} {x.state}
					</Text>
					<Text color={color.warn} wrap="wrap">
						{'    '}
						{x.advice}
					</Text>
				</Box>
			))}
			{r.outcome === 'drift_remains'
				? r.drift_remaining
						.filter((i) => !r.not_mended.some((m) => m.host_resource_id === i.host_resource_id))
						.map((i, n) => (
							<Text key={`d${n}`} color={color.warn} wrap="truncate-end">
								{'  '}still {i.state}: {resourceLabel(i.resource_type, i.host_resource_id, i.name)} {i.detail}
							</Text>
						))
				: null}
		</Box>
	);
}
