// The data folder's lock: one writer at a time. A PID lock file rather than proper-lockfile: that
// library detects staleness by mtime (a SIGKILLed importer would block the next run for its whole
// stale window) and cannot say who holds the lock, which the exit-4 message must do (docs/cli.md "Exit codes").
// Creation is atomic (write a temp file, then link() it into place, which fails if a lock exists).
import {hostname} from 'node:os';
import {linkSync, readFileSync, renameSync, unlinkSync, writeFileSync} from 'node:fs';
import {CrmError} from '../lib/errors.js';

export interface LockHolder {
	pid: number;
	hostname: string;
	command: string;
	started_at: string;
}

export interface HeldLock {
	holder: LockHolder;
	release(): void;
}

/** Whether a process with this pid exists on this machine (EPERM: it exists, owned by someone else). */
export function pidAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}

function readHolder(lockPath: string): LockHolder | null | 'missing' {
	try {
		return JSON.parse(readFileSync(lockPath, 'utf8')) as LockHolder;
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
		return null; // unreadable: a crash between create and write cannot happen (link is atomic), so treat as stale
	}
}

function isStale(holder: LockHolder | null): boolean {
	if (!holder) return true;
	if (holder.hostname !== hostname()) return false; // another machine's process: never assume it is dead
	return holder.pid !== process.pid && !pidAlive(holder.pid);
}

function tryCreate(lockPath: string, holder: LockHolder): boolean {
	const tmp = `${lockPath}.${process.pid}.${Date.now()}.tmp`;
	writeFileSync(tmp, JSON.stringify(holder) + '\n', {mode: 0o600});
	try {
		linkSync(tmp, lockPath);
		return true;
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
		throw error;
	} finally {
		unlinkSync(tmp);
	}
}

/** Moves a stale lock aside; returns true when the lock file is gone afterwards. */
function breakStale(lockPath: string, stale: LockHolder | null): boolean {
	const aside = `${lockPath}.stale.${process.pid}`;
	try {
		renameSync(lockPath, aside);
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'ENOENT';
	}
	const moved = readHolder(aside);
	const same =
		moved === null || moved === 'missing' || !stale
			? true
			: moved.pid === stale.pid && moved.started_at === stale.started_at;
	if (!same) {
		// Someone took the lock between our read and our rename: put theirs back.
		try {
			linkSync(aside, lockPath);
		} catch {
			/* a newer holder exists; theirs wins */
		}
	}
	unlinkSync(aside);
	return same;
}

function describe(holder: LockHolder | null): string {
	if (!holder) return 'an unknown process';
	return `pid ${holder.pid} on ${holder.hostname} (${holder.command}, since ${holder.started_at})`;
}

/**
 * Takes the lock or throws CrmError state_locked (exit 4) naming the holder. `waitMs` > 0 polls for
 * that long first (so two importers can serialize instead of failing).
 */
export async function acquireLock(lockPath: string, command: string, waitMs = 0): Promise<HeldLock> {
	const holder: LockHolder = {
		pid: process.pid,
		hostname: hostname(),
		command,
		started_at: new Date().toISOString(),
	};
	const deadline = Date.now() + waitMs;
	for (;;) {
		if (tryCreate(lockPath, holder)) break;
		const current = readHolder(lockPath);
		if (current === 'missing') continue;
		if (isStale(current) && breakStale(lockPath, current)) continue;
		if (Date.now() >= deadline) {
			throw new CrmError(
				'state_locked',
				`the data folder is locked by ${describe(current)}; wait for it to finish (or pass --lock-wait-s), then try again`,
			);
		}
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
	let released = false;
	const release = () => {
		if (released) return;
		released = true;
		process.off('exit', release);
		const current = readHolder(lockPath);
		if (
			current &&
			current !== 'missing' &&
			current.pid === holder.pid &&
			current.started_at === holder.started_at
		) {
			try {
				unlinkSync(lockPath);
			} catch {
				/* already gone */
			}
		}
	};
	process.on('exit', release);
	return {holder, release};
}
