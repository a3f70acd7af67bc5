// What every non-interactive command receives: parsed flags, the data folder and the output channel.
import {resolveDataDir} from '../store/paths.js';
import {Output} from './output.js';

export type Flags = Record<string, unknown>;

export interface CommandContext {
	args: string[];
	flags: Flags;
	dataDir: string;
	out: Output;
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
