// Residue (crm residue): what looks like the tool's on a host but has no live record, with age and
// reason; the items whose marker proves the tool made them can be deleted after the operator types
// the host's name, children first; the rest stay listed, untouched.
import React, {useState} from 'react';
import {Box} from 'ink';
import {listResidue, removeResidue, type ResidueItem, type ResidueResult} from '../../app/residue.js';
import {useUIActions, useUIState} from '../context.js';
import {ErrorLine} from '../components/error-line.js';
import {Text} from '../components/text.js';
import {Header} from '../components/header.js';
import {CONFIRM_KEYS, KeyHelp, LIST_KEYS} from '../components/key-help.js';
import {TypedConfirm} from '../components/confirm.js';
import {SelectList} from '../components/select-list.js';
import {columns, row, TableHeader, useFitted} from '../components/table.js';
import {StepList} from '../components/step-list.js';
import {useRun} from '../hooks/use-run.js';
import {RunFrame} from '../components/run-frame.js';
import {useScreenKeys} from '../hooks/use-screen-keys.js';
import {useListRows} from '../hooks/use-window.js';
import {color} from '../theme.js';

const COLUMNS = columns('DELETE:8, TYPE:12, ID:5, NAME:26+, AGE:5, WHY:16+');

function tag(i: ResidueItem): string {
	if (i.action) return i.action === 'deleted_with_user' ? 'deleted' : i.action;
	return i.deletable ? 'yes' : 'no';
}

function tint(i: ResidueItem): string | undefined {
	if (i.action === 'deleted' || i.action === 'deleted_with_user') return color.ok;
	if (i.action === 'failed') return color.fail;
	return i.deletable ? color.warn : undefined;
}

function Items({items, limit}: {items: ResidueItem[]; limit: number}) {
	const cols = useFitted(COLUMNS, 0);
	const shown = items.slice(0, limit);
	return (
		<Box flexDirection="column">
			<TableHeader columns={cols} />
			{shown.map((i) => (
				<Text key={`${i.resource_type}|${i.host_resource_id}`} color={tint(i)} wrap="truncate-end">
					{row(
						[
							tag(i),
							i.resource_type,
							i.host_resource_id,
							i.name,
							i.age_days === null ? '?' : `${i.age_days}d`,
							i.detail ?? i.reason,
						],
						cols,
					)}
				</Text>
			))}
			{items.length > shown.length ? (
				<Text dimColor>… {items.length - shown.length} more (crm residue --json lists them all)</Text>
			) : null}
		</Box>
	);
}

export function ResidueScreen({hostId}: {hostId: string}) {
	const [deleting, setDeleting] = useState(false);
	return deleting ? (
		<DeleteStage hostId={hostId} />
	) : (
		<ListStage hostId={hostId} onDelete={() => setDeleting(true)} />
	);
}

function ListStage({hostId, onDelete}: {hostId: string; onDelete: () => void}) {
	const {app, data, stopping} = useUIState();
	const actions = useUIActions();
	const host = data?.hosts.find((h) => h.host_id === hostId);
	const name = host?.name ?? hostId;
	const limit = useListRows(12, 6);
	const {steps, op} = useRun<ResidueResult>(`── residue on ${name} ──`, (run) =>
		listResidue(app, {host: hostId}, run),
	);
	const items = op.result?.items ?? [];
	const deletable = items.filter((i) => i.deletable).length;
	const confirm = op.phase === 'done' && deletable > 0;
	const finished = op.phase === 'done' || op.phase === 'error';
	useScreenKeys({text: confirm, list: finished && !confirm, onBack: finished ? actions.back : undefined});
	return (
		<Box flexDirection="column">
			<Header
				title={`Residue › ${name}`}
				subtitle="named like the tool's, but no live record holds it; only a marker proves the tool made it"
			/>
			<StepList running={steps.running} stopping={stopping} />
			{op.phase === 'error' ? <ErrorLine error={op.error} /> : null}
			{op.result ? (
				<Box flexDirection="column">
					<Text>
						{items.length === 0
							? 'No residue: nothing on the host looks like the tool’s without a live record.'
							: `${items.length} item(s) · ${deletable} deletable (their marker proves the tool made them) · ${items.length - deletable} kept`}
					</Text>
					{items.length > 0 ? <Items items={items} limit={limit} /> : null}
				</Box>
			) : null}
			{confirm ? (
				<TypedConfirm
					what="the host name"
					phrase={name}
					prompt={`to delete the ${deletable} deletable item(s), children first`}
					label="Host name"
					onConfirm={onDelete}
				/>
			) : null}
			{finished && !confirm ? (
				<SelectList items={[{label: 'Back', value: 'back'}]} onSelect={actions.back} />
			) : null}
			<KeyHelp keys={confirm ? CONFIRM_KEYS : finished ? LIST_KEYS : []} typing={confirm} />
		</Box>
	);
}

function DeleteStage({hostId}: {hostId: string}) {
	const {app, data} = useUIState();
	const actions = useUIActions();
	const name = data?.hosts.find((h) => h.host_id === hostId)?.name ?? hostId;
	const limit = useListRows(12, 4);
	const run = useRun<ResidueResult>(`── delete residue on ${name} ──`, (r) =>
		removeResidue(app, {host: hostId}, r),
	);
	return (
		<RunFrame
			title={`Residue › ${name} › delete`}
			subtitle="only what a marker proves, children first"
			run={run}
			onHome={actions.home}
			onBack={actions.back}
		>
			{(result) => <DeleteOutcome items={result.items} limit={limit} />}
		</RunFrame>
	);
}

function DeleteOutcome({items, limit}: {items: ResidueItem[]; limit: number}) {
	const count = (...a: Array<ResidueItem['action']>) => items.filter((i) => a.includes(i.action)).length;
	return (
		<Box flexDirection="column">
			<Text>
				<Text color={color.ok}>{count('deleted', 'deleted_with_user')} deleted</Text>
				{` · ${count('kept')} kept · `}
				<Text color={count('failed') ? color.fail : undefined}>{count('failed')} failed</Text>
			</Text>
			<Items items={items} limit={limit} />
		</Box>
	);
}
