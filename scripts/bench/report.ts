// The bench's output: a plain table on stdout and docs/benchmarks.md (table, machine, reading).
import type {Figure, Machine, SectionResult} from './common.js';
import {BEFORE} from './before.js';
import {READING} from './reading.js';

const mark = (met: boolean | null) => (met === null ? '–' : met ? 'met' : 'MISSED');

export function renderTable(figures: Figure[]): string {
	const rows = figures.map((f) => [f.section, f.measure, f.value, f.ratio ?? '–', f.target, mark(f.met)]);
	const head = ['SECTION', 'MEASURE', 'FIGURE', 'RATIO', 'TARGET', ''];
	const widths = head.map((h, i) => Math.min(60, Math.max(h.length, ...rows.map((r) => r[i]!.length))));
	const line = (cells: string[]) =>
		cells
			.map((c, i) => (c.length > widths[i]! ? `${c.slice(0, widths[i]! - 1)}…` : c.padEnd(widths[i]!)))
			.join('  ')
			.trimEnd();
	return [line(head), ...rows.map(line)].join('\n');
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function renderMarkdown(input: {
	figures: Figure[];
	sections: SectionResult[];
	machine: Machine;
	commit: string;
	stale: boolean;
	quick: boolean;
	seconds: number;
}): string {
	const {figures, machine: m} = input;
	const load = (l: number[]) => l.map((v) => v.toFixed(2)).join(' / ');
	const missed = figures.filter((f) => f.met === false);
	const lines: string[] = [
		'# Benchmarks',
		'',
		`Written by \`npm run bench\` (scripts/bench.ts) at commit \`${input.commit}\` on ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, in ${input.seconds.toFixed(0)} s${input.quick ? ' (BENCH_QUICK: fewer repetitions)' : ''}. ` +
			'Benchmarks are scripts, never timed tests; all traffic goes to 127.0.0.1 (the in-process sandbox host behind recording proxies).' +
			(input.stale ? ' **dist/ was older than source/ when this ran.**' : ''),
		'',
		'## Machine',
		'',
		`- ${m.cpus} CPU cores (${m.cpuModel}), ${m.memoryGiB.toFixed(1)} GiB memory, Node ${m.node}, ${m.platform}`,
		`- load average (1 / 5 / 15 min) at start ${load(m.loadStart)}, at end ${load(m.loadEnd)}` +
			(m.loadStart[0]! > m.cpus
				? ' — the machine was shared and busy: absolute times are inflated, ratios measured in the same run are the figures to trust'
				: ''),
		'',
		'## Results',
		'',
		'| Section | Measure | Before (commit 1335372) | Figure | Ratio | Target | |',
		'|---|---|---|---|---|---|---|',
		...figures.map(
			(f) =>
				`| ${cell(f.section)} | ${cell(f.measure)} | ${cell(f.before ?? ((f.id && BEFORE[f.id]) || '–'))} | ${cell(f.value)} | ${cell(f.ratio ?? '–')} | ${cell(f.target)} | ${mark(f.met)} |`,
		),
		'',
		`${figures.filter((f) => f.met === true).length} targets met, ${missed.length} missed, ${figures.filter((f) => f.met === null).length} informational.`,
		'',
	];
	if (missed.length || figures.some((f) => f.note)) {
		lines.push('### Notes on the figures', '');
		for (const f of figures.filter((x) => x.note)) lines.push(`- **${f.measure}** (${f.section}): ${f.note}`);
		lines.push('');
	}
	lines.push('## Where the time goes', '');
	for (const paragraph of READING) lines.push(paragraph, '');
	lines.push('## Details of this run', '');
	for (const s of input.sections) {
		const title = s.figures[0]?.section;
		if (!s.details.length) continue;
		lines.push(`### ${title}`, '');
		for (const d of s.details) lines.push(d, '');
	}
	return (
		lines
			.join('\n')
			.replace(/\n{3,}/g, '\n\n')
			.trimEnd() + '\n'
	);
}
