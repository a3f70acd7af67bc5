// A provider's last 24 hours in two lines of 24 cells, one an hour (docs/domain.md "Health"): the
// latency of the checks that passed, as bars, and the hours that had a failed check, as ✗.
import React from 'react';
import {Text} from './text.js';
import type {HealthCheck} from '../../core/health/types.js';
import {color} from '../theme.js';

const BARS = '▁▂▃▄▅▆▇█';
const HOUR = 3_600_000;

export interface Spark {
	latency: string;
	failures: string;
	checks: number;
	failed: number;
}

/** Buckets checks into the 24 hours before `now`, oldest first. */
export function sparkOf(checks: HealthCheck[], now = Date.now()): Spark {
	const latency: Array<number[]> = Array.from({length: 24}, () => []);
	const failed = Array<boolean>(24).fill(false);
	const seen = Array<boolean>(24).fill(false);
	let count = 0;
	let failures = 0;
	for (const c of checks) {
		const age = now - Date.parse(c.at);
		if (age < 0 || age >= 24 * HOUR) continue;
		const i = 23 - Math.floor(age / HOUR);
		seen[i] = true;
		count += 1;
		if (c.health === 'failing') {
			failed[i] = true;
			failures += 1;
		} else if (c.health === 'ok' && c.latency_ms !== null) latency[i]!.push(c.latency_ms);
	}
	const means = latency.map((l) => (l.length ? l.reduce((a, b) => a + b, 0) / l.length : null));
	const max = Math.max(1, ...means.filter((m): m is number => m !== null));
	return {
		latency: means
			.map((m, i) => (m === null ? (seen[i] ? ' ' : '·') : BARS[Math.min(7, Math.floor((m / max) * 7.999))]))
			.join(''),
		failures: failed.map((f, i) => (f ? '✗' : seen[i] ? '✓' : '·')).join(''),
		checks: count,
		failed: failures,
	};
}

export function Sparkline({checks, now}: {checks: HealthCheck[]; now?: number}) {
	const s = sparkOf(checks, now);
	return (
		<>
			<Text wrap="truncate-end">{`${'24h latency'.padEnd(12)}${s.latency}`}</Text>
			<Text wrap="truncate-end">
				<Text color={s.failed ? color.warn : undefined}>{`${'24h checks'.padEnd(12)}${s.failures}`}</Text>
				<Text dimColor>{` ${s.checks} checks, ${s.failed} failed`}</Text>
			</Text>
		</>
	);
}
