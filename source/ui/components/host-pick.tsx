// Choosing a registered host: the provider form's first stage and the batch import's.
import React from 'react';
import {Box} from 'ink';
import {Text} from './text.js';
import type {HostRecord} from '../../store/schema.js';
import {SelectList} from './select-list.js';
import {cell} from './table.js';

/** A list of the registered hosts (and `+ Add a host`), or a line saying there is none. */
export function HostPick({
	hosts,
	prompt,
	noHost,
	addHost,
	selected,
	versions = true,
	onPick,
}: {
	hosts: HostRecord[];
	prompt: string;
	noHost?: string;
	addHost?: boolean;
	selected?: string;
	versions?: boolean;
	onPick: (hostId: string | '+add' | '+back') => void;
}) {
	if (hosts.length === 0 && noHost)
		return (
			<Box flexDirection="column">
				<Text wrap="wrap">{noHost}</Text>
				<SelectList items={[{label: 'Back', value: '+back'}]} onSelect={() => onPick('+back')} />
			</Box>
		);
	return (
		<Box flexDirection="column">
			{hosts.length > 0 || addHost ? (
				<Text bold>{prompt}</Text>
			) : (
				<Text dimColor>No host registered yet: add one under Hosts first.</Text>
			)}
			<SelectList
				items={[
					...hosts.map((h) => ({
						key: h.host_id,
						label: versions
							? `${cell(h.name, 14)} ${cell(h.version ?? '?', 8)} ${h.url}`
							: `${cell(h.name, 14)} ${h.url}`,
						value: h.host_id,
					})),
					...(addHost ? [{key: '+add', label: '+ Add a host', value: '+add'}] : []),
				]}
				initialIndex={Math.max(
					0,
					hosts.findIndex((h) => h.host_id === selected),
				)}
				onSelect={onPick}
			/>
		</Box>
	);
}
