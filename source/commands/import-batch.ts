// `crm import-batch --host HOST --file FILE [--concurrency N] [--skip-invalid] [--json]` (docs/cli.md):
// every line checked first (exit 2, nothing run, unless --skip-invalid), then detection and imports
// with bounded concurrency; per-row progress lines on stderr; the result table (JSON with --json).
import type {BatchEvent, BatchResult} from '../app/import-batch.js';
import {batchSucceeded, checkConcurrency, MAX_FILE_BYTES, problemsError} from '../app/import-batch-checks.js';
import {EXIT, invalidInput} from '../lib/errors.js';
import {flagString, sessionFor, withRun, type CommandContext} from './context.js';
import {paint, table, type Output} from './output.js';
import {rowStatus, rowWord, totalsText} from '../app/import-batch.js';
import {accessWord} from '../app/reads.js';

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
			const status = rowStatus(r);
			const tint = {succeeded: 'green', failed: 'red', stopped: 'yellow', 'not run': 'yellow'} as const;
			const word = paint(tint[rowWord(r) as keyof typeof tint] ?? 'dim', status);
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
		rowStatus(r),
		r.batch_id ? accessWord(r.batch_status, r.access_status) : null,
		r.skipped ? null : r.failure_class,
		r.batch_id,
		r.duration_ms,
	]);
	return [
		table(['LINE', 'URL', 'PACK', 'BY', 'STATUS', 'ACCESS', 'FAILURE', 'BATCH', 'MS'], rows),
		`${totalsText(result)} · run ${result.run_id}`,
	].join('\n');
}

export async function importBatchCommand(ctx: CommandContext): Promise<number> {
	const file = flagString(ctx.flags, 'file');
	if (!file)
		throw invalidInput(
			'--file',
			'--file is required: a file of url,key[,pack[,access]] lines (or - for stdin)',
		);
	const host = flagString(ctx.flags, 'host');
	if (!host) throw invalidInput('--host', '--host is required: a host id or name (see crm host list)');
	const app = await import('../app/import-batch.js');
	const concurrency = checkConcurrency(ctx.flags.concurrency);
	const skipInvalid = ctx.flags.skipInvalid === true;
	const session = await sessionFor(ctx);

	// Every line is checked before anything is locked, asked or created.
	const read = await app.readImportFile(session, {
		file,
		stdinText: file === '-' ? await readStdin() : undefined,
	});
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
	const result = await withRun(
		ctx,
		(run) =>
			app.importBatch(
				session,
				{
					host,
					rows: read.rows,
					invalid: skipInvalid ? read.problems : [],
					concurrency,
					fileSha256: read.sha256,
				},
				{
					...run,
					onStart: () =>
						ctx.out.note(
							`${read.rows.length} row${read.rows.length === 1 ? '' : 's'} from ${file}, ${concurrency} at a time`,
						),
				},
			),
		(e: BatchEvent) => printBatchEvent(ctx.out, e),
	);
	ctx.out.result(result, () => humanBatch(result));
	return batchSucceeded(result) ? EXIT.ok : EXIT.failed;
}
