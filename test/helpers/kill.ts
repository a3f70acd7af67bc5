// Kills a real `crm` process with SIGKILL at a chosen moment: a delay after a step's start line.
import {startCli} from './cli.js';

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
