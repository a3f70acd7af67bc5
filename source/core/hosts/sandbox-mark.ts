// A host the built-in sandbox registered (docs/cli.md `crm host show`, field `sandbox`): its record
// names the crm process and run that started the sandbox. The sandbox lives only as long as that run,
// so a later process reads such a host as `stopped` once its process has ended (or, in the same
// process, once its run has closed it), and as `running` while it lives.
import {randomUUID} from 'node:crypto';
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

/** Whether a process of that id still runs (EPERM: it runs, under another user). */
function processRuns(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}

/** The host's sandbox, or null for a host the built-in sandbox did not register. */
export function sandboxMarkOf(host: HostRecord): SandboxMark | null {
	const stamp = host.built_in_sandbox;
	if (!stamp) return null;
	const here = openHere.has(stamp.session);
	// In this process only an open run counts; another process's sandbox lives while that process does.
	const running = here || (stamp.pid !== process.pid && processRuns(stamp.pid));
	return {state: running ? 'running' : 'stopped', here, pid: stamp.pid, started_at: stamp.started_at};
}

/** The word `host list`/`host show` print: `running`, `stopped`, or null for any other host. */
export function sandboxWordOf(host: HostRecord): SandboxWord | null {
	return sandboxMarkOf(host)?.state ?? null;
}
