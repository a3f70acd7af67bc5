// The service under load: `crm serve` (the built CLI, a child process) on the 10,000-batch data
// folder, `GET /api/v1/status` from 50 concurrent keep-alive clients. Figures: the first (cold) answer,
// p50 and p99 of the rest, throughput, and the service's memory (RSS idle, after the load, and its
// peak, from /proc). The clients run in this process, on the same cores as the service.
//
// Part of `npm run bench`; alone: `npx tsx scripts/bench/serve.ts` (BENCH_BATCHES, BENCH_SERVE_REQUESTS,
// BENCH_OUT), which writes its own section into docs/benchmarks.md, replacing an earlier one.
import {execFileSync, spawn} from 'node:child_process';
import {existsSync, readFileSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {
	cliPath,
	log,
	machine,
	median,
	ms,
	now,
	quantile,
	ratio,
	removeDir,
	repoRoot,
	tempDir,
	type Figure,
	type SectionResult,
} from './common.js';
import {renderTable} from './report.js';
import {generateDataFolder} from './scale.js';

export interface ServeBenchOptions {
	batches: number;
	clients: number;
	requests: number;
}

/** VmRSS / VmHWM of a process, in KiB (Linux /proc); null elsewhere. */
function memoryKb(pid: number): {rss: number; peak: number} | null {
	try {
		const status = readFileSync(`/proc/${pid}/status`, 'utf8');
		const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]);
		return {rss: field('VmRSS'), peak: field('VmHWM')};
	} catch {
		return null;
	}
}

/** CPU time (user + system) a process has used, in ms (Linux /proc; clock ticks of 10 ms). */
function cpuMs(pid: number): number | null {
	try {
		const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
		return (Number(fields[11]) + Number(fields[12])) * 10;
	} catch {
		return null;
	}
}

const mib = (kb: number | undefined) =>
	kb === undefined || Number.isNaN(kb) ? 'n/a' : `${(kb / 1024).toFixed(0)} MiB`;

