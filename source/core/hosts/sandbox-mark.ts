// A host the built-in sandbox registered (docs/cli.md `crm host show`, field `sandbox`): its record
// names the crm process and run that started the sandbox. The sandbox lives only as long as that run,
// so a later process reads such a host as `stopped` once its process has ended (or, in the same
// process, once its run has closed it), and as `running` while it lives. A pid reused by a process
// that started after the sandbox does not count (Linux /proc; elsewhere the pid alone decides).
import {randomUUID} from 'node:crypto';
import {readFileSync} from 'node:fs';
import type {HostRecord} from '../../store/schema.js';

export type SandboxStamp = NonNullable<HostRecord['built_in_sandbox']>;
export type SandboxWord = 'running' | 'stopped';

export interface SandboxMark {
	state: SandboxWord;
	/** Its sandbox runs in this process (a run of this session), not in another crm process. */
	here: boolean;
	pid: number;
	started_at: string;
}

/** The runs of this process whose sandbox is still open. */
const openHere = new Set<string>();

/** A new run's stamp, counted open in this process until `release` is called (its sandbox closed). */
export function openStamp(profile: string): {stamp: SandboxStamp; release: () => void} {
	const stamp = {pid: process.pid, session: randomUUID(), started_at: new Date().toISOString(), profile};
	openHere.add(stamp.session);
	return {stamp, release: () => openHere.delete(stamp.session)};
}

/** Linux's clock ticks per second in /proc (USER_HZ, 100 on every architecture Node runs on). */
const USER_HZ = 100;

/** When the process of that id started (ms since the epoch), where /proc tells; else null. */
function processStartedAt(pid: number): number | null {
	try {
		const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
		// Field 22 (starttime) counts from boot; fields after the command name `(...)` start at 3.
		const ticks = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
		const boot = Number(/^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'))?.[1]);
		return Number.isFinite(ticks) && Number.isFinite(boot) ? boot * 1000 + (ticks / USER_HZ) * 1000 : null;
	} catch {
		return null;
	}
}

/**
 * Whether the process that started the sandbox still runs: its pid is alive (EPERM: alive, under
 * another user) and, where /proc tells, started before the sandbox did (else the pid was reused).
 */
function startingProcessRuns(stamp: SandboxStamp): boolean {
	try {
		process.kill(stamp.pid, 0);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
	}
	const started = processStartedAt(stamp.pid);
	return started === null || started <= Date.parse(stamp.started_at) + 2000;
}

/** The host's sandbox, or null for a host the built-in sandbox did not register. */
export function sandboxMarkOf(host: HostRecord): SandboxMark | null {
	const stamp = host.built_in_sandbox;
	if (!stamp) return null;
	const here = openHere.has(stamp.session);
	// In this process only an open run counts; another process's sandbox lives while that process does.
	const running = here || (stamp.pid !== process.pid && startingProcessRuns(stamp));
	return {state: running ? 'running' : 'stopped', here, pid: stamp.pid, started_at: stamp.started_at};
}

/** The word `host list`/`host show` print: `running`, `stopped`, or null for any other host. */
export function sandboxWordOf(host: HostRecord): SandboxWord | null {
	return sandboxMarkOf(host)?.state ?? null;
}
