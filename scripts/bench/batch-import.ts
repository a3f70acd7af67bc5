// 4. Batch import scaling: `crm import-batch` with N rows against the sandbox (20 ms per request) at
// concurrency 1, 4, 8 and 16; speed-up against concurrency 1, and crm's CPU per row. The host side
// (sandbox, fake upstreams, and a proxy that strips a per-row path prefix so no row repeats another)
// runs in its own process (host-process.ts), so crm's CPU is its own and the two never share an event
// loop. The host's rate limits are off here: this measures how rows scale; a batch against the
// host's limits is tested in test/rate-limits.test.ts. Each level gets a fresh host and data folder.
// With BENCH_BASELINE_CLI (another build's dist/cli.js), the same rows at concurrency 4 are also run
// with that build, for its CPU per row in the same conditions.
import {execFileSync} from 'node:child_process';
import {writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
	cliPath,
	hasGnuTime,
	log,
	ms,
	removeDir,
	tempDir,
	timedSpawn,
	type Budget,
	type Figure,
	type SectionResult,
} from './common.js';
import {startHostProcess} from './host.js';

interface LevelRun {
	concurrency: number;
	ms: number;
	succeeded: number;
	failed: number;
	skipped: number;
	code: number | null;
	timedOut: boolean;
	/** crm's CPU (user + system, ms) for the whole run, from GNU time; null without it. */
	cpuMs: number | null;
	/** The host process's CPU during the run (ms). */
	hostCpuMs: number;
	/** The 1-minute load average when the run ended (the machine is shared). */
	load: number;
}

const CPU_MARK = 'CRM_BENCH_CPU=';

/** Runs a built CLI, under GNU time for its CPU when there is one. */
async function runCli(cli: string, args: string[], env: Record<string, string>, timeoutMs: number) {
	if (!hasGnuTime())
		return {...(await timedSpawn(process.execPath, [cli, ...args], {env, timeoutMs})), cpuMs: null};
	const run = await timedSpawn('/usr/bin/time', ['-f', `${CPU_MARK}%U %S`, process.execPath, cli, ...args], {
		env,
		timeoutMs,
	});
	const match = new RegExp(`${CPU_MARK}([\\d.]+) ([\\d.]+)`).exec(run.stderr);
	return {...run, cpuMs: match ? (Number(match[1]) + Number(match[2])) * 1000 : null};
}

async function oneLevel(
	rows: number,
	concurrency: number,
	latencyMs: number,
	timeoutMs: number,
	cli = cliPath,
): Promise<LevelRun> {
	const host = await startHostProcess({
		latencyMs,
		rowProxy: true,
		rateLimits: {login: 0, refresh: 0, user: 0},
	});
	const data = tempDir('batch');
	try {
		const env = {
			CRM_ADMIN_KEY: host.info.admin_api_key,
			CRM_SMOKE_RETRY_S: '5',
			CRM_SMOKE_RETRY_INTERVAL_MS: '200',
		};
		const added = await runCli(
			cli,
			['host', 'add', '--name', 'sb', '--url', host.info.host_url, '--admin-key-env', 'CRM_ADMIN_KEY'].concat(
				['--json', '--data', data],
			),
			env,
			60_000,
		);
		if (added.code !== 0) throw new Error(`host add failed: ${added.stderr}`);
		const upstream = new URL(host.info.upstreams.deepseek!.base_url);
		const key = host.info.upstreams.deepseek!.api_key;
		const lines = ['url,key,pack'];
		for (let i = 0; i < rows; i++) lines.push(`${host.rowProxy}/row${i}${upstream.pathname},${key},deepseek`);
		const file = path.join(data, 'rows.csv');
		writeFileSync(file, lines.join('\n') + '\n', {mode: 0o600});
		const hostBefore = host.cpuMs();
		const run = await runCli(
			cli,
			['import-batch', '--host', 'sb', '--file', file, '--concurrency', String(concurrency)].concat([
				'--json',
				'--data',
				data,
			]),
			env,
			timeoutMs,
		);
		const hostCpuMs = host.cpuMs() - hostBefore;
		let totals = {succeeded: 0, failed: 0, skipped: 0};
		try {
			totals = (JSON.parse(run.stdout) as {totals: typeof totals}).totals;
		} catch {
			// no JSON (killed or crashed): totals stay zero and the figure says so
		}
		return {
			concurrency,
			ms: run.ms,
			...totals,
			code: run.code,
			timedOut: run.signal === 'SIGKILL',
			cpuMs: run.cpuMs,
			hostCpuMs,
			load: os.loadavg()[0]!,
		};
	} finally {
		await host.close();
		removeDir(data);
	}
}