async function startServe(dir: string) {
	const child = spawn(process.execPath, [cliPath, 'serve', '--listen', '127.0.0.1:0', '--data', dir], {
		cwd: repoRoot,
		env: {...process.env, NO_COLOR: '1'},
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let requestLines = 0;
	child.stderr.on('data', (d: Buffer) => (requestLines += d.toString().split('\n').length - 1));
	const line = await new Promise<string>((resolve, reject) => {
		let out = '';
		child.stdout.on('data', (d: Buffer) => {
			out += d.toString();
			if (out.includes('\n')) resolve(out.slice(0, out.indexOf('\n')));
		});
		child.on('close', (code) => reject(new Error(`crm serve exited ${code} before it listened`)));
	});
	const ready = JSON.parse(line) as {url: string; token_file: string};
	const token = readFileSync(ready.token_file, 'utf8').trim();
	const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
	return {child, url: ready.url, token, exited, lines: () => requestLines};
}

export async function benchServe(o: ServeBenchOptions): Promise<SectionResult> {
	const dir = tempDir('serve');
	try {
		const gen = generateDataFolder(dir, o.batches);
		log(`serve: ${o.batches} batches generated (state.json ${(gen.stateBytes / 1e6).toFixed(1)} MB)`);
		const svc = await startServe(dir);
		try {
			return await underLoad(svc, gen, o);
		} finally {
			if (svc.child.exitCode === null) svc.child.kill('SIGKILL');
		}
	} finally {
		removeDir(dir);
	}
}

async function underLoad(
	svc: Awaited<ReturnType<typeof startServe>>,
	gen: {stateBytes: number},
	o: ServeBenchOptions,
): Promise<SectionResult> {
	const idle = memoryKb(svc.child.pid!);
	const get = async () => {
		const t0 = now();
		const res = await fetch(`${svc.url}/api/v1/status`, {headers: {authorization: `Bearer ${svc.token}`}});
		const body = await res.text();
		if (res.status !== 200)
			throw new Error(`GET /api/v1/status answered ${res.status}: ${body.slice(0, 200)}`);
		return {ms: now() - t0, bytes: body.length};
	};
	const cold = await get();
	// One client alone: the latency of an answer when nothing waits in front of it.
	const single: number[] = [];
	for (let i = 0; i < 100; i++) single.push((await get()).ms);
	const cpuBefore = cpuMs(svc.child.pid!);
	const times: number[] = [];
	const failures: string[] = [];
	let next = 0;
	const t0 = now();
	await Promise.all(
		Array.from({length: o.clients}, async () => {
			while (next < o.requests) {
				next++;
				try {
					times.push((await get()).ms);
				} catch (error) {
					const cause = (error as {cause?: {code?: string; message?: string}}).cause;
					failures.push(cause?.code ?? cause?.message ?? (error as Error).message);
				}
			}
		}),
	);
	const wallMs = now() - t0;
	const loaded = memoryKb(svc.child.pid!);
	const cpuAfter = cpuMs(svc.child.pid!);
	const cpuPerRequest =
		cpuBefore === null || cpuAfter === null ? null : (cpuAfter - cpuBefore) / Math.max(1, times.length);
	const stopAt = now();
	svc.child.kill('SIGTERM');
	const code = await svc.exited;
	const stopMs = now() - stopAt;
	const p50 = median(times);
	const p99 = quantile(times, 0.99);
	const section = 'Service';
	const where = `${o.batches.toLocaleString('en')}-batch folder, ${o.clients} concurrent clients`;
	const figures: Figure[] = [
		{
			section,
			measure: `\`GET /api/v1/status\` p50 (${where})`,
			value: ms(p50, 1),
			ratio: null,
			target: 'informational',
			met: null,
		},
		{
			section,
			measure: `\`GET /api/v1/status\` p99 (${where})`,
			value: ms(p99, 1),
			ratio: ratio(p99, 1000, '1 s'),
			target: '< 1 s (as `crm status`)',
			met: p99 < 1000,
			note:
				p99 >= 1000 && cpuAfter !== null && cpuBefore !== null
					? `the service used ${ms(cpuAfter - cpuBefore)} of CPU over the ${ms(wallMs)} of the load (${((100 * (cpuAfter - cpuBefore)) / wallMs).toFixed(0)} % of one core; ${ms(cpuPerRequest ?? 0, 1)} a request, so ${o.clients} requests queued in front of one cost about ${ms(o.clients * (cpuPerRequest ?? 0))} on a free core); the rest is waiting for a core: the bench's ${o.clients} clients share the 2 cores with it, at a load average of ${os.loadavg()[0]!.toFixed(1)} when the load ended`
					: undefined,
		},
		{
			section,
			measure: '`GET /api/v1/status` p50 with one client (nothing queued in front)',
			value: ms(median(single), 1),
			ratio: null,
			target: 'informational',
			met: null,
		},
		{
			section,
			measure: 'first `GET /api/v1/status` after start (reads and checks state.json)',
			value: ms(cold.ms),
			ratio: null,
			target: 'informational',
			met: null,
		},
		{
			section,
			measure: 'service CPU time per request under that load',
			value: cpuPerRequest === null ? 'n/a' : ms(cpuPerRequest, 1),
			ratio: null,
			target: 'informational',
			met: null,
			note: 'CPU time does not grow with a busy machine the way wall time does: on a shared, loaded machine it is the figure to compare',
		},
		{
			section,
			measure: 'throughput under that load',
			value: `${((times.length / wallMs) * 1000).toFixed(0)} requests/s`,
			ratio: null,
			target: 'informational',
			met: null,
		},
		{
			section,
			measure: 'service memory: RSS idle → after the load (peak)',
			value: `${mib(idle?.rss)} → ${mib(loaded?.rss)} (peak ${mib(loaded?.peak)})`,
			ratio: null,
			target: 'informational',
			met: null,
		},
	];
	const details = [
		`${o.requests} requests of \`GET /api/v1/status\` (answer ${(cold.bytes / 1024).toFixed(1)} KiB) from ${o.clients} keep-alive clients in the bench process, after 100 requests from one client alone, on the folder of the scale section (${o.batches} batches, 5 resources each, 4 hosts; state.json ${(gen.stateBytes / 1e6).toFixed(1)} MB). Wall time ${ms(wallMs)}; latencies min ${ms(Math.min(...times), 1)}, p90 ${ms(quantile(times, 0.9), 1)}, max ${ms(Math.max(...times), 1)}. The service parses and checks state.json once per version of the file (inode, size, mtime) and answers every read from that copy, and keeps the status answer serialised and scrubbed once per version too (scrubbed again only when a secret was registered since), so the first answer pays the read, the rows, the serialising and the scrub, and the rest pay only writing the kept bytes and the HTTP work: the CPU time per request above. With ${o.clients} requests in flight each waits for the ones in front of it, so on an idle core p50 is about ${o.clients} × that CPU time; on a shared machine the service gets a fraction of a core (see the load average) and the bench's own clients compete with it for the same cores, which is what the wall-time figures mostly show. Memory from /proc/PID/status (VmRSS, VmHWM). Failed requests: ${failures.length}${failures.length ? ` (${[...new Set(failures)].join(', ')})` : ''}. SIGTERM to exit: ${ms(stopMs)} (exit ${code}); ${svc.lines()} request log lines on stderr.`,
	];
	return {figures, details};
}

const START = '<!-- serve-bench:start -->';
const END = '<!-- serve-bench:end -->';

/** Run alone: the section goes into docs/benchmarks.md (replacing the one an earlier run wrote). */
async function standalone(): Promise<void> {
	if (!existsSync(cliPath)) throw new Error('dist/cli.js is missing: run `npm run build` first');
	const loadStart = os.loadavg();
	const result = await benchServe({
		batches: Number(process.env.BENCH_BATCHES ?? 10_000),
		clients: 50,
		requests: Number(process.env.BENCH_SERVE_REQUESTS ?? 2000),
	});
	process.stdout.write(renderTable(result.figures) + '\n');
	const m = machine(loadStart);
	const load = (l: number[]) => l.map((v) => v.toFixed(2)).join(' / ');
	const section = [
		START,
		'## Service (`crm serve`)',
		'',
		`Written by \`npx tsx scripts/bench/serve.ts\` on ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC (also part of \`npm run bench\`); ${m.cpus} cores, load average at start ${load(m.loadStart)}, at end ${load(m.loadEnd)}.`,
		'',
		'| Measure | Figure | Ratio | Target | |',
		'|---|---|---|---|---|',
		...result.figures.map(
			(f) =>
				`| ${f.measure} | ${f.value} | ${f.ratio ?? '–'} | ${f.target} | ${f.met === null ? '–' : f.met ? 'met' : 'MISSED'} |`,
		),
		'',
		...result.details,
		END,
	].join('\n');
	const out = path.resolve(repoRoot, process.env.BENCH_OUT ?? 'docs/benchmarks.md');
	const doc = existsSync(out) ? readFileSync(out, 'utf8') : '# Benchmarks\n';
	const at = doc.indexOf(START);
	const updated =
		at >= 0
			? doc.slice(0, at) + section + doc.slice(doc.indexOf(END) + END.length)
			: doc.replace(/\n## Details of this run/, `\n${section}\n\n## Details of this run`);
	writeFileSync(out, updated.includes(START) ? updated : `${doc.trimEnd()}\n\n${section}\n`);
	try {
		execFileSync(path.join(repoRoot, 'node_modules', '.bin', 'prettier'), ['--write', out], {
			stdio: 'ignore',
		});
	} catch {
		log('prettier did not run on the report; `npx prettier --write` it before committing');
	}
	log(`wrote the service section into ${path.relative(repoRoot, out)}`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
	standalone().catch((error: unknown) => {
		process.stderr.write(
			`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
		);
		process.exitCode = 1;
	});
}
