// Drift & rollback › a provider: every batch of that provider on the host that still holds
// resources, newest first (crm rollback --host --pack --url). The plan per batch, the operator types
// `<host>/<pack>` to confirm, then each batch is rolled back with the per-batch safety rules. The
// plan's lines are rows (↑ from the field): Enter opens a row's resource in full.
import React, {useState} from 'react';
import {Box} from 'ink';
import {
	planRollbackProvider,
	rollbackProvider,
	type ProviderPlan,
	type ProviderRollbackResult,
} from '../../app/rollback-provider.js';
import {useUIActions, useUIState} from '../context.js';
import {ErrorLine} from '../components/error-line.js';
import {Text} from '../components/text.js';
import {useRead} from '../hooks/use-read.js';
import {Header} from '../components/header.js';
import {KeyHelp, LIST_KEYS} from '../components/key-help.js';
import {TextField} from '../components/masked-field.js';
import {SelectList} from '../components/select-list.js';
import {cell} from '../components/table.js';
import {StepList} from '../components/step-list.js';
import {useRun} from '../hooks/use-run.js';
import {RecordOf} from '../components/record-view.js';
import {PlanRows, planKeys, type PlanFocus, type PlanRow} from './rollback-plan.js';
import {useScreenKeys} from '../hooks/use-screen-keys.js';
import {useListRows} from '../hooks/use-window.js';
import {color, statusColor} from '../theme.js';

export interface ProviderRef {
	hostId: string;
	pack: string;
	url: string;
}

export function ProviderRollbackScreen(ref: ProviderRef) {
	const [confirmed, setConfirmed] = useState(false);
	return confirmed ? <RunStage {...ref} /> : <PlanStage {...ref} onConfirm={() => setConfirmed(true)} />;
}

function PlanStage({hostId, pack, url, onConfirm}: ProviderRef & {onConfirm: () => void}) {
	const {app, data} = useUIState();
	const actions = useUIActions();
	const limit = useListRows(16, 3);
	const name = data?.hosts.find((h) => h.host_id === hostId)?.name ?? hostId;
	const phrase = `${name}/${pack}`;
	const read = useRead<ProviderPlan>(
		() => planRollbackProvider(app, {host: hostId, pack, url}),
		[app, hostId, pack, url],
	);
	const plan = read && {plan: read.value, error: read.error};
	const batches = plan?.plan?.batches ?? [];
	const rows = batches.flatMap((b) => b.plan.map((item) => ({batchId: b.batch_id, item})));
	const deletes = rows.filter((r) => r.item.action === 'delete').length;
	const confirm = Boolean(plan?.plan) && deletes > 0;
	const [focus, setFocus] = useState<PlanFocus>('field');
	const [at, setAt] = useState(0);
	const [typed, setTyped] = useState('');
	const [open, setOpen] = useState<PlanRow | null>(null);
	const onRows = focus === 'rows' || !confirm;
	useScreenKeys({
		text: confirm && !onRows,
		list: !confirm,
		isActive: open === null,
		onBack: confirm && onRows ? () => setFocus('field') : actions.back,
		onKey: (_input, key) => {
			if (!(confirm && !onRows && key.upArrow && rows.length > 0)) return false;
			setAt(rows.length - 1);
			setFocus('rows');
			return true;
		},
	});
	if (open) return <RecordOf batchId={open.batchId} resource={open.item} onClose={() => setOpen(null)} />;
	return (
		<Box flexDirection="column">
			<Header
				title={`Roll back provider › ${pack}`}
				subtitle={`${name} · ${url} · every batch still holding resources, newest first`}
			/>
			{plan === null ? <Text dimColor>reading the batches’ records…</Text> : null}
			{plan?.error ? <ErrorLine error={plan.error} /> : null}
			{batches.map((b) => (
				<Text key={b.batch_id} wrap="truncate-end">
					batch <Text bold>{b.batch_id}</Text>: {b.plan.filter((p) => p.action === 'delete').length} to delete
				</Text>
			))}
			{rows.length > 0 ? (
				<PlanRows
					rows={rows}
					limit={limit - batches.length}
					isActive={onRows}
					at={at}
					onAt={setAt}
					onOpen={setOpen}
					withBatch
				/>
			) : null}
			{plan?.plan && !confirm ? <Text color={color.ok}>Nothing left to delete (Esc goes back).</Text> : null}
			{plan?.error ? <SelectList items={[{label: 'Back', value: 'back'}]} onSelect={actions.back} /> : null}
			{confirm ? (
				<Box flexDirection="column" marginTop={1}>
					<Text>
						{batches.length} batch(es), {deletes} resource(s) to delete. Type <Text bold>{phrase}</Text> to
						confirm (Esc goes back):
					</Text>
					<TextField
						label="Confirm"
						value={typed}
						onChange={setTyped}
						onSubmit={onConfirm}
						isActive={!onRows}
						validate={(v) => (v.trim() === phrase ? null : 'type host/pack exactly as shown')}
					/>
				</Box>
			) : null}
			<KeyHelp keys={planKeys(focus, confirm)} typing={confirm && !onRows} />
		</Box>
	);
}

function RunStage({hostId, pack, url}: ProviderRef) {
	const {app, stopping} = useUIState();
	const actions = useUIActions();
	const {steps, op} = useRun<ProviderRollbackResult>(`── roll back ${pack} (${url}) ──`, (run) =>
		rollbackProvider(app, {host: hostId, pack, url}, run),
	);
	const finished = op.phase === 'done' || op.phase === 'error';
	useScreenKeys({list: finished, onBack: finished ? actions.back : undefined});
	const r = op.result;
	return (
		<Box flexDirection="column">
			<Header title={`Roll back provider › ${pack}`} subtitle="each batch: exactly its recorded resources" />
			<StepList running={steps.running} stopping={stopping} />
			{op.phase === 'error' ? <ErrorLine error={op.error} /> : null}
			{r ? (
				<Box flexDirection="column">
					{r.batches.map((b) => (
						<Text key={b.batch_id} wrap="truncate-end">
							batch <Text bold>{b.batch_id}</Text> is now{' '}
							<Text bold color={statusColor(b.batch_status)}>
								{b.batch_status}
							</Text>
							{` · ${b.deleted.length} deleted · ${b.skipped.length} skipped · ${b.failed.length} failed`}
						</Text>
					))}
					{r.batches
						.flatMap((b) => b.skipped)
						.slice(0, 4)
						.map((s, i) => (
							<Text key={i} color={color.warn} wrap="truncate-end">
								{`  skipped ${cell(s.resource_type, 12)} ${cell(s.host_resource_id ?? '-', 7)} ${s.detail}`}
							</Text>
						))}
					{r.not_run.length ? <Text color={color.warn}>not started: {r.not_run.join(', ')}</Text> : null}
				</Box>
			) : null}
			{finished ? (
				<SelectList
					items={[
						{label: 'Home', value: 'home'},
						{label: 'Back', value: 'back'},
					]}
					onSelect={(v) => (v === 'home' ? actions.home() : actions.back())}
				/>
			) : null}
			<KeyHelp keys={finished ? LIST_KEYS : []} />
		</Box>
	);
}
