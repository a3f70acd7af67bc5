// Hosts: every registered host with version, auth type and last probe; Enter opens one (re-probe,
// remove), `a` or the last row adds one. A sandbox host whose sandbox stopped with the previous run
// reads `stopped` in the SANDBOX column (as `crm host list` prints it); Enter on it offers its actions.
import React from 'react';
import {Box} from 'ink';
import {Text} from '../components/text.js';
import {useUIActions, useUIState} from '../context.js';
import {Header} from '../components/header.js';
import {KeyHelp, LIST_KEYS} from '../components/key-help.js';
import {SelectList} from '../components/select-list.js';
import {columns, row, TableHeader, useFitted} from '../components/table.js';
import {useScreenKeys} from '../hooks/use-screen-keys.js';
import {useListRows} from '../hooks/use-window.js';
import {color, shortTime} from '../theme.js';
import {sandboxMarkOf} from '../../app/sandbox.js';
import {STOPPED_MARK} from '../components/stopped-sandbox.js';

// The CLI's columns (crm host list), but the host id: the TUI names hosts; the built-in sandbox's
// state beside each. The URL grows with the terminal and is shortened in the middle.
const COLUMNS = columns('NAME:14, VERSION:9, AUTH:13?, LAST PROBE:16?, SANDBOX:8, URL:30+~');

export function HostsScreen() {
	const {data} = useUIState();
	const actions = useUIActions();
	const limit = useListRows(10);
	const fitted = useFitted(COLUMNS);
	useScreenKeys({
		list: true,
		onBack: actions.back,
		onKey: (input) => {
			if (input === 'a') {
				actions.push({id: 'host-add'});
				return true;
			}
			return false;
		},
	});
	const hosts = data?.hosts ?? [];
	const items = [
		...hosts.map((h) => ({
			key: h.host_id,
			label: row(
				[
					h.name,
					h.version ?? 'unknown',
					h.auth_type,
					shortTime(h.last_probe_at),
					sandboxMarkOf(h)?.state ?? '-',
					h.url,
				],
				fitted,
			),
			value: h.host_id,
		})),
		{key: '+add', label: '+ Add a host', value: '+add'},
	];
	return (
		<Box flexDirection="column">
			<Header title="Hosts" subtitle={`${hosts.length} registered`} />
			{hosts.length > 0 ? (
				<TableHeader columns={fitted} indent={2} />
			) : (
				<Text dimColor>No host registered yet.</Text>
			)}
			<SelectList
				items={items}
				limit={limit}
				onSelect={(value) => actions.push(value === '+add' ? {id: 'host-add'} : {id: 'host', hostId: value})}
			/>
			{hosts.some((h) => sandboxMarkOf(h)?.state === 'stopped') ? (
				<Text color={color.warn} wrap="wrap">
					stopped: {STOPPED_MARK}; Enter on it to start it again or remove it.
				</Text>
			) : null}
			<KeyHelp keys={[...LIST_KEYS.slice(0, 2), {keys: 'a', does: 'add a host'}, ...LIST_KEYS.slice(2)]} />
		</Box>
	);
}
