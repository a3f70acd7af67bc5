// The batch file: one `url,key[,pack[,access[,smoke_model]]]` line per provider. Every line is checked before
// anything runs; problems carry the line number and never quote a key.
//
// Each line's columns are split by csv-parse (the `csv` project, maintained since 2010, no
// dependencies, ESM + types): operators export these lists from spreadsheets, so quoted fields
// (a key holding a comma), CRLF, a BOM and trailing commas must just work, and a hand-rolled
// split(',') gets quoting wrong. Lines are handed to it one at a time, because a record may never
// span lines here (neither a URL nor a key holds a line break) and because after a quoting error
// a whole-file parse swallows the lines that follow: per line, every bad line is reported with its
// exact number and the others are still checked. Its own error messages quote field values (a key
// could be one), so they are never shown: each is turned into our own wording.
import {createHash} from 'node:crypto';
import {readFileSync, statSync} from 'node:fs';
import {parse, CsvError} from 'csv-parse/sync';
import {CrmError, invalidInput} from '../../lib/errors.js';
import {findPack, type PackSet} from '../packs/packs.js';
import {maskSecret, registerSecret} from '../../lib/secrets.js';
import {validateAccessMode, validateKey, validateModelName, validateUrl} from '../input/validate.js';
import type {BatchRow, ParsedBatchFile, RowProblem} from './types.js';

/** More lines than this is surely not a hand-kept list of providers. */
export const MAX_ROWS = 5000;

/**
 * Checked before anything is parsed (docs/cli.md): a file over these is refused whole, so a wrong
 * file (a log, a dump) costs neither memory nor minutes of CSV parsing.
 */
export const MAX_FILE_BYTES = 5 * 1024 * 1024;
export const MAX_FILE_LINES = 10_000;

const tooBig = (file: string, what: string) =>
	invalidInput(
		'--file',
		`--file ${file} ${what}; a batch file holds at most ${MAX_FILE_LINES.toLocaleString('en')} lines and 5 MiB: split it into smaller files`,
	);

/** Refuses text over the limits without splitting it (counting line breaks allocates nothing). */
export function checkBatchSize(text: string, file: string): void {
	if (Buffer.byteLength(text, 'utf8') > MAX_FILE_BYTES) throw tooBig(file, 'is larger than 5 MiB');
	let lines = 1;
	for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) {
		if (at === text.length - 1) break; // a final line break ends the last line, it starts none
		lines += 1;
		if (lines > MAX_FILE_LINES)
			throw tooBig(file, `has more than ${MAX_FILE_LINES.toLocaleString('en')} lines`);
	}
}

const PACK_ID = /^[a-z][a-z0-9-]{1,30}$/;
/** What validateModelName accepts (the fifth column). */
const MODEL_ID = /^[A-Za-z0-9][A-Za-z0-9._:/@+-]{0,127}$/;

/** Says what a csv-parse error means without quoting the line (it may hold a key). */
function csvProblem(error: CsvError): string {
	switch (error.code) {
		case 'CSV_INVALID_CLOSING_QUOTE':
			return 'a quoted field has text after its closing quote; quote the whole field or none of it';
		case 'CSV_QUOTE_NOT_CLOSED':
			return 'a quote is never closed';
		case 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE':
			return 'a quoted field has text after its closing quote; quote the whole field or none of it';
		case 'CSV_MAX_RECORD_SIZE':
			return 'the line is too long';
		default:
			return `the line is not valid CSV (${error.code})`;
	}
}

/** Replaces a value in a validator's message by its mask, so a key pasted in the wrong column never echoes. */
function masked(message: string, value: string): string {
	const quoted = value.trim().slice(0, 80);
	return quoted.length >= 6 ? message.split(quoted).join(maskSecret(value)) : message;
}

/** One line's columns checked (the service's JSON rows go through here too): the row, or null with its problem added. */
export function checkRow(
	line: number,
	fields: string[],
	packs: PackSet,
	problems: RowProblem[],
): BatchRow | null {
	const add = (field: RowProblem['field'], message: string) => {
		problems.push({line, field, message});
		return null;
	};
	if (fields.length < 2)
		return add('line', `expected url,key[,pack[,access[,smoke_model]]] but found ${fields.length} column`);
	if (fields.length > 5)
		return add(
			'line',
			`expected at most 5 columns (url,key,pack,access,smoke_model) but found ${fields.length}`,
		);
	const [rawUrl = '', rawKey = '', rawPack = '', rawAccess = '', rawSmoke = ''] = fields;
	let url: string;
	try {
		url = validateUrl(rawUrl, 'url');
	} catch (error) {
		return add('url', masked((error as Error).message, rawUrl));
	}
	let key: string;
	try {
		key = validateKey(rawKey, 'the key column');
	} catch (error) {
		return add('key', (error as Error).message);
	}
	let pack: string | null = null;
	if (rawPack !== '') {
		if (!PACK_ID.test(rawPack) || !findPack(packs, rawPack)) {
			const shown = PACK_ID.test(rawPack) ? `"${rawPack}"` : maskSecret(rawPack);
			return add(
				'pack',
				`no pack ${shown}; the third column is one of ${packs.packs.map((p) => p.id).join(', ')}`,
			);
		}
		pack = rawPack;
	}
	let access: BatchRow['access'] = null;
	if (rawAccess !== '') {
		try {
			access = validateAccessMode(rawAccess, 'self_service', 'access');
		} catch (error) {
			return add('access', masked((error as Error).message, rawAccess));
		}
	}
	let smokeModel: string | null = null;
	if (rawSmoke !== '') {
		try {
			smokeModel = validateModelName(rawSmoke, 'smoke_model');
		} catch (error) {
			return add('smoke_model', masked((error as Error).message, rawSmoke));
		}
	}
	return {line, url, key, key_hint: maskSecret(key), pack, access, smoke_model: smokeModel};
}

