// What every non-interactive command receives: parsed flags, the data folder and the output channel.
import type {Session} from '../app/session.js';
import type {Operator} from '../core/hosts/access.js';
import {invalidInput} from '../lib/errors.js';
import {resolveDataDir} from '../store/paths.js';
import {Output} from './output.js';

export type Flags = Record<string, unknown>;

export interface CommandContext {
	args: string[];
	flags: Flags;
	dataDir: string;
	out: Output;
}

// Every number flag, and the env variables behind the wait flags, with the range it accepts. A value
// meow could not read as a number arrives as NaN: it is refused, never silently replaced by a default.
const NUMBER_FLAGS: Array<{
	key: string;
	flag: string;
	env?: string;
	min: number;
	max: number;
	above?: boolean;
}> = [
	{key: 'timeoutS', flag: '--timeout-s', env: 'CRM_TIMEOUT_S', min: 0, max: 3600, above: true},
	{key: 'smokeRetryS', flag: '--smoke-retry-s', env: 'CRM_SMOKE_RETRY_S', min: 0, max: 3600},
	{key: 'lockWaitS', flag: '--lock-wait-s', env: 'CRM_LOCK_WAIT_S', min: 0, max: 3600},
	{key: 'concurrency', flag: '--concurrency', min: 1, max: 64},
	{key: 'port', flag: '--port', min: 0, max: 65535},
	{key: 'latencyMs', flag: '--latency-ms', min: 0, max: 60000},
];

/** Checks the flags every command shares before any command runs (exit 2 naming the flag). */
export function checkCommonFlags(flags: Flags): void {
	if (flags.data !== undefined && (typeof flags.data !== 'string' || flags.data.trim() === ''))
		throw invalidInput('--data', '--data is empty: give the data folder (or leave the flag out)');
	for (const n of NUMBER_FLAGS) {
		const range = `${n.above ? `more than ${n.min}` : `from ${n.min}`} to ${n.max}`;
		const bad = (v: number) => !Number.isFinite(v) || (n.above ? v <= n.min : v < n.min) || v > n.max;
		const value = flags[n.key];
		if (value !== undefined && (typeof value !== 'number' || bad(value)))
			throw invalidInput(n.flag, `${n.flag} must be a number ${range}`);
		const fromEnv = n.env ? process.env[n.env] : undefined;
		if (n.env && fromEnv !== undefined && fromEnv !== '' && bad(Number(fromEnv)))
			throw invalidInput(n.env, `${n.env} must be a number ${range} (or unset)`);
	}
}

export function makeContext(args: string[], flags: Flags): CommandContext {
	return {
		args,
		flags,
		dataDir: resolveDataDir(typeof flags.data === 'string' ? flags.data : null),
		out: new Output({json: Boolean(flags.json)}),
	};
}

export function flagString(flags: Flags, name: string): string | undefined {
	const v = flags[name];
	return typeof v === 'string' ? v : undefined;
}

export function flagNumber(flags: Flags, name: string): number | undefined {
	const v = flags[name];
	return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** Seconds from a flag, else an env variable, else the default (every wait has both, CLI.md). */
export function seconds(flags: Flags, flag: string, env: string, fallback: number): number {
	const fromFlag = flagNumber(flags, flag);
	if (fromFlag !== undefined) return fromFlag;
	const fromEnv = process.env[env];
	if (fromEnv && Number.isFinite(Number(fromEnv))) return Number(fromEnv);
	return fallback;
}

/** The application session for one command run: data folder, timing and lock wait from the flags. */
export async function sessionFor(ctx: CommandContext, actor: string, operator?: Operator): Promise<Session> {
	const {Session} = await import('../app/session.js');
	const ms = (name: string) => {
		const s = flagNumber(ctx.flags, name);
		return s === undefined ? undefined : s * 1000;
	};
	return new Session({
		dataDir: ctx.dataDir,
		actor,
		operator,
		timing: {requestTimeoutMs: ms('timeoutS'), smokeRetryMs: ms('smokeRetryS')},
		lockWaitMs: ms('lockWaitS'),
		warn: (m) => ctx.out.warn(m),
	});
}
