// Starts the benchmark's host side in its own process (host-process.ts) and stops it.
import {spawn} from 'node:child_process';
import {readFileSync} from 'node:fs';
import path from 'node:path';
import type {SandboxOptions} from '../../source/sandbox/index.js';
import {repoRoot} from './common.js';
import type {HostProcessInfo} from './host-process.js';

export interface HostProcess extends HostProcessInfo {
	pid: number;
	/** CPU the host process used so far (user + system, ms), from /proc. */
	cpuMs(): number;
	close(): Promise<void>;
}

function procCpuMs(pid: number): number {
	try {
		// /proc/<pid>/stat fields 14 and 15: utime and stime in clock ticks (100 per second on Linux).
		const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
		const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		return (Number(fields[11]) + Number(fields[12])) * 10;
	} catch {
		return Number.NaN;
	}
}

export async function startHostProcess(options: SandboxOptions & {rowProxy?: boolean}): Promise<HostProcess> {
	const child = spawn(
		process.execPath,
		['--import', 'tsx', path.join(repoRoot, 'scripts/bench/host-process.ts'), JSON.stringify(options)],
		{cwd: repoRoot, stdio: ['pipe', 'pipe', 'inherit']},
	);
	const info = await new Promise<HostProcessInfo>((resolve, reject) => {
		let buffer = '';
		child.stdout!.on('data', (d: Buffer) => {
			buffer += d.toString();
			const line = buffer.split('\n')[0];
			if (buffer.includes('\n') && line) resolve(JSON.parse(line) as HostProcessInfo);
		});
		child.on('error', reject);
		child.on('exit', (code) => reject(new Error(`the host process exited (${code}) before it served`)));
	});
	return {
		...info,
		pid: child.pid!,
		cpuMs: () => procCpuMs(child.pid!),
		close: () =>
			new Promise<void>((resolve) => {
				if (child.exitCode !== null) return resolve();
				child.once('exit', () => resolve());
				child.stdin!.end();
				setTimeout(() => child.kill('SIGKILL'), 5000).unref();
			}),
	};
}
