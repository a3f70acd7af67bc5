// The batch screen's tabs (screens/batch.tsx): the steps and reconcile runs as lines, the resources
// and the evidence files as lists (Enter opens a resource's full record, or reads a file).
import React from 'react';
import {resourceLabel, type BatchDetail} from '../../app/reads.js';
import type {ResourceRecord} from '../../store/schema.js';
import {cell, changeLines, columns, row, TableHeader, useFitted} from '../components/table.js';
import {SelectList} from '../components/select-list.js';
import {mark, seconds, shortTime, statusColor} from '../theme.js';
import {Box} from 'ink';

export const TABS = ['steps', 'resources', 'reconcile', 'evidence'] as const;
export type Tab = (typeof TABS)[number];

export interface Line {
	text: string;
	color?: string;
	dim?: boolean;
}

export function linesOf(tab: Tab, file: BatchDetail): Line[] {
	switch (tab) {
		case 'steps':
			return file.steps.length === 0
				? [{text: 'no steps recorded', dim: true}]
				: file.steps.map((s) => ({
						text: `${s.status === 'running' ? '…' : mark[s.status]} ${cell(s.name, 15)} ${seconds(s.duration_ms).padStart(6)} ${s.message}`,
						color: s.status === 'ok' || s.status === 'running' ? undefined : statusColor(s.status),
					}));
		case 'resources':
			// the resources themselves are a list (ResourceRows): Enter opens one's record
			return file.resources.length === 0
				? [{text: 'no resources recorded (nothing to roll back)', dim: true}]
				: [];
		case 'reconcile':
			return file.reconcile_runs.length === 0
				? [{text: 'no reconcile runs of this batch yet', dim: true}]
				: file.reconcile_runs
						.slice()
						.reverse()
						.flatMap((run) => [
							{
								text: `${shortTime(run.at)}  ${run.run_id}  ${run.reconcile_status}`,
								color: statusColor(run.reconcile_status),
							},
							...run.items
								.filter((i) => i.state !== 'present')
								.flatMap((i) => [
									{
										text: `    ${cell(i.state, 9)} ${resourceLabel(i.resource_type, i.host_resource_id, i.name)}${i.state === 'changed' ? '' : `: ${i.detail}`}`,
										color: statusColor(i.state),
									},
									// a changed item's fields as the CLI prints them: `field: old -> new`
									...changeLines(i).map((c) => ({text: `      ${c}`, color: statusColor(i.state)})),
								]),
						]);
		case 'evidence':
			// the files themselves are a list below (EvidenceFiles): Enter reads one
			return [
				{text: file.artifacts_dir},
				...(file.evidence_files.length === 0 ? [{text: '  (no evidence files)', dim: true}] : []),
			];
	}
}

const RESOURCE_COLUMNS = columns('STATUS:8, RESOURCE:44+, CREATED:16?');

/** The batch's resources: Enter opens one's full record (components/record-view.tsx). */
export function ResourceRows({
	resources,
	limit,
	isActive,
	at,
	onAt,
	onOpen,
}: {
	resources: ResourceRecord[];
	limit: number;
	isActive: boolean;
	/** The row highlighted (kept while its record is open). */
	at: number;
	onAt: (index: number) => void;
	onOpen: (record: ResourceRecord) => void;
}) {
	const cols = useFitted(RESOURCE_COLUMNS);
	if (resources.length === 0) return null;
	return (
		<Box flexDirection="column">
			<TableHeader columns={cols} indent={2} />
			<SelectList
				items={resources.map((r, i) => ({
					key: `${r.resource_type}|${r.host_resource_id ?? i}`,
					label: row(
						[
							r.status,
							`${resourceLabel(r.resource_type, r.host_resource_id, r.name)}${r.owned ? '' : ' (not owned)'}`,
							shortTime(r.created_at),
						],
						cols,
					),
					value: r,
					color: r.status === 'created' ? undefined : statusColor(r.status === 'failed' ? 'fail' : 'warn'),
				}))}
				limit={limit}
				initialIndex={at}
				isActive={isActive}
				onHighlight={(_r, i) => onAt(i)}
				onSelect={onOpen}
			/>
		</Box>
	);
}

/** The batch's evidence files: Enter reads one (components/file-view.tsx). */
export function EvidenceFiles({
	dir,
	files,
	limit,
	isActive,
	onOpen,
}: {
	dir: string;
	files: string[];
	limit: number;
	isActive: boolean;
	onOpen: (file: string) => void;
}) {
	if (files.length === 0) return null;
	return (
		<SelectList
			items={files.map((f) => ({key: f, label: f, value: `${dir}/${f}`}))}
			limit={limit}
			isActive={isActive}
			onSelect={onOpen}
		/>
	);
}
