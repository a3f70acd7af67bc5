// One host: where it is, how the tool authenticates, what the last probe found; re-probe (spinner,
// fresh capabilities), remove (confirm), or import into it. A sandbox host whose sandbox stopped with
// the previous run says so and offers only to start it again or remove it (stopped-sandbox.tsx).
import React, {useState} from 'react';
import {Box} from 'ink';
import {Text} from '../components/text.js';
import {removeHost, reprobeHost} from '../../app/hosts.js';
import {liveBatchesOf} from '../../app/reads.js';
import {useUIActions, useUIState} from '../context.js';
import {Busy} from '../components/busy.js';
import {OperationLine} from '../components/operation-line.js';
import {progressTo} from '../steps.js';
import {Capabilities} from '../components/capabilities.js';
import {HostAddresses} from '../components/host-addresses.js';
import {TextField} from '../components/masked-field.js';
import {setHost} from '../../app/host-set.js';
import {Confirm} from '../components/confirm.js';
import {Header} from '../components/header.js';
import {KeyHelp, LIST_KEYS} from '../components/key-help.js';
import {SelectList} from '../components/select-list.js';
import {useOperation} from '../hooks/use-operation.js';
import {useScreenKeys} from '../hooks/use-screen-keys.js';
import {color, shortTime} from '../theme.js';
import {STOPPED_MARK, useStoppedSandbox} from '../components/stopped-sandbox.js';

const ignore = () => {};

type Action = 'import' | 'reprobe' | 'remove' | 'gateway' | 'back' | 'sandbox-restart' | 'sandbox-remove';

export function HostDetailScreen({hostId}: {hostId: string}) {
	const {app, data} = useUIState();
	const actions = useUIActions();
	const host = data?.hosts.find((h) => h.host_id === hostId);
	const [mode, setMode] = useState<'menu' | 'confirm-remove' | 'gateway'>('menu');
	const [progress, setProgress] = useState('');
	const op = useOperation<string>();
	const stopped = useStoppedSandbox(host);
	const busy = op.phase === 'running' || stopped.op.phase === 'running';
	useScreenKeys({
		list: mode === 'menu',
		text: mode === 'gateway',
		isActive: !busy,
		onBack: () => {
			if (stopped.panel) return stopped.cancel();
			return mode === 'menu' ? actions.back() : setMode('menu');
		},
	});

	if (!host) {
		return (
			<Box flexDirection="column">
				<Header title="Hosts › a host no longer registered" />
				<Text color={op.phase === 'done' ? color.ok : color.fail}>
					{op.result ?? stopped.op.result ?? 'this host is no longer registered'}
				</Text>
				<SelectList items={[{label: 'Back to Hosts', value: 'back'}]} onSelect={() => actions.back()} />
			</Box>
		);
	}
	const live = data ? liveBatchesOf(data, {host: hostId}) : [];

	const choose = (action: Action) => {
		if (stopped.choose(action)) return;
		if (action === 'back') actions.back();
		else if (action === 'import') actions.push({id: 'import', hostId});
		else if (action === 'remove') setMode('confirm-remove');
		else if (action === 'gateway') setMode('gateway');
		else
			op.start(async (signal) => {
				const caps = await reprobeHost(app, {host: hostId}, {sink: progressTo(setProgress), signal});
				return `re-probed: sub2api ${caps.version ?? '(version unknown)'}`;
			});
	};

	return (
		<Box flexDirection="column">
			<Header title={`Hosts › ${host.name}`} subtitle={host.url} />
			<Text>
				version <Text bold>{host.version ?? 'unknown'}</Text> · auth {host.auth_type} · last probe{' '}
				{shortTime(host.last_probe_at)}
			</Text>
			<Text dimColor>
				names {host.prefix}… · users @{host.user_domain}
			</Text>
			<HostAddresses host={host} />
			{stopped.stopped ? (
				<Text color={color.warn} wrap="wrap">
					● {STOPPED_MARK}: nothing answers at its address any more. Start it again (a new, empty sandbox in
					its place; its batches stay recorded, their resources are gone) or remove it.
				</Text>
			) : null}
			<Box marginY={1}>
				<Capabilities caps={host.capabilities} />
			</Box>
			{stopped.panel ? (
				stopped.panel
			) : busy ? (
				<Busy text={progress || 'probing'} />
			) : mode === 'confirm-remove' ? (
				<Confirm
					danger
					question={
						live.length > 0
							? `${host.name} still has ${live.length} batch(es) with resources on it. Forget the host anyway? Its resources stay on the host.`
							: `Forget ${host.name}? Nothing on the host changes; the record and its credential are removed here.`
					}
					yes="Remove it"
					onAnswer={(yes) => {
						if (!yes) return setMode('menu');
						op.start(async () => {
							await removeHost(app, {host: hostId, force: true});
							// The message shows once the host is gone from the app's view too, so the
							// next key goes to "Back to Hosts" and not to the menu it replaces.
							await actions.reload();
							return `removed ${host.name}`;
						});
						setMode('menu');
					}}
				/>
			) : mode === 'gateway' ? (
				<TextField
					label="Gateway URL"
					value={host.gateway_url ?? host.url}
					onChange={ignore}
					note="the address users call; the admin address itself resets it (http:// off this machine: crm host set --allow-insecure-http)"
					onSubmit={(url) => {
						setMode('menu');
						op.start(async () => {
							const r = await setHost(app, {host: hostId, gatewayUrl: url.trim()});
							return `gateway address ${r.host.gateway_url}`;
						});
					}}
				/>
			) : (
				<SelectList
					items={
						stopped.stopped
							? [
									...(stopped.items as Array<{label: string; value: Action}>),
									{label: 'Back', value: 'back' as Action},
								]
							: [
									{label: 'Import a provider into this host', value: 'import' as Action},
									{label: 'Re-probe', value: 'reprobe' as Action},
									{label: 'Remove', value: 'remove' as Action},
									{label: 'Set the gateway address', value: 'gateway' as Action},
									{label: 'Back', value: 'back' as Action},
								]
					}
					onSelect={choose}
				/>
			)}
			{busy ? null : <OperationLine op={op} />}
			{busy ? null : <OperationLine op={stopped.op} />}
			<KeyHelp keys={LIST_KEYS} />
		</Box>
	);
}
