// An evidence file read by hand, and any record shown in full (a resource's, components/record-view.tsx):
// its lines in a window that fits the terminal (↑ ↓ a line, PgUp PgDn a page, Home End, ← → sideways
// for long lines), drawn through the one Text, so a control character or a secret in it never
// reaches the screen (source/app readEvidenceFile redacts too).
import React, {useState} from 'react';
import {Box} from 'ink';
import {readEvidenceFile} from '../../app/evidence.js';
import {useUIState} from '../context.js';
import {errorText} from './error-line.js';
import {Header} from './header.js';
import {KeyHelp} from './key-help.js';
import {Text} from './text.js';
import {useRead} from '../hooks/use-read.js';
import {useScreenKeys} from '../hooks/use-screen-keys.js';
import {useColumns, useListRows} from '../hooks/use-window.js';
import {color} from '../theme.js';

const SIDEWAYS = 20;

export function FileView({title, file, onClose}: {title: string; file: string; onClose: () => void}) {
	const {app} = useUIState();
	const read = useRead(() => readEvidenceFile(app, {file}), [app, file]);
	const lines = read?.value?.lines ?? [];
	return (
		<LinesView
			title={title}
			subtitle={`${file} · ${lines.length} line(s)${read?.value?.cut ? ' (the first MiB)' : ''}`}
			lines={read === null ? null : lines}
			error={read?.error ? errorText(read.error) : null}
			onClose={onClose}
		/>
	);
}

/** Lines in a scrolling window (null while they are read); Esc closes. */
export function LinesView({
	title,
	subtitle,
	lines: given,
	error = null,
	onClose,
}: {
	title: string;
	subtitle: string;
	lines: string[] | null;
	error?: string | null;
	onClose: () => void;
}) {
	const rows = useListRows(8, 3);
	const width = useColumns();
	const [top, setTop] = useState(0);
	const [left, setLeft] = useState(0);
	const lines = given ?? [];
	const last = Math.max(0, lines.length - rows);
	useScreenKeys({
		onBack: onClose,
		onKey: (_input, key) => {
			if (key.upArrow) setTop((t) => Math.max(0, t - 1));
			else if (key.downArrow) setTop((t) => Math.min(last, t + 1));
			else if (key.pageUp) setTop((t) => Math.max(0, t - rows));
			else if (key.pageDown) setTop((t) => Math.min(last, t + rows));
			else if (key.home) setTop(0);
			else if (key.end) setTop(last);
			else if (key.leftArrow) setLeft((l) => Math.max(0, l - SIDEWAYS));
			else if (key.rightArrow) setLeft((l) => l + SIDEWAYS);
			else return false;
			return true;
		},
	});
	const shown = Math.min(top, last);
	return (
		<Box flexDirection="column">
			<Header title={title} subtitle={subtitle} />
			{given === null ? <Text dimColor>reading…</Text> : null}
			{error ? <Text color={color.fail}>✗ {error}</Text> : null}
			{lines.slice(shown, shown + rows).map((l, i) => (
				<Text key={shown + i} wrap="truncate-end">
					{l.slice(left, left + width * 4) || ' '}
				</Text>
			))}
			{lines.length > 0 ? (
				<Text dimColor>
					lines {shown + 1}–{Math.min(lines.length, shown + rows)} of {lines.length}
					{left > 0 ? ` · from column ${left + 1}` : ''}
				</Text>
			) : null}
			<KeyHelp
				keys={[
					{keys: '↑ ↓ PgUp PgDn', does: 'scroll'},
					{keys: '← →', does: 'sideways'},
					{keys: 'Esc', does: 'close'},
				]}
			/>
		</Box>
	);
}
