// A rollback's plan (Drift & rollback › a batch, and a provider's batches): each recorded resource,
// children first, with what the rollback will do to it and why, as the CLI's plan table has it. The
// lines are rows: ↑ from the confirmation field moves into them, Enter opens the row's resource in
// full (its record in the batch file), Esc goes back to the field. The operator types the batch id
// to confirm.
import React, {useState} from 'react';
import {Box} from 'ink';
import {Text} from '../components/text.js';
import {planRollback, type RollbackPlan} from '../../app/drift.js';
import {hostId} from '../../app/reads.js';
import {useUIState} from '../context.js';
import {errorText} from '../components/error-line.js';
import {Header} from '../components/header.js';
import {KeyHelp, type KeySpec} from '../components/key-help.js';
import {TypedConfirm} from '../components/confirm.js';
import {RecordOf} from '../components/record-view.js';
import {SelectList} from '../components/select-list.js';
import {columns, row, TableHeader, useFitted} from '../components/table.js';
import {useRead} from '../hooks/use-read.js';
import {useScreenKeys} from '../hooks/use-screen-keys.js';
import {useListRows} from '../hooks/use-window.js';
import {color, shortTime} from '../theme.js';

export type PlanItem = RollbackPlan['plan'][number];

export interface PlanRow {
	batchId: string;
	item: PlanItem;
}

// The CLI's plan table (crm rollback --dry-run): ACTION, TYPE, HOST ID, NAME, WHY; a provider's plan
// adds the batch where the terminal has room for it (the highlighted row names it below).
const PLAN_COLUMNS = columns('ACTION:6, TYPE:12, HOST ID:7, NAME:22+, WHY:24+');
const PROVIDER_COLUMNS = columns('BATCH:23?, ACTION:6, TYPE:12, HOST ID:7, NAME:22+, WHY:24+');

/** The plan's rows: plain lines until they have the keys, then a list (Enter opens one's record). */
export function PlanRows({
	rows,
	limit,
	isActive,
	at,
	onAt,
	onOpen,
	withBatch = false,
}: {
	rows: PlanRow[];
	limit: number;
	isActive: boolean;
	/** The row highlighted (kept while a record is open). */
	at: number;
	onAt: (index: number) => void;
	onOpen: (row: PlanRow) => void;
	withBatch?: boolean;
}) {
	const cols = useFitted(withBatch ? PROVIDER_COLUMNS : PLAN_COLUMNS);
	const items = rows.map((r, i) => {
		const p = r.item;
		const cells = [p.action, p.resource_type, hostId(p.host_resource_id), p.name, p.reason];
		return {
			key: `${r.batchId}|${i}`,
			label: row(withBatch ? [r.batchId, ...cells] : cells, cols),
			value: r,
			color: p.action === 'delete' ? color.warn : undefined,
			dim: p.action !== 'delete',
		};
	});
	const current = rows[at];
	return (
		<Box flexDirection="column">
			<TableHeader columns={cols} indent={2} />
			{isActive ? (
				<SelectList
					items={items}
					limit={limit}
					initialIndex={at}
					onHighlight={(_r, i) => onAt(i)}
					onSelect={onOpen}
				/>
			) : (
				<Box flexDirection="column">
					{items.slice(0, limit).map((i) => (
						<Text key={i.key} color={i.color} dimColor={i.dim} wrap="truncate-end">
							{'  '}
							{i.label}
						</Text>
					))}
					{items.length > limit ? <Text dimColor> … {items.length - limit} more (↑ to see them)</Text> : null}
				</Box>
			)}
			{isActive && current ? (
				<Text dimColor wrap="wrap">
					{withBatch ? `batch ${current.batchId}: ` : ''}
					{current.item.reason}
				</Text>
			) : null}
		</Box>
	);
}

/** Where the keys are: the typed confirmation, or the plan's rows. */
export type PlanFocus = 'field' | 'rows';

/** The plan's keys in the hint: the field's, or the rows'. */
export function planKeys(focus: PlanFocus, confirm: boolean): KeySpec[] {
	if (focus === 'field' && confirm)
		return [
			{keys: 'Enter', does: 'confirm'},
			{keys: '↑', does: 'the plan’s rows'},
			{keys: 'Esc', does: 'back'},
		];
	return [
		{keys: '↑ ↓', does: 'move'},
		{keys: 'Enter', does: 'the full record'},
		{keys: 'Esc', does: confirm ? 'back to the confirmation' : 'back'},
	];
}