/** Parses and checks the whole text; never throws for bad lines (they become problems). */
export function parseBatchText(text: string, packs: PackSet): ParsedBatchFile {
	const problems: RowProblem[] = [];
	const rows: BatchRow[] = [];
	let records = 0;
	let first = true;
	const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
	lines.forEach((raw, index) => {
		const line = index + 1;
		const trimmed = raw.trim();
		if (trimmed === '' || trimmed.startsWith('#')) return; // blank line or comment
		let fields: string[];
		try {
			const parsed = parse(raw, {trim: true, relax_column_count: true}) as string[][];
			fields = (parsed[0] ?? []).map((f) => f.trim());
		} catch (error) {
			records += 1;
			first = false;
			const message = error instanceof CsvError ? csvProblem(error) : 'the line is not valid CSV';
			problems.push({line, field: 'line', message});
			return;
		}
		if (fields.every((f) => f === '')) return; // a line of commas only
		if (first && fields[0]?.toLowerCase() === 'url' && fields[1]?.toLowerCase() === 'key') {
			first = false;
			return; // a header line
		}
		first = false;
		records += 1;
		const row = checkRow(line, fields, packs, problems);
		if (row) rows.push(row);
	});
	if (records > MAX_ROWS) {
		problems.unshift({
			line: 0,
			field: 'line',
			message: `the file has ${records} lines; split it into files of at most ${MAX_ROWS}`,
		});
	}
	return {rows, problems, records};
}

export interface BatchFileRead extends ParsedBatchFile {
	/** Set when group or others may read the file (it holds provider keys). */
	permissionWarning: string | null;
	/** sha256 of the file's bytes as read (hex), kept with the run's record. */
	sha256: string;
}

/** Reads FILE (or stdin when FILE is "-", given as `stdinText`), parses and checks it. */
export function readBatchFile(file: string, packs: PackSet, stdinText?: string): BatchFileRead {
	let text: string;
	let permissionWarning: string | null = null;
	if (file === '-') {
		text = stdinText ?? '';
	} else {
		let mode: number;
		try {
			const st = statSync(file);
			if (!st.isFile()) throw invalidInput('--file', `--file ${file} is not a regular file`);
			if (st.size > MAX_FILE_BYTES) throw tooBig(file, `is larger than 5 MiB (${st.size} bytes)`);
			mode = st.mode & 0o777;
			text = readFileSync(file, 'utf8');
		} catch (error) {
			if (error instanceof CrmError) throw error;
			throw invalidInput(
				'--file',
				`cannot read --file ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
			);
		}
		if (mode & 0o044) {
			permissionWarning = `${file} is readable by ${mode & 0o004 ? 'every user' : 'its group'} (mode ${mode.toString(8).padStart(4, '0')}) and holds provider keys: chmod 600 ${file}`;
		}
	}
	checkBatchSize(text, file === '-' ? '- (standard input)' : file);
	const parsed = parseBatchText(text, packs);
	// Anything in a key column, valid or not, is a secret from now on; so is any long token elsewhere.
	for (const r of parsed.rows) registerSecret(r.key);
	const known = (v: string) =>
		/^https?:\/\//i.test(v) || PACK_ID.test(v) || v === 'self_service' || v === 'subscription';
	for (const line of text.split(/\r?\n/)) {
		line.split(',').forEach((cell, column) => {
			const v = cell.trim().replace(/^"|"$/g, '');
			// The smoke model column is not a secret, unless it looks like a key pasted in the wrong place.
			if (column === 4 && MODEL_ID.test(v) && v.length < 64 && !/^sk-/i.test(v)) return;
			if ((column === 1 && v.length >= 6) || (v.length >= 12 && !known(v))) registerSecret(v);
		});
	}
	const sha256 = createHash('sha256').update(text).digest('hex');
	return {...parsed, permissionWarning, sha256};
}

/** All problems as one exit-2 error (nothing has run). */
export function problemsError(problems: RowProblem[], file: string): CrmError {
	const lines = problems.map((p) => (p.line > 0 ? `line ${p.line}: ${p.field}: ${p.message}` : p.message));
	return invalidInput(
		'--file',
		`${file} has ${problems.length} invalid line${problems.length === 1 ? '' : 's'}; nothing was imported (fix them, or pass --skip-invalid to import the valid lines):\n  ${lines.join('\n  ')}`,
	);
}
