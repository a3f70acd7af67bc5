// Watch, live (docs/domain.md "Health"): the health loop of `crm watch` running in the TUI, one row a
// batch with its last check (health, failure class, latency, balance) and the last alerts raised.
// Esc or Ctrl-C stops it cleanly (the checks under way finish, the summary is written).
import React, {useEffect, useRef, useState} from 'react';
import {Box} from 'ink';
import {amount} from '../../app/reads.js';
import {Text} from '../components/text.js';
import Spinner from 'ink-spinner';
import {watch, type HealthCheck, type RaisedAlert, type WatchResult} from '../../app/watch.js';
import {useUIActions, useUIState} from '../context.js';
import {errorText} from '../components/error-line.js';
import {Header} from '../components/header.js';
import {KeyHelp} from '../components/key-help.js';
import {columns, row, TableHeader, useFitted} from '../components/table.js';
import {useOperation} from '../hooks/use-operation.js';
import {useScreenKeys} from '../hooks/use-screen-keys.js';
import {useListRows} from '../hooks/use-window.js';
import {color, statusColor} from '../theme.js';

const COLUMNS = columns('PACK:8, BATCH:8, HEALTH:7, CLASS:24+, MS:6, BALANCE:12, AT:8');

export interface WatchScreenProps {
	hostId?: string;
	batchIds?: string[];
	intervalS?: number;
}

export function WatchScreen({hostId, batchIds, intervalS}: WatchScreenProps) {
	const {app, data, stopping} = useUIState();
	const actions = useUIActions();
	const op = useOperation<WatchResult>();
	const cols = useFitted(COLUMNS, 0);
	const [checks, setChecks] = useState<Record<string, HealthCheck>>({});
	const [count, setCount] = useState(0);
	const [alerts, setAlerts] = useState<RaisedAlert[]>([]);
	const [leaving, setLeaving] = useState(false);
	const started = useRef(false);
	const limit = useListRows(12);
	const {start} = op;

	// The loop also stops when the screen goes away (the app quits, a test unmounts it).
	const own = useRef(new AbortController());
	useEffect(() => {
		const controller = own.current;
		return () => controller.abort();
	}, []);
	useEffect(() => {
		if (started.current) return;
		started.current = true;
		start((signal) => {
			signal.addEventListener('abort', () => own.current.abort(), {once: true});
			return watch(
				app,
				{host: hostId, batchIds: batchIds ?? null, intervalS, once: false},
				{
					sink: () => {},
					signal: own.current.signal,
					onCheck: (c) => {
						setChecks((prev) => ({...prev, [c.batch_id]: c}));
						setCount((n) => n + 1);
					},
					onAlert: (a) => setAlerts((prev) => [...prev, a].slice(-3)),
				},
			);
		});
	}, [start, app, hostId, batchIds, intervalS]);

	const running = op.phase === 'running';
	useEffect(() => {
		if (leaving && !running) actions.back();
	}, [leaving, running, actions]);
	useScreenKeys({
		onBack: () => {
			if (running) {
				setLeaving(true);
				actions.stopRun();
			} else actions.back();
		},
	});

	const hostName = hostId ? (data?.hosts.find((h) => h.host_id === hostId)?.name ?? hostId) : 'every host';
	const rows = Object.values(checks).sort(
		(a, b) => a.pack.localeCompare(b.pack) || a.batch_id.localeCompare(b.batch_id),
	);
	const every = intervalS ? `${intervalS} s` : 'its interval (15 min unless the pack says)';
	return (
		<Box flexDirection="column">
			<Header
				title={`Watch ${hostName}`}
				subtitle={`each provider every ${every} · ${count} check(s) · ${alerts.length ? `${alerts.length} alert(s)` : 'no alerts'}`}
			/>
			{running && rows.length === 0 ? (
				<Text>
					<Text color={color.accent}>
						<Spinner type="dots" />
					</Text>{' '}
					first checks under way…
				</Text>
			) : null}
			{rows.length > 0 ? <TableHeader columns={cols} /> : null}
			{rows.slice(0, limit).map((c) => (
				<Text key={c.batch_id} color={statusColor(c.health)} wrap="truncate-end">
					{row(
						[
							c.pack,
							c.batch_id.slice(-6),
							c.health,
							c.failure_class ?? (c.action ? c.action : '-'),
							c.latency_ms,
							c.balance ? amount(c.balance.amount, c.balance.currency ?? undefined) : '-',
							c.at.slice(11, 19),
						],
						cols,
					)}
				</Text>
			))}
			{rows.length > limit ? <Text dimColor>… and {rows.length - limit} more</Text> : null}
			{alerts.map((a, i) => (
				<Text
					key={i}
					color={a.kind === 'recovered' || a.kind === 'resumed' ? color.ok : color.warn}
					wrap="truncate-end"
				>
					alert {a.kind}: {a.message}
				</Text>
			))}
			{op.phase === 'error' ? <Text color={color.fail}>✗ {errorText(op.error)}</Text> : null}
			{op.phase === 'done' ? <Text dimColor>stopped; the summary and history are written</Text> : null}
			{stopping || leaving ? <Text color={color.warn}>stopping after the checks under way…</Text> : null}
			<KeyHelp keys={[{keys: 'Esc', does: running ? 'stop watching' : 'back'}]} />
		</Box>
	);
}
