// The host side of a benchmark in its own process: the sandbox host (with its fake upstreams) and,
// optionally, a proxy in front of the upstreams that strips a per-row path prefix (so that every row
// of a batch has its own URL). Keeping them out of the benchmark's and crm's processes means crm's
// CPU is measured alone and the host never competes with crm inside one event loop.
//
// Run: tsx scripts/bench/host-process.ts '<json options>'; prints one JSON line (the sandbox info and
// the proxy URL) on stdout, then serves until stdin closes or it gets SIGTERM.
import {startSandbox, type SandboxOptions} from '../../source/sandbox/index.js';
import {startProxy} from './proxy.js';

interface HostProcessOptions extends SandboxOptions {
	/** Also start a proxy to the upstreams that strips `/row<N>` from the front of every path. */
	rowProxy?: boolean;
}

export interface HostProcessInfo {
	info: import('../../source/sandbox/index.js').SandboxInfo;
	/** The row proxy's base URL (http://127.0.0.1:PORT), when asked for. */
	rowProxy: string | null;
}

async function main(): Promise<void> {
	const options = JSON.parse(process.argv[2] ?? '{}') as HostProcessOptions;
	const sandbox = await startSandbox(options);
	let proxy: Awaited<ReturnType<typeof startProxy>> | null = null;
	if (options.rowProxy) {
		const upstream = new URL(sandbox.info.upstreams.deepseek!.base_url);
		proxy = await startProxy('upstream', upstream.origin, (p) => p.replace(/^\/row\d+/, ''));
	}
	const stop = async () => {
		await proxy?.close();
		await sandbox.close();
		process.exit(0);
	};
	process.on('SIGTERM', () => void stop());
	process.stdin.on('end', () => void stop());
	process.stdin.resume();
	const out: HostProcessInfo = {info: sandbox.info, rowProxy: proxy?.url ?? null};
	process.stdout.write(`${JSON.stringify(out)}\n`);
}

main().catch((error: unknown) => {
	process.stderr.write(`host process: ${error instanceof Error ? error.message : String(error)}\n`);
	process.exit(1);
});
