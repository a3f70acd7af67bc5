// Timing for a session: the defaults (core/pipeline/timing.ts, written once), then the environment,
// then what the caller gives (a CLI flag, a TUI setting, a service request). docs/cli.md "Waits".
import {DEFAULT_TIMING, type Timing} from '../core/pipeline/timing.js';

export type {Timing};

/** The env variable behind each wait (docs/cli.md: every wait has a flag and a variable). */
export const TIMING_ENV = {
	requestTimeoutMs: {env: 'CRM_TIMEOUT_S', scale: 1000},
	probeTimeoutMs: {env: 'CRM_TIMEOUT_S', scale: 1000},
	smokeRetryMs: {env: 'CRM_SMOKE_RETRY_S', scale: 1000},
	smokeRetryIntervalMs: {env: 'CRM_SMOKE_RETRY_INTERVAL_MS', scale: 1},
	upstreamRetryMs: {env: 'CRM_UPSTREAM_RETRY_S', scale: 1000},
} as const satisfies Record<keyof Timing, {env: string; scale: number}>;

export const LOCK_WAIT_ENV = 'CRM_LOCK_WAIT_S';

function fromEnv(env: NodeJS.ProcessEnv, name: string): number | undefined {
	const raw = env[name];
	if (raw === undefined || raw === '') return undefined;
	const value = Number(raw);
	return Number.isFinite(value) ? value : undefined;
}

/** Defaults, overridden by the environment, overridden by what the caller passes. */
export function resolveTiming(overrides: Partial<Timing> = {}, env: NodeJS.ProcessEnv = process.env): Timing {
	const timing: Timing = {...DEFAULT_TIMING};
	for (const key of Object.keys(TIMING_ENV) as Array<keyof Timing>) {
		const {env: name, scale} = TIMING_ENV[key];
		const value = fromEnv(env, name);
		if (value !== undefined) timing[key] = value * scale;
		const given = overrides[key];
		if (given !== undefined) timing[key] = given;
	}
	return timing;
}

/** How long an operation waits for a busy data folder: the caller's value, else the env, else 0. */
export function resolveLockWaitMs(givenMs?: number, env: NodeJS.ProcessEnv = process.env): number {
	if (givenMs !== undefined) return givenMs;
	return (fromEnv(env, LOCK_WAIT_ENV) ?? 0) * 1000;
}
