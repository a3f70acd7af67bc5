// The health of one provider on the Status screen (docs/domain.md "Health"): its last check, a
// 24-hour sparkline of latency and failures, its balance and its alert state, from the watch's
// summary and the batch's history file (one file read, for the highlighted provider only).
import React, {useEffect, useState} from 'react';
import {Box} from 'ink';
import {amount} from '../../app/reads.js';
import {Text} from './text.js';
import {batchHealth, type BatchHealth, type HealthCheck} from '../../app/health.js';
import {useUIState} from '../context.js';
import {statusColor, shortTime} from '../theme.js';
import {Sparkline} from './sparkline.js';

/** The one-cell mark of the HEALTH column. */
export function healthMark(h: BatchHealth | undefined): string {
	if (!h) return '·';
	if (h.paused) return '‖';
	return h.health === 'ok' ? '✓' : h.health === 'failing' ? '✗' : '?';
}

function alertState(h: BatchHealth): string {
	if (h.paused) return `paused by the tool since ${shortTime(h.paused.at)}`;
	if (h.alert.health === 'failing') return `failing alert sent ${shortTime(h.alert.sent_at)}`;
	if (h.low_balance.active) return `low balance alert sent ${shortTime(h.low_balance.sent_at)}`;
	return 'none';
}

export function ProviderHealth({batchId, health}: {batchId: string | null; health: BatchHealth | undefined}) {
	const {app} = useUIState();
	const [history, setHistory] = useState<{checks: HealthCheck[]; now: number}>({checks: [], now: 0});
	useEffect(() => {
		let live = true;
		// One small file, for the highlighted provider only, read after the frame is drawn.
		const now = Date.now();
		const read = batchId
			? batchHealth(app, {batchId, sinceMs: now - 24 * 3_600_000}).then((h) => h.checks)
			: Promise.resolve([] as HealthCheck[]);
		read.then(
			(checks) => live && setHistory({checks, now}),
			() => {},
		);
		return () => {
			live = false;
		};
	}, [app, batchId, health]);
	if (!batchId) return <Text dimColor>no ready batch for this provider: nothing is watched</Text>;
	if (!health) return <Text dimColor>not checked yet: Watch health (Home) checks it</Text>;
	const balance =
		health.balance?.amount != null
			? amount(health.balance.amount, health.balance.currency ?? undefined)
			: 'n/a';
	return (
		<Box flexDirection="column">
			<Text wrap="truncate-end">
				<Text dimColor>health </Text>
				<Text color={statusColor(health.health)}>{health.health}</Text>
				{health.failure_class ? <Text color={statusColor('failing')}> {health.failure_class}</Text> : null}
				<Text dimColor> · checked </Text>
				{shortTime(health.last_check_at)}
				{health.latency_ms !== null ? ` · ${health.latency_ms}ms` : ''}
				<Text dimColor> · balance </Text>
				{balance}
				<Text dimColor> · alert </Text>
				{alertState(health)}
			</Text>
			<Sparkline checks={history.checks} now={history.now} />
		</Box>
	);
}
