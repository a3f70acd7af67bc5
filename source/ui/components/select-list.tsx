// A windowed selection list: only the visible rows render, so a list of thousands stays fast.
// ↑/↓ (or k/j), PgUp/PgDn, Home/End move; Enter chooses.
import React, {useEffect, useReducer, useRef} from 'react';
import {Box} from 'ink';
import {Text} from './text.js';
import {useUIState} from '../context.js';
import {useKeys} from '../hooks/use-keys.js';
import {color} from '../theme.js';

export interface ListItem<V> {
	key?: string;
	label: string;
	value: V;
	color?: string;
	dim?: boolean;
}

interface Position {
	index: number;
	top: number;
	/** Counts Enter presses; an effect reports each one. */
	chosen: number;
}

type Move = {by: number; wrap?: boolean} | {to: number} | {choose: true};

function move(state: Position, action: Move, count: number, rows: number): Position {
	if (count === 0) return state;
	if ('choose' in action) return {...state, chosen: state.chosen + 1};
	const current = Math.min(state.index, count - 1);
	let next: number;
	if ('to' in action) next = action.to;
	else if (action.wrap && current + action.by < 0) next = count - 1;
	else if (action.wrap && current + action.by >= count) next = 0;
	else next = current + action.by;
	next = Math.min(Math.max(0, next), count - 1);
	let top = Math.min(state.top, next);
	if (next >= top + rows) top = next - rows + 1;
	return {...state, index: next, top};
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
	const count = items.length;
	const rows = Math.max(1, Math.min(limit, count));
	// Keys apply to the latest position even when they arrive faster than Ink renders; the
	// highlight and the choice are reported from effects, once the position is settled.
	const [pos, dispatch] = useReducer(
		(state: Position, action: Move) => move(state, action, count, rows),
		null,
		() => {
			const index = Math.min(Math.max(0, initialIndex), Math.max(0, count - 1));
			return {index, top: Math.max(0, index - rows + 1), chosen: 0};
		},
	);
	const index = Math.min(pos.index, Math.max(0, count - 1));
	const top = Math.min(pos.top, Math.max(0, count - rows), index);

	useKeys(
		(input, key) => {
			if (key.upArrow || input === 'k') dispatch({by: -1, wrap: true});
			else if (key.downArrow || input === 'j') dispatch({by: 1, wrap: true});
			else if (key.pageUp) dispatch({by: -rows});
			else if (key.pageDown) dispatch({by: rows});
			else if (key.home) dispatch({to: 0});
			else if (key.end) dispatch({to: count - 1});
			else if (key.return && count > 0) dispatch({choose: true});
		},
		{isActive: isActive && (promptLayer || !prompt)},
	);

	const highlighted = useRef(index);
	useEffect(() => {
		if (highlighted.current === index) return;
		highlighted.current = index;
		const item = items[index];
		if (item) onHighlight?.(item.value, index);
	}, [index, items, onHighlight]);

	const chosen = useRef(0);
	useEffect(() => {
		if (pos.chosen === chosen.current) return;
		chosen.current = pos.chosen;
		const item = items[index];
		if (item) onSelect(item.value, index);
	}, [pos.chosen, index, items, onSelect]);

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
