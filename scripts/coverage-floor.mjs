#!/usr/bin/env node
// Enforces the per-folder line-coverage floor (issue: quality gates). c8 only knows global
// thresholds, so this reads its json-summary and sums lines per folder.
import {readFileSync} from 'node:fs';
import path from 'node:path';

const FLOOR = Number(process.env.CRM_COVERAGE_FLOOR ?? 80);
const ENFORCED = ['source/core', 'source/host', 'source/store'];
const summaryPath = path.resolve('coverage/coverage-summary.json');

let summary;
try {
	summary = JSON.parse(readFileSync(summaryPath, 'utf8'));
} catch (error) {
	console.error(`coverage-floor: cannot read ${summaryPath}: ${error.message}`);
	process.exit(1);
}

const folders = new Map();
for (const [file, data] of Object.entries(summary)) {
	if (file === 'total') continue;
	const relative = path.relative(process.cwd(), file);
	const parts = relative.split(path.sep);
	const folder = parts.length > 2 ? parts.slice(0, 2).join('/') : parts[0];
	const entry = folders.get(folder) ?? {covered: 0, total: 0};
	entry.covered += data.lines.covered;
	entry.total += data.lines.total;
	folders.set(folder, entry);
}

let failed = false;
const rows = [...folders.entries()].sort(([a], [b]) => a.localeCompare(b));
console.log('\nLine coverage by folder (floor %d%% on %s):', FLOOR, ENFORCED.join(', '));
for (const [folder, {covered, total}] of rows) {
	const pct = total === 0 ? 100 : (covered / total) * 100;
	const enforced = ENFORCED.includes(folder);
	const low = enforced && pct < FLOOR;
	if (low) failed = true;
	console.log(
		`  ${folder.padEnd(20)} ${pct.toFixed(1).padStart(6)}%  ${covered}/${total}${low ? '  BELOW FLOOR' : ''}`,
	);
}
for (const folder of ENFORCED) {
	if (!folders.has(folder)) console.log(`  ${folder.padEnd(20)}   (no files yet)`);
}
if (failed) {
	console.error(`coverage-floor: a folder is below ${FLOOR}% line coverage`);
	process.exit(1);
}