/** crm's start-up CPU (a run that stops at an unknown host, after loading everything a batch loads). */
async function startupCpuMs(cli: string): Promise<number | null> {
	const data = tempDir('batch-start');
	try {
		const file = path.join(data, 'rows.csv');
		writeFileSync(file, 'url,key,pack\nhttp://127.0.0.1:9/v1,sk-bench-startup-00000000,deepseek\n', {
			mode: 0o600,
		});
		const run = await runCli(
			cli,
			['import-batch', '--host', 'none', '--file', file, '--json', '--data', data],
			{},
			60_000,
		);
		return run.cpuMs;
	} finally {
		removeDir(data);
	}
}

/** The build a baseline CLI belongs to: its folder's git commit when it has one. */
function baselineName(cli: string): string {
	try {
		const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
			cwd: path.dirname(cli),
			encoding: 'utf8',
		}).trim();
		return `commit ${commit}`;
	} catch {
		return path.dirname(path.dirname(cli));
	}
}

/**
 * Why a level missed its speed-up, from its own figures: the CPU crm used against the wall time the
 * target allows (one process runs its rows on one core), beside the host process's CPU on a machine
 * whose other work the load average shows.
 */
function scalingCause(r: LevelRun, targetMs: number): string {
	const cores = os.cpus().length;
	const crmCpu =
		r.cpuMs === null
			? 'crm CPU unknown (no GNU time)'
			: `crm used ${ms(r.cpuMs)} of CPU over ${ms(r.ms)} (${((100 * r.cpuMs) / r.ms).toFixed(0)} % of one core)`;
	const need =
		r.cpuMs === null
			? ''
			: `; the target's ${ms(targetMs)} needs ${((100 * r.cpuMs) / targetMs).toFixed(0)} % of one core for crm's process alone`;
	return `CPU-bound: ${crmCpu}${need}, and the host process used ${ms(r.hostCpuMs)} beside it, on ${cores} cores with a load average of ${r.load.toFixed(1)} (other work on the machine)`;
}

export interface BatchScalingResult extends SectionResult {
	cpuPerRowMs: number | null;
}

const perRow = (r: LevelRun, startup: number | null, rows: number) =>
	r.cpuMs === null || startup === null ? null : Math.max(0, r.cpuMs - startup) / rows;

