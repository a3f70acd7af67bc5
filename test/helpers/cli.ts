// Runs the real, built `crm` (dist/cli.js, as the bin does) in a child process.
import {spawn, type ChildProcess} from 'node:child_process';
import {mkdtempSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const cliPath = path.join(repoRoot, 'dist', 'cli.js');

export interface CliResult {
	code: number | null;
	signal: NodeJS.Signals | null;
	stdout: string;
	stderr: string;
	ms: number;
}

export interface CliOptions {
	env?: Record<string, string | undefined>;
	input?: string;
	timeoutMs?: number;
	cwd?: string;
	/** Run as this user (tests of folder permissions, which root would bypass). */
	uid?: number;
	gid?: number;
}

/** Every captured output, for the end-of-suite secret scan. */
export const captured: string[] = [];

export function startCli(args: string[], options: CliOptions = {}): ChildProcess {
	return spawn(process.execPath, [cliPath, ...args], {
		cwd: options.cwd ?? repoRoot,
		env: {...process.env, NO_COLOR: '1', CI: 'true', ...options.env},
		stdio: ['pipe', 'pipe', 'pipe'],
		...(options.uid === undefined ? {} : {uid: options.uid, gid: options.gid ?? options.uid}),
	});
}

export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
	const started = Date.now();
	return new Promise((resolve, reject) => {
		const child = startCli(args, options);
		let stdout = '';
		let stderr = '';
		child.stdout!.on('data', (d) => (stdout += d));
		child.stderr!.on('data', (d) => (stderr += d));
		const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
		child.on('error', reject);
		child.on('close', (code, signal) => {
			clearTimeout(timer);
			captured.push(stdout, stderr);
			resolve({code, signal, stdout, stderr, ms: Date.now() - started});
		});
		// A child that refuses its input early closes stdin while we still write: not an error here.
		child.stdin!.on('error', () => {});
		child.stdin!.end(options.input ?? '');
	});
}

export function tempDataDir(label = 'crm'): string {
	return mkdtempSync(path.join(tmpdir(), `${label}-`));
}

export function parseJson<T = any>(result: CliResult): T {
	try {
		return JSON.parse(result.stdout) as T;
	} catch {
		throw new Error(
			`stdout is not one JSON document (exit ${result.code}):\n${result.stdout}\nstderr:\n${result.stderr}`,
		);
	}
}
