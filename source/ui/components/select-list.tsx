// A windowed selection list: only the visible rows render, so a list of thousands stays fast.
// ↑/↓ (or k/j), PgUp/PgDn, Home/End move; Enter chooses.
import React, {useState} from 'react';
import {Box, Text, useInput} from 'ink';
import {useUIState} from '../context.js';
import {color} from '../theme.js';

export interface ListItem<V> {
	key?: string;
	label: string;
	value: V;
	color?: string;
	dim?: boolean;
}

export interface SelectListProps<V> {
	items: Array<ListItem<V>>;
	onSelect: (value: V, index: number) => void;
	onHighlight?: (value: V, index: number) => void;
	/** Rows shown at once (the rest scroll). */
	limit?: number;
	initialIndex?: number;
	isActive?: boolean;
	/** Part of an operator prompt: stays active while the prompt is open. */
	promptLayer?: boolean;
}

export function SelectList<V>({
	items,
	onSelect,
	onHighlight,
	limit = 10,
	initialIndex = 0,
	isActive = true,
	promptLayer = false,
}: SelectListProps<V>) {
	const {prompt} = useUIState();
	const [pos, setPos] = useState(() => {
		const index = Math.min(Math.max(0, initialIndex), Math.max(0, items.length - 1));
		return {index, offset: Math.max(0, index - limit + 1)};
	});
	const count = items.length;
	const rows = Math.max(1, Math.min(limit, count));
	const index = Math.min(pos.index, Math.max(0, count - 1));
	const offset = Math.min(Math.max(0, Math.min(pos.offset, index)), Math.max(0, count - rows), index);
	const top = index >= offset + rows ? index - rows + 1 : offset;

	const move = (next: number) => {
		if (count === 0) return;
		const i = Math.min(Math.max(0, next), count - 1);
		let o = top;
		if (i < o) o = i;
		if (i >= o + rows) o = i - rows + 1;
		setPos({index: i, offset: o});
		if (i !== index) onHighlight?.(items[i]!.value, i);
	};

	useInput(
		(input, key) => {
			if (key.upArrow || input === 'k') move(index === 0 ? count - 1 : index - 1);
			else if (key.downArrow || input === 'j') move(index === count - 1 ? 0 : index + 1);
			else if (key.pageUp) move(index - rows);
			else if (key.pageDown) move(index + rows);
			else if (key.home) move(0);
			else if (key.end) move(count - 1);
			else if (key.return && count > 0) onSelect(items[index]!.value, index);
		},
		{isActive: isActive && (promptLayer || !prompt)},
	);

	const visible = items.slice(top, top + rows);
	return (
		<Box flexDirection="column">
			{top > 0 ? <Text dimColor> ↑ {top} more</Text> : null}
			{visible.map((item, i) => {
				const selected = top + i === index;
				return (
					<Text
						key={item.key ?? `${top + i}`}
						color={selected ? color.accent : item.color}
						dimColor={!selected && item.dim}
						bold={selected}
						wrap="truncate-end"
					>
						{selected ? '❯ ' : '  '}
						{item.label}
					</Text>
				);
			})}
			{top + rows < count ? (
				<Text dimColor>
					{'  '}↓ {count - top - rows} more ({index + 1}/{count})
				</Text>
			) : null}
		</Box>
	);
}