export async function benchBatchImport(options: {
	rows: number;
	/** Expected wall time of one row at concurrency 1 (sizes the run to the budget). */
	rowEstimateMs: number;
	levels: number[];
	latencyMs: number;
	budget: Budget;
	/** Another build's dist/cli.js, for its CPU per row in the same run (BENCH_BASELINE_CLI). */
	baselineCli?: string;
}): Promise<BatchScalingResult> {
	const section = 'Batch import scaling';
	// The levels together take about 2 × the concurrency-1 run: fewer rows when the bench's time
	// budget cannot hold the asked-for count.
	const room = options.budget.leftMs - 20_000;
	const fit = Math.floor(room / (2.2 * options.rowEstimateMs));
	const rows = Math.max(10, Math.min(options.rows, fit));
	if (rows < options.rows)
		log(`batch import: ${rows} rows instead of ${options.rows} to stay in the time budget (BENCH_BUDGET_S)`);
	const startup = await startupCpuMs(cliPath);
	const runs: LevelRun[] = [];
	for (const c of options.levels) {
		const left = options.budget.leftMs - 10_000;
		if (left < 15_000) {
			log(`batch import: no time left for concurrency ${c}`);
			break;
		}
		log(`batch import: ${rows} rows at concurrency ${c}`);
		runs.push(await oneLevel(rows, c, options.latencyMs, Math.min(600_000, left)));
	}
	let baseline: {run: LevelRun; perRow: number | null} | null = null;
	if (options.baselineCli && options.budget.leftMs > 60_000) {
		log(`batch import: ${rows} rows at concurrency 4 with the baseline build`);
		const run = await oneLevel(rows, 4, options.latencyMs, 600_000, options.baselineCli);
		baseline = {run, perRow: perRow(run, await startupCpuMs(options.baselineCli), rows)};
	}
	const base = runs.find((r) => r.concurrency === 1 && !r.timedOut);
	const targets: Record<number, number> = {4: 0.8, 8: 0.6};
	const figures: Figure[] = runs.map((r) => {
		const speedup = base && !r.timedOut ? base.ms / r.ms : null;
		const goal = targets[r.concurrency];
		const cpu = perRow(r, startup, rows);
		return {
			id: `batch.c${r.concurrency}`,
			section,
			measure: `${rows} rows at concurrency ${r.concurrency} (${options.latencyMs} ms latency, host in its own process)`,
			value: `${ms(r.ms)}${r.timedOut ? ' (timed out)' : ''}; ${r.succeeded} succeeded, ${r.failed} failed, ${r.skipped} skipped${cpu === null ? '' : `; crm CPU ${cpu.toFixed(1)} ms/row`}`,
			ratio:
				speedup === null
					? null
					: `${speedup.toFixed(2)}× speed-up = ${(speedup / r.concurrency).toFixed(2)} × concurrency`,
			target: r.concurrency === 1 ? 'baseline' : goal ? `≥ ${goal} × concurrency` : 'informational',
			met: goal && speedup !== null ? speedup >= goal * r.concurrency && r.failed === 0 : null,
			note:
				goal && speedup !== null && base && speedup < goal * r.concurrency
					? scalingCause(r, base.ms / (goal * r.concurrency))
					: undefined,
		};
	});
	const cpuNow = runs.find((r) => r.concurrency === 4) ?? runs[0];
	const cpuPerRowMs = cpuNow ? perRow(cpuNow, startup, rows) : null;
	if (cpuPerRowMs !== null)
		figures.push({
			id: 'batch.cpu',
			section,
			measure: `crm CPU per row (concurrency ${cpuNow!.concurrency}, start-up of ${ms(startup ?? 0)} taken off)`,
			before: baseline?.perRow
				? `${baseline.perRow.toFixed(1)} ms (${baselineName(options.baselineCli!)}, measured in this run)`
				: undefined,
			value: `${cpuPerRowMs.toFixed(1)} ms`,
			ratio: baseline?.perRow ? `${(cpuPerRowMs / baseline.perRow).toFixed(2)} × before` : null,
			target: '≤ 0.5 × before',
			met: baseline?.perRow ? cpuPerRowMs <= 0.5 * baseline.perRow : null,
		});
	const skipped = options.levels.filter((c) => !runs.some((r) => r.concurrency === c));
	if (skipped.length)
		figures.push({
			section,
			measure: `concurrency ${skipped.join(', ')}`,
			value: 'not measured',
			ratio: null,
			target: 'informational',
			met: null,
			note: 'the time budget ran out (BENCH_BUDGET_S)',
		});
	const details = [
		`Each level: a fresh host process (sandbox and fake upstreams, ${options.latencyMs} ms per host and upstream request, rate limits off) and data folder, ${rows} rows \`url,key,deepseek\` whose URLs differ by a path prefix a proxy in the host process strips. ` +
			`Wall times: ${runs.map((r) => `c=${r.concurrency} ${ms(r.ms)}`).join(', ')}. ` +
			`crm CPU (user + system, GNU time): ${runs.map((r) => `c=${r.concurrency} ${r.cpuMs === null ? '?' : ms(r.cpuMs)}`).join(', ')}; start-up alone ${startup === null ? '?' : ms(startup)}. ` +
			`Host process CPU: ${runs.map((r) => `c=${r.concurrency} ${ms(r.hostCpuMs)}`).join(', ')}.` +
			(baseline
				? ` Baseline build (${path.relative(process.cwd(), options.baselineCli!)}) at c=4: ${ms(baseline.run.ms)}, crm CPU ${baseline.run.cpuMs === null ? '?' : ms(baseline.run.cpuMs)}.`
				: '') +
			(rows < options.rows
				? ` ${rows} rows instead of ${options.rows} to fit the time budget (BENCH_BATCH_ROWS=${options.rows} BENCH_BUDGET_S=600 for all of them).`
				: ''),
	];
	return {figures, details, cpuPerRowMs};
}
