// Past batch-import runs (crm batch-runs) and one run's table as it ended (crm batch-run show):
// reopened from the run's record, without the network.
import React from 'react';
import {Box} from 'ink';
import {listBatchRuns, showBatchRun, type BatchRunView} from '../../app/batch-runs.js';
import type {BatchResult} from '../../app/import-batch.js';
import {useUIActions, useUIState} from '../context.js';
import {ErrorLine} from '../components/error-line.js';
import {Text} from '../components/text.js';
import {useRead} from '../hooks/use-read.js';
import {Header} from '../components/header.js';
import {KeyHelp, LIST_KEYS} from '../components/key-help.js';
import {SelectList} from '../components/select-list.js';
import {columns, row, TableHeader, useFitted} from '../components/table.js';
import {useScreenKeys} from '../hooks/use-screen-keys.js';
import {useListRows} from '../hooks/use-window.js';
import {color, shortTime, statusColor} from '../theme.js';

const RUN_COLUMNS = columns('RUN:23, HOST:10+, ROWS:4, OK:3, FAIL:4, SKIP:4, STATUS:11, STARTED:11');

export function BatchRunsScreen() {
	const {app, data} = useUIState();
	const actions = useUIActions();
	const limit = useListRows(12, 2);
	const cols = useFitted(RUN_COLUMNS);
	useScreenKeys({list: true, onBack: actions.back});
	const runs = useRead(() => listBatchRuns(app, {}), [app, data]);
	const name = (id: string) => data?.hosts.find((h) => h.host_id === id)?.name ?? id;
	const list: BatchRunView[] = runs?.value ?? [];
	return (
		<Box flexDirection="column">
			<Header title="Batch-import runs" subtitle={`${list.length} run(s) · newest first`} />
			{runs === null ? <Text dimColor>reading the runs…</Text> : null}
			{runs?.error ? <ErrorLine error={runs.error} /> : null}
			{runs?.value && list.length === 0 ? <Text dimColor>No batch-import runs yet.</Text> : null}
			{list.length > 0 ? <TableHeader columns={cols} indent={2} /> : null}
			<SelectList
				items={list.map((r) => ({
					key: r.run_id,
					label: row(
						[
							r.run_id,
							name(r.host_id),
							r.rows,
							r.totals?.succeeded ?? '-',
							r.totals?.failed ?? '-',
							r.totals?.skipped ?? '-',
							r.status,
							shortTime(r.started_at).slice(5),
						],
						cols,
					),
					value: r.run_id,
					color: r.status === 'finished' ? (r.totals?.failed ? color.warn : undefined) : color.fail,
				}))}
				limit={limit}
				onSelect={(runId) => actions.push({id: 'batch-run', runId})}
			/>
			<KeyHelp keys={LIST_KEYS} />
		</Box>
	);
}

const ROW_COLUMNS = columns('LINE:4, URL:22+~, PACK:8, BY:7, RESULT:32+');

function resultText(r: BatchResult['results'][number]): string {
	const status = r.skipped ? `skipped (${r.skip_reason ?? ''})` : r.not_run ? 'not run' : r.batch_status;
	return [status, r.access_status, r.skipped ? null : r.failure_class].filter(Boolean).join(' · ');
}

export function BatchRunScreen({runId}: {runId: string}) {
	const cols = useFitted(ROW_COLUMNS);
	const {app} = useUIState();
	const actions = useUIActions();
	const limit = useListRows(12, 3);
	useScreenKeys({list: true, onBack: actions.back});
	const loaded = useRead(() => showBatchRun(app, {run: runId}), [app, runId]);
	const doc = loaded?.value?.document ?? null;
	const run = loaded?.value?.run ?? null;
	return (
		<Box flexDirection="column">
			<Header
				title={`Batch-import run › ${runId}`}
				subtitle={
					run ? `${run.status} · started ${shortTime(run.started_at)} · ${run.rows} row(s)` : undefined
				}
			/>
			{loaded === null ? <Text dimColor>reading the run’s record…</Text> : null}
			{loaded?.error ? <ErrorLine error={loaded.error} /> : null}
			{run && !doc ? (
				<Text color={color.warn} wrap="wrap">
					This run never finished ({run.status}); its rows are in their batches (Status).
				</Text>
			) : null}
			{doc ? (
				<Box flexDirection="column">
					<TableHeader columns={cols} indent={2} />
					<SelectList
						items={doc.results.map((r) => ({
							key: String(r.line),
							label: row([r.line, r.url ?? '(invalid)', r.pack, r.detected_by ?? '', resultText(r)], cols),
							value: r.batch_id,
							color: statusColor(r.failure_class && !r.skipped ? 'failed' : r.batch_status),
						}))}
						limit={limit}
						onSelect={(batchId) => (batchId ? actions.push({id: 'batch', batchId}) : undefined)}
					/>
					<Text>
						<Text color={color.ok}>{doc.totals.succeeded} succeeded</Text>
						{' · '}
						<Text color={doc.totals.failed ? color.fail : undefined}>{doc.totals.failed} failed</Text>
						{` · ${doc.totals.skipped} skipped`}
						{doc.totals.not_run ? ` · ${doc.totals.not_run} not run` : ''}
					</Text>
				</Box>
			) : null}
			<KeyHelp keys={LIST_KEYS} />
		</Box>
	);
}
