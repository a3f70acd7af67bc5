// Health history (docs/domain.md "Health"): one append-only JSON-lines file a batch under
// DATA/health/, never state.json. Retention is bounded by age and by count: when a file grows past
// its bound (its size over the size of `maxCount` lines like the newest) or its oldest line is older
// than `maxAgeDays`, it is rewritten atomically (temp file + rename) with the newest lines that fit.
// Lines hold no secret: the check record carries fingerprints and classes, never a key.
import {
	appendFileSync,
	closeSync,
	existsSync,
	mkdirSync,
	openSync,
	readFileSync,
	readSync,
	renameSync,
	statSync,
	writeFileSync,
} from 'node:fs';
import path from 'node:path';
import type {HealthCheck} from './types.js';

export interface Retention {
	maxAgeDays: number;
	maxCount: number;
}

export const DEFAULT_RETENTION: Retention = {maxAgeDays: 30, maxCount: 3000};

/** Oldest `at` per file, remembered so the age bound costs one small read per file and process. */
const oldestSeen = new Map<string, number>();
/** Size right after the last compaction, so lines shorter than the average do not compact each time. */
const compactedSize = new Map<string, number>();

function firstLineAt(file: string): number | null {
	const fd = openSync(file, 'r');
	try {
		const buffer = Buffer.alloc(1024);
		const n = readSync(fd, buffer, 0, buffer.length, 0);
		const line = buffer.subarray(0, n).toString('utf8').split('\n')[0] ?? '';
		const at = /"at":"([^"]+)"/.exec(line)?.[1];
		return at ? Date.parse(at) : null;
	} finally {
		closeSync(fd);
	}
}

/** Appends one check; compacts the file when it is past its bounds. */
export function appendHistory(
	file: string,
	check: HealthCheck,
	retention: Retention = DEFAULT_RETENTION,
): void {
	mkdirSync(path.dirname(file), {recursive: true, mode: 0o700});
	const line = JSON.stringify(check) + '\n';
	appendFileSync(file, line, {mode: 0o600});
	const size = statSync(file).size;
	let oldest = oldestSeen.get(file);
	if (oldest === undefined) {
		oldest = firstLineAt(file) ?? Date.parse(check.at);
		oldestSeen.set(file, oldest);
	}
	const bound = Math.max(Buffer.byteLength(line) * retention.maxCount, compactedSize.get(file) ?? 0);
	const tooMany = size > bound * 1.1;
	const tooOld = Date.parse(check.at) - oldest > retention.maxAgeDays * 86_400_000;
	if (tooMany || tooOld) compact(file, retention, Date.parse(check.at));
}

/** Rewrites the file with the newest lines within the bounds (atomic: temp file, then rename). */
export function compact(file: string, retention: Retention, now = Date.now()): number {
	const cutoff = now - retention.maxAgeDays * 86_400_000;
	const kept = parseLines(readFileSync(file, 'utf8'))
		.filter((c) => Date.parse(c.at) >= cutoff)
		.slice(-retention.maxCount);
	const tmp = `${file}.tmp`;
	writeFileSync(tmp, kept.map((c) => JSON.stringify(c) + '\n').join(''), {mode: 0o600});
	renameSync(tmp, file);
	oldestSeen.set(file, kept[0] ? Date.parse(kept[0].at) : now);
	compactedSize.set(file, statSync(file).size);
	return kept.length;
}

function parseLines(text: string): HealthCheck[] {
	const out: HealthCheck[] = [];
	for (const line of text.split('\n')) {
		if (!line.trim()) continue;
		try {
			out.push(JSON.parse(line) as HealthCheck);
		} catch {
			// A line cut short by a crash mid-append: skipped, the rest still reads.
		}
	}
	return out;
}

/** The history, newest first; `sinceMs` keeps only checks at or after it, `limit` caps the count. */
export function readHistory(file: string, o: {sinceMs?: number; limit?: number} = {}): HealthCheck[] {
	if (!existsSync(file)) return [];
	let checks = parseLines(readFileSync(file, 'utf8')).reverse();
	if (o.sinceMs !== undefined) checks = checks.filter((c) => Date.parse(c.at) >= o.sinceMs!);
	return o.limit === undefined ? checks : checks.slice(0, o.limit);
}
