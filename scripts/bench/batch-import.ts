// 4. Batch import scaling: `crm import-batch` with N rows against the sandbox (20 ms per request) at
// concurrency 1, 4, 8 and 16; speed-up against concurrency 1. Each row gets its own upstream URL (a
// path prefix that a rewriting proxy strips), so no row is a duplicate of another; each level gets a
// fresh sandbox and data folder. Runs only once `crm import-batch` has landed.
import {writeFileSync} from 'node:fs';
import path from 'node:path';
import {startSandbox} from '../../source/sandbox/index.js';
import {crm, log, ms, removeDir, tempDir, type Budget, type Figure, type SectionResult} from './common.js';
import {startProxy} from './proxy.js';

const NOT_LANDED = /not available in this build yet/i;

/** True when the built CLI has a real `import-batch` (not the placeholder). */
export async function importBatchLanded(): Promise<boolean> {
	const probe = await crm(['import-batch', '--host', 'none', '--file', '/nonexistent', '--json']);
	return !NOT_LANDED.test(probe.stderr + probe.stdout);
}

interface LevelRun {
	concurrency: number;
	ms: number;
	succeeded: number;
	failed: number;
	skipped: number;
	code: number | null;
	timedOut: boolean;
}

async function oneLevel(
	rows: number,
	concurrency: number,
	latencyMs: number,
	timeoutMs: number,
): Promise<LevelRun> {
	const sandbox = await startSandbox({latencyMs});
	const upstream = new URL(sandbox.info.upstreams.deepseek!.base_url);
	const proxy = await startProxy('upstream', upstream.origin, (p) => p.replace(/^\/row\d+/, ''));
	const data = tempDir('batch');
	try {
		const env = {
			CRM_ADMIN_KEY: sandbox.info.admin_api_key,
			CRM_SMOKE_RETRY_S: '5',
			CRM_SMOKE_RETRY_INTERVAL_MS: '200',
		};
		const added = await crm(
			[
				'host',
				'add',
				'--name',
				'sb',
				'--url',
				sandbox.info.host_url,
				'--admin-key-env',
				'CRM_ADMIN_KEY',
			].concat(['--json', '--data', data]),
			env,
		);
		if (added.code !== 0) throw new Error(`host add failed: ${added.stderr}`);
		const key = sandbox.info.upstreams.deepseek!.api_key;
		const lines = ['url,key,pack'];
		for (let i = 0; i < rows; i++) lines.push(`${proxy.url}/row${i}${upstream.pathname},${key},deepseek`);
		const file = path.join(data, 'rows.csv');
		writeFileSync(file, lines.join('\n') + '\n', {mode: 0o600});
		const run = await crm(
			['import-batch', '--host', 'sb', '--file', file, '--concurrency', String(concurrency)].concat([
				'--json',
				'--data',
				data,
			]),
			env,
			timeoutMs,
		);
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
		};
	} finally {
		await proxy.close();
		await sandbox.close();
		removeDir(data);
	}
}

export async function benchBatchImport(options: {
	rows: number;
	/** Expected wall time of one row at concurrency 1 (sizes the run to the budget). */
	rowEstimateMs: number;
	levels: number[];
	latencyMs: number;
	budget: Budget;
}): Promise<SectionResult> {
	const section = 'Batch import scaling';
	if (!(await importBatchLanded())) {
		return {
			figures: [
				{
					section,
					measure: `${options.rows} rows at concurrency ${options.levels.join(', ')}`,
					value: 'not measured',
					ratio: null,
					target: '≥ 0.8 × concurrency up to 8',
					met: null,
					note: '`crm import-batch` has not landed in this build (the placeholder answers "not available in this build yet"); scripts/bench/batch-import.ts runs it as soon as it does',
				},
			],
			details: [],
		};
	}
	// The levels together take about 2.6 × the concurrency-1 run (speed-ups of 2-3 at 4 and more):
	// fewer rows when the bench's time budget cannot hold the asked-for count.
	const room = options.budget.leftMs - 20_000;
	const fit = Math.floor(room / (2.6 * options.rowEstimateMs));
	const rows = Math.max(10, Math.min(options.rows, fit));
	if (rows < options.rows)
		log(`batch import: ${rows} rows instead of ${options.rows} to stay in the time budget (BENCH_BUDGET_S)`);
	const runs: LevelRun[] = [];
	for (const c of options.levels) {
		const left = options.budget.leftMs - 10_000;
		if (left < 15_000) {
			log(`batch import: no time left for concurrency ${c}`);
			break;
		}
		log(`batch import: ${rows} rows at concurrency ${c}`);
		runs.push(await oneLevel(rows, c, options.latencyMs, Math.min(300_000, left)));
	}
	const base = runs.find((r) => r.concurrency === 1 && !r.timedOut);
	const figures: Figure[] = runs.map((r) => {
		const speedup = base && !r.timedOut ? base.ms / r.ms : null;
		const checked = r.concurrency <= 8 && r.concurrency > 1;
		return {
			section,
			measure: `${rows} rows at concurrency ${r.concurrency} (${options.latencyMs} ms latency)`,
			value: `${ms(r.ms)}${r.timedOut ? ' (timed out)' : ''}; ${r.succeeded} succeeded, ${r.failed} failed, ${r.skipped} skipped`,
			ratio:
				speedup === null
					? null
					: `${speedup.toFixed(2)}× speed-up = ${(speedup / r.concurrency).toFixed(2)} × concurrency`,
			target: r.concurrency === 1 ? 'baseline' : checked ? '≥ 0.8 × concurrency' : 'informational',
			met: checked && speedup !== null ? speedup >= 0.8 * r.concurrency && r.failed === 0 : null,
		};
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
		`Each level: a fresh sandbox (${options.latencyMs} ms per host and upstream request) and data folder, ${rows} rows \`url,key,deepseek\` whose URLs differ by a path prefix a proxy strips. ` +
			`Wall times: ${runs.map((r) => `c=${r.concurrency} ${ms(r.ms)}`).join(', ')}` +
			(rows < options.rows
				? `; ${rows} rows instead of ${options.rows} to fit the time budget (BENCH_BATCH_ROWS=${options.rows} BENCH_BUDGET_S=600 for all of them).`
				: '.'),
	];
	return {figures, details};
}
