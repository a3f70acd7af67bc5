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
import {SelectList} from '../components/select-list.js';
import {cell} from '../components/table.js';
import {useRun} from '../hooks/use-run.js';
import {BatchNowLine} from '../components/batch-now-line.js';
import {RunFrame} from '../components/run-frame.js';
import {RecordOf} from '../components/record-view.js';
import {PlanRows, usePlanFocus} from './rollback-plan.js';
import {useListRows} from '../hooks/use-window.js';
import {color} from '../theme.js';

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
	const {onRows, at, setAt, open, setOpen, field, keys} = usePlanFocus(confirm, rows.length, actions.back, {
		what: 'host/pack',
		phrase,
		label: 'Confirm',
		onConfirm,
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
				<Box flexDirection="column">
					<Text>
						{batches.length} batch(es), {deletes} resource(s) to delete.
					</Text>
					{field}
				</Box>
			) : null}
			{keys}
		</Box>
	);
}

function RunStage({hostId, pack, url}: ProviderRef) {
	const {app} = useUIState();
	const actions = useUIActions();
	const run = useRun<ProviderRollbackResult>(`── roll back ${pack} (${url}) ──`, (r) =>
		rollbackProvider(app, {host: hostId, pack, url}, r),
	);
	return (
		<RunFrame
			title={`Roll back provider › ${pack}`}
			subtitle="each batch: exactly its recorded resources"
			run={run}
			onHome={actions.home}
			onBack={actions.back}
		>
			{(r) => <RunOutcome result={r} />}
		</RunFrame>
	);
}

function RunOutcome({result: r}: {result: ProviderRollbackResult}) {
	return (
		<Box flexDirection="column">
			{r.batches.map((b) => (
				<BatchNowLine key={b.batch_id} batch={b} />
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
	);
}