/**
 * The keys of a plan screen: the typed confirmation has them first; ↑ from it moves into the rows
 * (the last one highlighted), Esc from the rows goes back to the field, Esc from the field goes back.
 * What was typed is kept while the rows or a record are open.
 */
export function usePlanFocus(
	confirm: boolean,
	rowCount: number,
	onBack: () => void,
	ask: {what: string; phrase: string; label: string; onConfirm: () => void},
) {
	const [focus, setFocus] = useState<PlanFocus>('field');
	const [at, setAt] = useState(0);
	const [typed, setTyped] = useState('');
	const [open, setOpen] = useState<PlanRow | null>(null);
	const onRows = focus === 'rows' || !confirm;
	useScreenKeys({
		text: confirm && !onRows,
		list: !confirm,
		isActive: open === null,
		onBack: confirm && onRows ? () => setFocus('field') : onBack,
		onKey: (_input, key) => {
			if (!(confirm && !onRows && key.upArrow && rowCount > 0)) return false;
			setAt(rowCount - 1);
			setFocus('rows');
			return true;
		},
	});
	return {
		onRows,
		at,
		setAt,
		open,
		setOpen,
		/** The typed confirmation (what was typed is kept while the rows or a record are open). */
		field: <TypedConfirm {...ask} prompt="to confirm" value={typed} onChange={setTyped} isActive={!onRows} />,
		keys: <KeyHelp keys={planKeys(focus, confirm)} typing={confirm && !onRows} />,
	};
}

export function RollbackPlanStage({
	batchId,
	onConfirm,
	onBack,
}: {
	batchId: string;
	onConfirm: () => void;
	onBack: () => void;
}) {
	const {app, data} = useUIState();
	const read = useRead(() => planRollback(app, {batch: batchId}), [app, batchId]);
	const plan = read && {plan: read.value, error: read.value ? null : errorText(read.error)};
	const index = data?.batches.find((b) => b.batch_id === batchId);
	const nothing = plan?.plan?.plan.every((p) => p.action !== 'delete') ?? false;
	const confirm = Boolean(plan?.plan) && !nothing;
	const rows = (plan?.plan?.plan ?? []).map((item) => ({batchId, item}));
	const limit = useListRows(15, 3);
	const {onRows, at, setAt, open, setOpen, field, keys} = usePlanFocus(confirm, rows.length, onBack, {
		what: 'the batch id',
		phrase: batchId,
		label: 'Batch id',
		onConfirm,
	});
	if (open) return <RecordOf batchId={open.batchId} resource={open.item} onClose={() => setOpen(null)} />;
	return (
		<Box flexDirection="column">
			<Header
				title={`Roll back › ${batchId}`}
				subtitle={
					index
						? `${index.pack} · ${index.access_mode} · ${index.batch_status} · ${shortTime(index.created_at)}`
						: undefined
				}
			/>
			{plan === null ? (
				<Text dimColor>reading the batch’s records and checking each on the host…</Text>
			) : null}
			{plan?.error ? (
				<Box flexDirection="column">
					<Text color={color.fail} wrap="wrap">
						✗ {plan.error}
					</Text>
					<SelectList items={[{label: 'Back', value: 'back'}]} onSelect={onBack} />
				</Box>
			) : null}
			{plan?.plan ? (
				<Box flexDirection="column">
					<Text bold>
						Plan: exactly the recorded resources, children first
						{plan.plan.checked_on_host ? ', each checked on the host' : ''}
					</Text>
					{plan.plan.note ? <Text color={color.warn}>{plan.plan.note}</Text> : null}
					<PlanRows rows={rows} limit={limit} isActive={onRows} at={at} onAt={setAt} onOpen={setOpen} />
					{nothing ? <Text color={color.ok}>Nothing left to delete (Esc goes back).</Text> : null}
					{confirm ? field : null}
				</Box>
			) : null}
			{keys}
		</Box>
	);
}
