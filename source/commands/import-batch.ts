// `crm import-batch --host HOST --file FILE [--concurrency N] [--skip-invalid] [--json]` (CLI.md):
// every line checked first (exit 2, nothing run, unless --skip-invalid), then detection and imports
// with bounded concurrency; per-row progress lines on stderr; the result table (JSON with --json).
import {
	MAX_FILE_BYTES,
	batchSucceeded,
	checkConcurrency,
	importBatch,
	problemsError,
	readBatchFile,
	type BatchEvent,
	type BatchResult,
} from '../core/batch-import/index.js';
import {EXIT, invalidInput} from '../lib/errors.js';
import {resolveHost} from '../core/hosts/lookup.js';
import {loadPacks} from '../core/packs/packs.js';
import {flagString, type CommandContext} from './context.js';
import {openLocked} from './drift.js';
import {complianceOperator} from './host-add.js';
import {abortOnSignals, timingFromFlags} from './import.js';
import {paint, table, type Output} from './output.js';
import {totpFromFlags} from './secret-input.js';

const MARK = {ok: '✔', warn: '!', fail: '✖', skipped: '-'} as const;

async function readStdin(): Promise<string> {
	if (process.stdin.isTTY)
		throw invalidInput(
			'--file',
			'--file - reads the list from standard input, but it is a terminal; pipe it in',
		);
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of process.stdin) {
		size += (chunk as Buffer).length;
		// Stop reading at the limit: what is over it is never held in memory.
		if (size > MAX_FILE_BYTES)
			throw invalidInput(
				'--file',
				'--file - (standard input) is larger than 5 MiB; split the list into smaller files',
			);
		chunks.push(chunk as Buffer);
	}
	return Buffer.concat(chunks).toString('utf8');
}

/** One stderr line per row event; step lines only when a step ends (rows run side by side). */
export function printBatchEvent(out: Output, e: BatchEvent): void {
	const at = `line ${e.line}:`;
	switch (e.type) {
		case 'detect_start':
			return;
		case 'detected':
			out.note(`${at} ${e.detection.pack} (${e.detection.detected_by}) — ${e.detection.evidence.reason}`);
			return;
		case 'row_start':
			out.note(paint('dim', `${at} importing as ${e.pack} (${e.access_mode})`));
			return;
		case 'row_batch':
			out.note(paint('dim', `${at} batch ${e.batch_id}`));
			return;
		case 'row_step': {
			const s = e.event;
			// A wait for the host's rate limits is shown: a row that seems stuck is waiting its turn.
			if (s.type === 'progress' && s.wait_ms !== undefined)
				out.note(paint('dim', `${at} ${s.step}: ${s.message}`));
			if (s.type !== 'end') return;
			const color =
				s.status === 'ok' ? 'green' : s.status === 'fail' ? 'red' : s.status === 'warn' ? 'yellow' : 'dim';
			const cls = s.failure_class ? ` [${s.failure_class}]` : '';
			out.note(`${at} ${paint(color, MARK[s.status])} ${s.step} (${s.duration_ms} ms)${cls} ${s.message}`);
			return;
		}
		case 'row_end': {
			const r = e.result;
			const word = r.skipped
				? paint('dim', 'skipped')
				: r.not_run
					? paint('yellow', 'not run')
					: r.batch_status === 'succeeded'
						? paint('green', 'succeeded')
						: paint('red', 'failed');
			out.note(`${at} ${word}${r.failure_class && !r.skipped ? ` [${r.failure_class}]` : ''} — ${r.message}`);
			return;
		}
	}
}

export function humanBatch(result: BatchResult): string {
	const rows = result.results.map((r) => [
		r.line,
		r.url,
		r.pack,
		r.detected_by,
		r.skipped ? `skipped (${r.skip_reason})` : r.not_run ? 'not run' : r.batch_status,
		r.access_status,
		r.skipped ? null : r.failure_class,
		r.batch_id,
		r.duration_ms,
	]);
	const t = result.totals;
	return [
		table(['LINE', 'URL', 'PACK', 'BY', 'STATUS', 'ACCESS', 'FAILURE', 'BATCH', 'MS'], rows),
		`${t.succeeded} succeeded · ${t.failed} failed · ${t.skipped} skipped${t.invalid ? ` (${t.invalid} invalid)` : ''}${t.not_run ? ` · ${t.not_run} not run` : ''}`,
	].join('\n');
}

export async function importBatchCommand(ctx: CommandContext): Promise<number> {
	const file = flagString(ctx.flags, 'file');
	if (!file)
		throw invalidInput(
			'--file',
			'--file is required: a file of url,key[,pack[,access]] lines (or - for stdin)',
		);
	const hostRef = flagString(ctx.flags, 'host');
	if (!hostRef) throw invalidInput('--host', '--host is required: a host id or name (see crm host list)');
	const concurrency = checkConcurrency(ctx.flags.concurrency);
	const skipInvalid = ctx.flags.skipInvalid === true;
	const packs = loadPacks();
	for (const p of packs.problems) ctx.out.warn(`pack file ${p.file} skipped: ${p.field}: ${p.message}`);

	// Every line is checked before anything is locked, asked or created.
	const read = readBatchFile(file, packs, file === '-' ? await readStdin() : undefined);
	if (read.permissionWarning) ctx.out.warn(read.permissionWarning);
	const fatal = read.problems.some((p) => p.line === 0);
	if (read.problems.length > 0 && (!skipInvalid || fatal)) throw problemsError(read.problems, file);
	for (const p of read.problems)
		ctx.out.warn(`line ${p.line} skipped (--skip-invalid): ${p.field}: ${p.message}`);
	if (read.rows.length === 0) {
		throw invalidInput(
			'--file',
			read.records === 0
				? `${file} holds no url,key lines`
				: `${file} holds no valid url,key line; nothing to import`,
		);
	}

	const store = await openLocked(ctx, 'crm import-batch');
	const {signal, dispose} = abortOnSignals(ctx);
	try {
		resolveHost(store.data, hostRef);
		ctx.out.note(
			`${read.rows.length} row${read.rows.length === 1 ? '' : 's'} from ${file}, ${concurrency} at a time`,
		);
		const result = await importBatch({
			store,
			packs,
			host: hostRef,
			rows: read.rows,
			invalid: skipInvalid ? read.problems : [],
			concurrency,
			signal,
			operator: {totp: totpFromFlags(ctx.flags), acceptCompliance: complianceOperator(ctx)},
			timing: timingFromFlags(ctx),
			sink: (e) => printBatchEvent(ctx.out, e),
		});
		ctx.out.result(result, () => humanBatch(result));
		return batchSucceeded(result) ? EXIT.ok : EXIT.failed;
	} finally {
		dispose();
		store.release();
	}
}
