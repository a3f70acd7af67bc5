// What every non-interactive command receives (parsed flags, the data folder, the output channel),
// and the pieces each turns into an app call: the session (timing, lock wait and the operator's
// answers from the flags) and the run (step lines on stderr, SIGINT/SIGTERM as a clean stop).
// A command is flags -> input -> source/app -> render (docs/architecture.md "Views").
import type {Run, Session} from '../app/session.js';
import type {StepEvent} from '../core/pipeline/events.js';
import type {Operator} from '../core/hosts/access.js';
import {invalidInput} from '../lib/errors.js';
import {resolveDataDir} from '../app/data-folder.js';
import {Output} from './output.js';
import {printEvent} from './print-events.js';
import {totpFromFlags} from './secret-input.js';

import {flagNumber, type Flags} from './flags.js';

export {flagNumber, flagString, type Flags} from './flags.js';

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
	{key: 'upstreamRetryS', flag: '--upstream-retry-s', env: 'CRM_UPSTREAM_RETRY_S', min: 0, max: 3600},
	{key: 'concurrency', flag: '--concurrency', min: 1, max: 64},
	{key: 'pauseAfter', flag: '--pause-after', min: 1, max: 1000},
	{key: 'port', flag: '--port', min: 0, max: 65535},
	{key: 'latencyMs', flag: '--latency-ms', min: 0, max: 60000},
	{key: 'intervalS', flag: '--interval-s', min: 10, max: 86400},
	{key: 'brokenAfter', flag: '--broken-after', min: 1, max: 100},
	{key: 'pauseAfter', flag: '--pause-after', min: 1, max: 100},
	{key: 'minBalance', flag: '--min-balance', min: 0, max: 1e9},
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

/** The operator's answers, from flags: a TOTP code from --totp-env, compliance only with --accept-compliance. */
export function operatorFromFlags(ctx: CommandContext): Operator {
	return {
		totp: totpFromFlags(ctx.flags),
		acceptCompliance: async (info) => {
			if (!ctx.flags.acceptCompliance) return false;
			ctx.out.note(
				`accepting the host's compliance acknowledgement as asked (--accept-compliance): "${info.phrase_en}"${info.document_url_en ? ` — ${info.document_url_en}` : ''}`,
			);
			return true;
		},
	};
}

/**
 * The application session for one command run: data folder, the waits (--timeout-s, --smoke-retry-s,
 * --lock-wait-s; the session adds env and defaults) and the operator from the flags. Computed before
 * the lock, so a bad flag exits 2, not 4.
 */
export async function sessionFor(ctx: CommandContext): Promise<Session> {
	const operator = operatorFromFlags(ctx);
	const {Session} = await import('../app/session.js');
	const ms = (name: string) => {
		const s = flagNumber(ctx.flags, name);
		return s === undefined ? undefined : s * 1000;
	};
	const timeout = ms('timeoutS');
	return new Session({
		dataDir: ctx.dataDir,
		actor: 'crm',
		operator,
		timing: {
			requestTimeoutMs: timeout,
			probeTimeoutMs: timeout,
			smokeRetryMs: ms('smokeRetryS'),
			upstreamRetryMs: ms('upstreamRetryS'),
		},
		lockWaitMs: ms('lockWaitS'),
		warn: (m) => ctx.out.warn(m),
	});
}

/** A run of this command: step lines on stderr; SIGINT/SIGTERM stop it cleanly. Dispose when done. */
export function runFor<E = StepEvent>(
	ctx: CommandContext,
	print: (event: E) => void = (e) => printEvent(ctx.out, e as StepEvent),
): Run<E> & {dispose: () => void} {
	const controller = new AbortController();
	const onSignal = (sig: NodeJS.Signals) => {
		if (controller.signal.aborted) return;
		ctx.out.note(`${sig}: stopping cleanly; state will record where it stopped`);
		controller.abort();
	};
	process.on('SIGINT', onSignal);
	process.on('SIGTERM', onSignal);
	return {
		sink: print,
		signal: controller.signal,
		dispose: () => {
			process.off('SIGINT', onSignal);
			process.off('SIGTERM', onSignal);
		},
	};
}

/** Runs an app operation with this command's run, released however it ends. */
export async function withRun<T, E = StepEvent>(
	ctx: CommandContext,
	fn: (run: Run<E>) => Promise<T>,
	print?: (event: E) => void,
): Promise<T> {
	const run = runFor<E>(ctx, print);
	try {
		return await fn(run);
	} finally {
		run.dispose();
	}
}
