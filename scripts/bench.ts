// `npm run bench`: the start-up, import and service benchmarks (docs/benchmarks.md), as a script (never timed tests). Measures the import's
// critical path, start-up, the scale of state, the service under load, batch import scaling and
// memory against the built CLI (dist/; `npm run build` first), prints every figure as a ratio against its bound or baseline with
// the target beside it, and writes docs/benchmarks.md. All traffic stays on 127.0.0.1; every loop
// is bounded in count and the whole run in time (BENCH_BUDGET_S, default 300).
//
// Environment: BENCH_QUICK=1 (fewer repetitions), BENCH_BUDGET_S, BENCH_BATCH_ROWS (default 100),
// BENCH_BATCHES (default 10000), BENCH_OUT (default docs/benchmarks.md), BENCH_ONLY (a comma list of
// sections: critical, startup, scale, serve, batch, watch), BENCH_BASELINE_CLI (another build's dist/cli.js:
// its batch-import CPU per row is measured beside this build's).
import {execFileSync} from 'node:child_process';
import {existsSync, readdirSync, statSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {benchBatchImport} from './bench/batch-import.js';
import {Budget, cliPath, log, machine, repoRoot, type Figure, type SectionResult} from './bench/common.js';
import {benchCriticalPath} from './bench/critical-path.js';
import {renderMarkdown, renderTable} from './bench/report.js';
import {benchScale} from './bench/scale.js';
import {benchServe} from './bench/serve.js';
import {benchStartup} from './bench/startup.js';
import {benchWatch} from './bench/watch.js';

const quick = process.env.BENCH_QUICK === '1';
/** BENCH_ONLY=critical,startup,scale,serve,batch,watch runs those sections only (default: all of them). */
const only = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(',').map((s) => s.trim())) : null;
const runs = (section: string) => !only || only.has(section);
const budget = new Budget(Number(process.env.BENCH_BUDGET_S ?? 300));
const out = path.resolve(repoRoot, process.env.BENCH_OUT ?? 'docs/benchmarks.md');

function newestSource(dir: string): number {
	let newest = 0;
	for (const entry of readdirSync(dir, {withFileTypes: true})) {
		const p = path.join(dir, entry.name);
		newest = Math.max(newest, entry.isDirectory() ? newestSource(p) : statSync(p).mtimeMs);
	}
	return newest;
}

function gitCommit(): string {
	try {
		return execFileSync('git', ['rev-parse', '--short', 'HEAD'], {cwd: repoRoot, encoding: 'utf8'}).trim();
	} catch {
		return 'unknown';
	}
}

async function main(): Promise<void> {
	if (!existsSync(cliPath)) throw new Error('dist/cli.js is missing: run `npm run build` first');
	const stale = newestSource(path.join(repoRoot, 'source')) > statSync(cliPath).mtimeMs;
	if (stale) log('warning: source/ has files newer than dist/cli.js; `npm run build` for current figures');
	const loadStart = os.loadavg();
	const started = Date.now();
	const sections: SectionResult[] = [];

	const critical = runs('critical') ? await benchCriticalPath({latencyMs: 50, runs: quick ? 1 : 3}) : null;
	if (critical) sections.push(critical);

	if (runs('startup')) sections.push(await benchStartup({spawns: quick ? 5 : 20, tuiRuns: quick ? 2 : 5}));

	const scale = runs('scale')
		? await benchScale({
				batches: Number(process.env.BENCH_BATCHES ?? 10_000),
				statusRuns: quick ? 2 : 5,
				tuiRuns: quick ? 1 : 3,
				writeRuns: quick ? 5 : 15,
				latencyMs: 50,
				freshImportMs: critical?.importWallMs ?? null,
			})
		: null;
	if (scale) sections.push(scale);

	if (runs('serve'))
		sections.push(
			await benchServe({
				batches: Number(process.env.BENCH_BATCHES ?? 10_000),
				clients: 50,
				requests: quick ? 500 : 2000,
			}),
		);

	if (runs('batch'))
		sections.push(
			await benchBatchImport({
				rows: Number(process.env.BENCH_BATCH_ROWS ?? 100),
				// One row at concurrency 1 costs about what one import costs after its start-up, with
				// 20 ms instead of 50 ms on each of its chain's latency units.
				rowEstimateMs: critical ? Math.max(300, critical.importAfterStartMs - critical.chainUnits * 30) : 400,
				levels: [1, 4, 8, 16],
				latencyMs: 20,
				budget,
				baselineCli: process.env.BENCH_BASELINE_CLI,
			}),
		);

	const watchPass = runs('watch')
		? await benchWatch({hosts: 10, batchesPerHost: quick ? 30 : 100, latencyMs: 20})
		: null;
	if (watchPass) sections.push(watchPass);

	const kb = (v: number | null | undefined) =>
		v === null || v === undefined ? 'n/a' : `${(v / 1024).toFixed(0)} MiB`;
	const memory: Figure[] = [];
	if (critical)
		memory.push({
			id: 'memory.import',
			section: 'Memory',
			measure: 'peak RSS of `crm import` (fresh data folder)',
			value: kb(critical.importRssKb),
			ratio: null,
			target: 'informational',
			met: null,
		});
	if (scale)
		memory.push({
			id: 'memory.bigImport',
			section: 'Memory',
			measure: 'peak RSS of `crm import` (10,000-batch folder)',
			value: kb(scale.bigImportRssKb),
			ratio: null,
			target: 'informational',
			met: null,
		});
	if (watchPass)
		memory.push({
			section: 'Memory',
			measure: 'peak RSS of `crm watch --once` (1,000 batches on 10 hosts)',
			value: kb(watchPass.rssKb),
			ratio: null,
			target: 'informational (bound under Watch at scale)',
			met: null,
		});
	if (scale)
		memory.push({
			id: 'memory.tui',
			section: 'Memory',
			measure: 'peak RSS of the TUI on the Status screen (10,000-batch folder)',
			value: kb(scale.tuiStatusRssKb),
			ratio: null,
			target: 'informational',
			met: null,
		});
	if (memory.length)
		sections.push({
			figures: memory,
			details: [
				'Peak RSS from GNU time (`/usr/bin/time -f %M`) around the real process (under the pseudo-terminal for the TUI).',
			],
		});

	const figures = sections.flatMap((s) => s.figures);
	process.stdout.write(renderTable(figures) + '\n');
	const markdown = renderMarkdown({
		figures,
		sections,
		machine: machine(loadStart),
		commit: gitCommit(),
		stale,
		quick,
		seconds: (Date.now() - started) / 1000,
	});
	writeFileSync(out, markdown);
	try {
		// The repo's format gate covers docs/: align the table the way prettier does.
		execFileSync(path.join(repoRoot, 'node_modules', '.bin', 'prettier'), ['--write', out], {
			stdio: 'ignore',
		});
	} catch {
		log('prettier did not run on the report; `npx prettier --write` it before committing');
	}
	log(`wrote ${path.relative(repoRoot, out)} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

main().catch((error: unknown) => {
	process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
	process.exitCode = 1;
});
