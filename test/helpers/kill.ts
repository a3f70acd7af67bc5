// Kills a real `crm` process with SIGKILL at a chosen moment: a delay after a step's start line.
import {captured, startCli} from './cli.js';

export interface KillOutcome {
	killedDuring: string | null;
	code: number | null;
	signal: NodeJS.Signals | null;
	stderr: string;
}

export function killDuring(
	args: string[],
	env: Record<string, string>,
	step: string,
	delayMs: number,
): Promise<KillOutcome> {
	return new Promise((resolve) => {
		const child = startCli(args, {env});
		let stderr = '';
		let armed = false;
		let current: string | null = null;
		child.stderr!.on('data', (d) => {
			stderr += d;
			for (const m of String(d).matchAll(/^… (\w+)$/gm)) current = m[1] ?? current;
			if (!armed && stderr.includes(`… ${step}\n`)) {
				armed = true;
				setTimeout(() => child.kill('SIGKILL'), delayMs);
			}
		});
		child.stdout!.resume();
		child.on('close', (code, signal) =>
			resolve({killedDuring: signal === 'SIGKILL' ? current : null, code, signal, stderr}),
		);
		child.stdin!.end();
	});
}

// ---- Kill at a moment inside a chosen step, and read back where the process really died ----

export interface StepKill {
	/** The batch the run had created (its "batch <id>" line), or null when it died before that. */
	batchId: string | null;
	/** true when SIGKILL ended the process (false: it finished before the kill landed). */
	killed: boolean;
	/** Steps started and not ended when the process died (host_probe and upstream_probe run together). */
	open: string[];
	/** The last step that ended before the death. */
	lastEnded: string | null;
	/** Steps whose end may not have reached the disk before the death (see openSteps). */
	recentlyEnded: string[];
	stderr: string;
}

/** Step start (`… step`) and end (`✔|!|✖|- step (N ms)`) lines, in order. */
export function stepTimeline(stderr: string): Array<{step: string; event: 'start' | 'end'}> {
	const out: Array<{step: string; event: 'start' | 'end'}> = [];
	for (const line of stderr.split('\n')) {
		const start = /^… (\w+)$/.exec(line);
		if (start) out.push({step: start[1]!, event: 'start'});
		const end = /^[✔!✖-] (\w+) \(\d+ ms\)/.exec(line);
		if (end) out.push({step: end[1]!, event: 'end'});
	}
	return out;
}

/**
 * Steps started and not ended; the last step that ended; and the steps that ended after the
 * next-to-last start line. A step's end is written with the next step's start (docs/architecture.md),
 * and a start line is printed once its write is done, so an end printed after the write of the last
 * start began may not be on disk: such a step may still read running to a crash recovery. Two starts
 * can be in flight at once (steps side by side), hence the next-to-last start line as the bound.
 */
export function openSteps(stderr: string): {
	open: string[];
	lastEnded: string | null;
	recentlyEnded: string[];
} {
	const open = new Set<string>();
	let lastEnded: string | null = null;
	const timeline = stepTimeline(stderr);
	const starts = timeline.flatMap((e, i) => (e.event === 'start' ? [i] : []));
	const bound = starts.length >= 2 ? starts[starts.length - 2]! : -1;
	const recentlyEnded: string[] = [];
	for (const [i, e] of timeline.entries()) {
		if (e.event === 'start') open.add(e.step);
		else {
			open.delete(e.step);
			lastEnded = e.step;
			if (i > bound) recentlyEnded.push(e.step);
		}
	}
	return {open: [...open], lastEnded, recentlyEnded};
}

/**
 * Starts `crm` and sends SIGKILL `delayMs` after the start line of `step` arrives. Where it really
 * died is read from everything it printed (the pipe keeps what was written before the kill).
 */
export function killInStep(
	args: string[],
	env: Record<string, string>,
	step: string,
	delayMs: number,
	onOutput?: (stdout: string, stderr: string) => void,
): Promise<StepKill> {
	return new Promise((resolve) => {
		const child = startCli(args, {env});
		let stderr = '';
		let stdout = '';
		let armed = false;
		child.stderr!.on('data', (d) => {
			stderr += d;
			if (!armed && stderr.includes(`… ${step}\n`)) {
				armed = true;
				if (delayMs <= 0) child.kill('SIGKILL');
				else setTimeout(() => child.kill('SIGKILL'), delayMs);
			}
		});
		child.stdout!.on('data', (d) => (stdout += d));
		child.on('close', (_code, signal) => {
			captured.push(stdout, stderr);
			onOutput?.(stdout, stderr);
			const killed = signal === 'SIGKILL';
			const where = openSteps(stderr);
			resolve({
				batchId: /^batch (b\S+)$/m.exec(stderr)?.[1] ?? null,
				killed,
				open: killed ? where.open : [],
				lastEnded: where.lastEnded,
				recentlyEnded: killed ? where.recentlyEnded : [],
				stderr,
			});
		});
		child.stdin!.end();
	});
}
