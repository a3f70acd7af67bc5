// Columns for lists and tables (monospace) whose widths follow the terminal: a column written `N+`
// grows into the room a wide terminal has; one written `N?` is left out where the terminal is too
// narrow for it; `~` shortens its values in the middle (a URL keeps its host and its path's end).
// Cells too long for their column end in … (or hold … in the middle).
import React, {useMemo} from 'react';
import {Box} from 'ink';
import {Text} from './text.js';
import {useColumns as useTerminalColumns} from '../hooks/use-window.js';

export interface Column {
	title: string;
	width: number;
	/** Grows with the terminal. */
	flex?: boolean;
	/** Left out when the terminal is too narrow. */
	optional?: boolean;
	/** Shortened in the middle (URLs). */
	middle?: boolean;
	/** Its index in the spec (cells are given in spec order, even when a column is left out). */
	at?: number;
}

/** Columns written as one line: `'NAME:14, VERSION:9?, URL:22+~'` (a title, a colon, its width, marks). */
export function columns(spec: string): Column[] {
	return spec.split(',').map((part, at) => {
		const colon = part.lastIndexOf(':');
		const size = part.slice(colon + 1).trim();
		return {
			title: part.slice(0, colon).trim(),
			width: Number.parseInt(size, 10),
			flex: size.includes('+'),
			optional: size.includes('?'),
			middle: size.includes('~'),
			at,
		};
	});
}

/** The columns fitted to `total` characters: optional ones left out from the right, flexible ones grown. */
export function fitColumns(spec: Column[], total: number): Column[] {
	const need = (cs: Column[]) => cs.reduce((n, c) => n + c.width, 0) + Math.max(0, cs.length - 1);
	let cols = spec.map((c, at) => ({...c, at: c.at ?? at}));
	while (need(cols) > total) {
		const drop = cols.map((c) => c.optional).lastIndexOf(true);
		if (drop < 0) break;
		cols = cols.filter((_, i) => i !== drop);
	}
	const flex = cols.filter((c) => c.flex);
	let room = total - need(cols);
	if (room > 0 && flex.length > 0) {
		const each = Math.floor(room / flex.length);
		cols = cols.map((c) => (c.flex ? {...c, width: c.width + each} : c));
		room -= each * flex.length;
		const last = cols.map((c) => c.flex).lastIndexOf(true);
		cols[last] = {...cols[last]!, width: cols[last]!.width + room};
	}
	return cols;
}

/** The spec's columns fitted to the terminal's width (less `indent`), again on every resize. */
export function useFitted(spec: Column[], indent = 2): Column[] {
	const width = useTerminalColumns();
	return useMemo(() => fitColumns(spec, width - indent), [spec, width, indent]);
}

export function cell(value: unknown, width: number, middle = false): string {
	const text = value === null || value === undefined ? '-' : String(value);
	if (text.length <= width) return text.padEnd(width);
	if (width <= 1) return text.slice(0, width);
	if (middle && width >= 7) {
		const head = Math.ceil((width - 1) / 2);
		return `${text.slice(0, head)}…${text.slice(text.length - (width - 1 - head))}`;
	}
	return `${text.slice(0, width - 1)}…`;
}

/** A row's cells (in spec order) under its columns; a column left out leaves its cell out. */
export function row(cells: unknown[], columns: Column[]): string {
	return columns.map((c, i) => cell(cells[c.at ?? i], c.width, c.middle)).join(' ');
}

export function TableHeader({columns, indent = 0}: {columns: Column[]; indent?: number}) {
	return (
		<Text bold dimColor wrap="truncate-end">
			{' '.repeat(indent)}
			{columns.map((c) => cell(c.title, c.width)).join(' ')}
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
