// Shared pieces of the benchmark scripts: timed child processes, statistics, the machine, and the
// shape of one reported figure. Everything talks to 127.0.0.1 only; every loop is bounded.
import {spawn, type SpawnOptions} from 'node:child_process';
import {mkdtempSync, rmSync, statSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const cliPath = path.join(repoRoot, 'dist', 'cli.js');

/** One line of the results table: a figure, its ratio against a bound or baseline, and the target. */
export interface Figure {
	section: string;
	measure: string;
	/** The figure itself, formatted (e.g. "812 ms"). */
	value: string;
	/** e.g. "1.07 × bound" or "0.42 × 1 s"; null when there is no bound. */
	ratio: string | null;
	target: string;
	/** null: informational, no target. */
	met: boolean | null;
	/** Why a target was missed (or why a figure is missing) and what would fix it. */
	note?: string;
	/** Names the figure in scripts/bench/before.ts (shown as "before"). */
	id?: string;
	/** The before figure measured in this run (another build beside this one), over before.ts. */
	before?: string;
}

export interface SectionResult {
	figures: Figure[];
	/** Markdown paragraphs: where the time goes, chains, details. */
	details: string[];
}

export const now = (): number => performance.timeOrigin + performance.now();

export function ms(value: number, digits = 0): string {
	return `${value.toFixed(digits)} ms`;
}

export function ratio(value: number, bound: number, label: string): string {
	return `${(value / bound).toFixed(2)} × ${label}`;
}

export function median(values: number[]): number {
	if (values.length === 0) return Number.NaN;
	const sorted = [...values].sort((a, b) => a - b);
	const mid = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function quantile(values: number[], q: number): number {
	if (values.length === 0) return Number.NaN;
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

export function tempDir(label: string): string {
	return mkdtempSync(path.join(os.tmpdir(), `crm-bench-${label}-`));
}

export function removeDir(dir: string): void {
	rmSync(dir, {recursive: true, force: true});
}

export interface Timed {
	code: number | null;
	signal: NodeJS.Signals | null;
	stdout: string;
	stderr: string;
	/** Spawn to exit, from process.hrtime. */
	ms: number;
	startedAt: number;
	endedAt: number;
}

/** Spawns a command and times it from spawn to exit; killed (SIGKILL) after timeoutMs. */
export function timedSpawn(
	command: string,
	args: string[],
	options: SpawnOptions & {timeoutMs?: number; input?: string} = {},
): Promise<Timed> {
	return new Promise((resolve, reject) => {
		const startedAt = now();
		const t0 = process.hrtime.bigint();
		const child = spawn(command, args, {
			cwd: repoRoot,
			...options,
			env: {...process.env, NO_COLOR: '1', CI: 'true', ...options.env},
			stdio: ['pipe', 'pipe', 'pipe'],
		});
		let stdout = '';
		let stderr = '';
		child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
		child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
		const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
		child.on('error', (error) => {
			clearTimeout(timer);
			reject(error);
		});
		child.on('close', (code, signal) => {
			clearTimeout(timer);
			const elapsed = Number(process.hrtime.bigint() - t0) / 1e6;
			resolve({code, signal, stdout, stderr, ms: elapsed, startedAt, endedAt: now()});
		});
		child.stdin!.end(options.input ?? '');
	});
}

/** Runs the built CLI (dist/cli.js), as the `crm` bin does. */
export function crm(args: string[], env: Record<string, string> = {}, timeoutMs = 120_000): Promise<Timed> {
	return timedSpawn(process.execPath, [cliPath, ...args], {env, timeoutMs});
}

/** Runs the built CLI under GNU time for its peak RSS (KiB); null when /usr/bin/time is missing. */
export async function crmWithRss(
	args: string[],
	env: Record<string, string>,
	timeoutMs = 120_000,
): Promise<Timed & {maxRssKb: number | null}> {
	if (!hasGnuTime()) return {...(await crm(args, env, timeoutMs)), maxRssKb: null};
	const marker = 'CRM_BENCH_MAXRSS_KB=';
	const run = await timedSpawn('/usr/bin/time', ['-f', `${marker}%M`, process.execPath, cliPath, ...args], {
		env,
		timeoutMs,
	});
	const match = new RegExp(`${marker}(\\d+)`).exec(run.stderr);
	return {
		...run,
		stderr: run.stderr.replace(new RegExp(`${marker}\\d+\\n?`), ''),
		maxRssKb: match ? Number(match[1]) : null,
	};
}

let gnuTime: boolean | null = null;
/** GNU time at /usr/bin/time (its -f %M is the peak RSS in KiB). */
export function hasGnuTime(): boolean {
	if (gnuTime === null) {
		try {
			gnuTime = !process.env.BENCH_NO_GNU_TIME && statSync('/usr/bin/time').isFile();
		} catch {
			gnuTime = false;
		}
	}
	return gnuTime;
}

export interface Machine {
	cpus: number;
	cpuModel: string;
	memoryGiB: number;
	node: string;
	platform: string;
	loadStart: number[];
	loadEnd: number[];
}

export function machine(loadStart: number[]): Machine {
	const cpus = os.cpus();
	return {
		cpus: cpus.length,
		cpuModel: cpus[0]?.model.trim() ?? 'unknown',
		memoryGiB: os.totalmem() / 1024 ** 3,
		node: process.version,
		platform: `${os.type()} ${os.release()} ${os.arch()}`,
		loadStart,
		loadEnd: os.loadavg(),
	};
}

/** Seconds left before a deadline (a whole-bench time budget). */
export class Budget {
	private readonly deadline: number;
	constructor(seconds: number) {
		this.deadline = Date.now() + seconds * 1000;
	}
	get leftMs(): number {
		return this.deadline - Date.now();
	}
	/** True when at least `ms` remain. */
	has(msNeeded: number): boolean {
		return this.leftMs >= msNeeded;
	}
}

export const sleep = (msToWait: number) => new Promise<void>((resolve) => setTimeout(resolve, msToWait));

export function log(message: string): void {
	process.stderr.write(`bench: ${message}\n`);
}
