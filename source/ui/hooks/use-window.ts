// Terminal rows and columns, so lists show as many lines as fit and tables use the width there is
// (80x24 and larger), again on every resize.
import {useEffect, useState} from 'react';
import {useStdout} from 'ink';

export function useRows(): number {
	const {stdout} = useStdout();
	const [rows, setRows] = useState(stdout.rows || 24);
	useEffect(() => {
		const onResize = () => setRows(stdout.rows || 24);
		stdout.on('resize', onResize);
		return () => {
			stdout.off('resize', onResize);
		};
	}, [stdout]);
	return rows;
}

/** Rows left for a list once a screen's fixed lines (header, details, key help) are drawn. */
export function useListRows(reserved: number, min = 3): number {
	return Math.max(min, useRows() - reserved);
}

/** Terminal columns (80 when the terminal does not say). */
export function useColumns(): number {
	const {stdout} = useStdout();
	const [columns, setColumns] = useState(stdout.columns || 80);
	useEffect(() => {
		const onResize = () => setColumns(stdout.columns || 80);
		stdout.on('resize', onResize);
		return () => {
			stdout.off('resize', onResize);
		};
	}, [stdout]);
	return columns;
}
