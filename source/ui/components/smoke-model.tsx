// The smoke model, optionally overridden (`--smoke-model`, and this pick list in the TUI; docs/domain.md
// "Ready"): the pack's default (for a relay, the first model it lists), one of the pack's
// models, or a typed model id. Without a choice the engine picks, and falls back to another offered
// model when the default is not offered.
import React from 'react';
import {Box} from 'ink';
import {Text} from './text.js';
import type {Pack} from '../../core/packs/packs.js';
import {checkModel} from '../validators.js';
import {TextField} from './masked-field.js';
import {SelectList} from './select-list.js';

const TYPE = '\u0000type';
const DEFAULT = '\u0000default';

/** How the plan names the smoke model: the chosen one, else the pack default. */
export function smokeModelLabel(pack: Pack, chosen: string | undefined): string {
	if (chosen) return `${chosen} (chosen)`;
	return pack.smoke_test_model
		? `pack default (${pack.smoke_test_model})`
		: 'picked from the models the relay lists';
}

/** The list: the default first, then the pack's other models, then "type another". */
export function SmokeModelList({
	pack,
	value,
	onPick,
	onType,
}: {
	pack: Pack;
	value: string | undefined;
	/** undefined: the pack default (the engine decides). */
	onPick: (model: string | undefined) => void;
	onType: () => void;
}) {
	const others = pack.models.map((m) => m.id).filter((id) => id !== pack.smoke_test_model);
	const items = [
		{key: DEFAULT, label: smokeModelLabel(pack, undefined), value: DEFAULT},
		...others.map((id) => ({key: id, label: id, value: id})),
		...(value && value !== pack.smoke_test_model && !others.includes(value)
			? [{key: `typed:${value}`, label: `${value} (typed)`, value}]
			: []),
		{
			key: TYPE,
			label: pack.kind === 'relay' ? 'Type a model id…' : 'Another model (type its id)…',
			value: TYPE,
		},
	];
	const current = items.findIndex((i) => i.value === (value ?? DEFAULT));
	return (
		<Box flexDirection="column">
			<Text bold>Smoke model:</Text>
			<Text dimColor wrap="wrap">
				the model the account test and the access smoke call; when the default is not offered, the engine uses
				another offered model and says so
			</Text>
			<SelectList
				items={items}
				limit={8}
				initialIndex={Math.max(0, current)}
				onSelect={(v) => {
					if (v === TYPE) onType();
					else onPick(v === DEFAULT ? undefined : v);
				}}
			/>
		</Box>
	);
}

/** A typed model id (for a relay, whose models are only known from its /models). */
export function SmokeModelField({
	value,
	onSubmit,
}: {
	value: string | undefined;
	onSubmit: (model: string) => void;
}) {
	return (
		<TextField
			label="Smoke model id"
			value={value ?? ''}
			onChange={() => undefined}
			onSubmit={(v) => onSubmit(v.trim())}
			validate={(v) => checkModel(v.trim(), 'the model id')}
			placeholder="e.g. gpt-4o-mini"
			note="a model the upstream serves; it is added to the account's models if missing"
		/>
	);
}
