// The figures before the scale work (state schema 3, the node:http host client, the shorter import chain):
// the run of `npm run bench` at commit 1335372 (2026-11-26, load average 1.2 to 2.0 on the same
// 2-core machine), as docs/benchmarks.md showed them then. Shown beside each figure of a new run
// whose `id` names one of them; the old run had the host in the benchmark's process and state.json
// at schema 2.
export const BEFORE: Record<string, string> = {
	'critical.requests': '14 host + 4 upstream (16 made by crm)',
	'critical.chain': '9 requests = 11 latency units (1.83 × forced, forced counted as 6)',
	'critical.wall': '1433 ms (1.26 × bound)',
	'critical.span': '751 ms (the 11-unit chain, 2.15 × 7 × 50 ms)',
	'scale.status': '952 ms (p90 1000 ms)',
	'scale.tui': '1590 ms',
	'scale.write': '98.4 ms (state.json 11.6 MB)',
	'scale.batchWrite': '1.3 ms',
	'scale.bigImport': '3785 ms',
	'batch.c1': '40312 ms (host in the same process)',
	'batch.c4': '16345 ms = 2.47× (0.62 × concurrency)',
	'batch.c8': '14625 ms = 2.76× (0.34 × concurrency)',
	'batch.c16': '11777 ms = 3.42× (0.21 × concurrency)',
	'memory.import': '81 MiB',
	'memory.bigImport': '147 MiB',
	'memory.tui': '156 MiB',
};
