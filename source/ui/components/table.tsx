// Fixed-width columns for lists and tables (monospace), truncating with … where a cell is too long.
import React from 'react';
import {Box} from 'ink';
import {Text} from './text.js';

export interface Column {
	title: string;
	width: number;
}

/** Columns written as one line: `'NAME:14, VERSION:9, URL:22'` (a title, a colon, its width). */
export function columns(spec: string): Column[] {
	return spec.split(',').map((part) => {
		const at = part.lastIndexOf(':');
		return {title: part.slice(0, at).trim(), width: Number(part.slice(at + 1))};
	});
}

export function cell(value: unknown, width: number): string {
	const text = value === null || value === undefined ? '-' : String(value);
	if (text.length <= width) return text.padEnd(width);
	return width <= 1 ? text.slice(0, width) : `${text.slice(0, width - 1)}…`;
}

export function row(cells: unknown[], columns: Column[]): string {
	return columns.map((c, i) => cell(cells[i], c.width)).join(' ');
}

export function TableHeader({columns, indent = 0}: {columns: Column[]; indent?: number}) {
	return (
		<Text bold dimColor wrap="truncate-end">
			{' '.repeat(indent)}
			{row(
				columns.map((c) => c.title),
				columns,
			)}
		</Text>
	);
}

export function Table({
	columns,
	rows,
	colorOf,
	empty = 'nothing yet',
}: {
	columns: Column[];
	rows: unknown[][];
	colorOf?: (row: unknown[], index: number) => string | undefined;
	empty?: string;
}) {
	return (
		<Box flexDirection="column">
			<TableHeader columns={columns} />
			{rows.length === 0 ? <Text dimColor>{empty}</Text> : null}
			{rows.map((r, i) => (
				<Text key={i} color={colorOf?.(r, i)} wrap="truncate-end">
					{row(r, columns)}
				</Text>
			))}
		</Box>
	);
}
