// state.json on disk (schema_version 3): hosts and the reconcile and acceptance indexes as objects;
// the batch index and the batch secrets as rows of a table whose column names head it
// (`batch_columns`, `secret_columns`), one row per line. At 10,000 batches the rows are about half
// the size of objects and parse in half the time, and a write re-serialises only the chunks of rows
// that changed since the last write, so one write stays well under 20 ms (docs/benchmarks.md).
// Reading a valid file needs no zod (quick-check.ts); anything the quick test does not accept is
// read by the schemas (state-decode.ts).
import {SCHEMA_VERSION} from './constants.js';
import {compile as compileCheck, type Check, type Spec} from './quick-check.js';
import type {BatchIndex, BatchSecrets, State} from './schema.js';
import {STATE_SPEC} from './state-spec.js';

/** Columns of a batch-index row, in the order written: every field of the batch index schema. */
export const BATCH_COLUMNS = Object.keys(STATE_SPEC.batch) as Array<keyof BatchIndex & string>;
/** Columns of a batch-secrets row: the batch id, then every field of the batch secrets schema. */
export const SECRET_COLUMNS = Object.keys(STATE_SPEC.secret);

export class StateShapeError extends Error {
	constructor(
		readonly where: string,
		message: string,
	) {
		super(message);
	}
}

export const TOP_LEVEL = new Set([
	'schema_version',
	'hosts',
	'batch_columns',
	'batches',
	'secret_columns',
	'batch_secrets',
	'reconcile_runs',
	'acceptance_runs',
]);

/**
 * A table's reader for files written in this build's column order: checks every cell with its
 * column's quick test and builds the record with its fields in a fixed order (generated once, as the
 * writer's loops are), so the 10,000 records share one shape. `key` (the secrets table) makes the
 * first column the record's key instead of a field. A row may end with one object (RowsWriter): fields
 * this version does not know, and optional fields set to an explicit null. Returns false when a cell
 * is left to zod.
 */
type Reader = (rows: unknown[], checks: Check[], out: unknown) => boolean;

/**
 * Whether a row's trailing object is one the quick test may take as it is: unknown fields (kept
 * unchanged, as a loose schema keeps them) and explicit nulls of optional columns whose schema takes
 * null; anything else (`__proto__`, a column's value) is left to zod.
 */
function extraChecker(columns: readonly string[], specs: Record<string, Spec>): (x: unknown) => boolean {
	const nullable = new Set(columns.filter((c) => takesExplicitNull(specs[c]!)));
	const known = new Set(columns);
	return (x) => {
		if (x === null || typeof x !== 'object' || Array.isArray(x)) return false;
		for (const key of Object.keys(x)) {
			if (key === '__proto__') return false;
			if (known.has(key) && !(nullable.has(key) && (x as Record<string, unknown>)[key] === null))
				return false;
		}
		return true;
	};
}

/** An optional field whose schema also takes null: its cell's null means absent, so a null is kept aside. */
export function takesExplicitNull(spec: Spec): boolean {
	return spec.t === 'optional' && spec.of.t === 'nullable';
}

function compileReader(columns: readonly string[], specs: Record<string, Spec>, keyed: boolean): Reader {
	const fields: string[] = [];
	const optional: string[] = [];
	columns.forEach((name, c) => {
		if (keyed && c === 0) return;
		if (specs[name]!.t === 'optional')
			optional.push(`if (row[${c}] !== null) r[${JSON.stringify(name)}] = row[${c}];`);
		else fields.push(`${JSON.stringify(name)}: row[${c}]`);
	});
	const optionalNulls = columns
		.map((name, c) =>
			specs[name]!.t === 'optional' ? `(row[${c}] === null || checks[${c}](row[${c}]))` : null,
		)
		.filter(Boolean);
	const required = columns
		.map((name, c) => (specs[name]!.t === 'optional' ? null : `checks[${c}](row[${c}])`))
		.filter(Boolean);
	// A key that is not a plain own property name (`__proto__`) is left to zod.
	const store = keyed ? "if (row[0] === '__proto__') return false; out[row[0]] = r;" : 'out[i] = r;';
	const n = columns.length;
	return new Function(
		'extraOk',
		`return function read(rows, checks, out) {` +
			` for (let i = 0; i < rows.length; i++) { const row = rows[i];` +
			` if (!Array.isArray(row)) return false;` +
			` const x = row.length === ${n + 1} ? row[${n}] : null;` +
			` if (row.length !== ${n} && !(x !== null && extraOk(x))) return false;` +
			` if (!(${[...required, ...optionalNulls].join(' && ') || 'true'})) return false;` +
			` const r = {${fields.join(', ')}}; ${optional.join(' ')} if (x !== null) Object.assign(r, x); ${store} }` +
			` return true; }`,
	)(extraChecker(columns, specs)) as Reader;
}

interface TableReader {
	columns: readonly string[];
	checks: Check[];
	read: Reader;
}

function tableReader(specs: Record<string, Spec>, keyed: boolean): TableReader {
	const columns = Object.keys(specs);
	return {
		columns,
		checks: columns.map((name) => compileCheck(specs[name]!)),
		read: compileReader(columns, specs, keyed),
	};
}

interface QuickTests {
	batch: TableReader;
	secret: TableReader;
	host: Check;
	reconcile: Check;
	acceptance: Check;
	top: Array<[string, Check]>;
}
let quick: QuickTests | null = null;

function quickTests(): QuickTests {
	quick ??= {
		batch: tableReader(STATE_SPEC.batch, false),
		secret: tableReader(STATE_SPEC.secret, true),
		host: compileCheck(STATE_SPEC.host),
		reconcile: compileCheck(STATE_SPEC.reconcile),
		acceptance: compileCheck(STATE_SPEC.acceptance),
		top: Object.entries(STATE_SPEC.top).map(([name, spec]) => [name, compileCheck(spec)]),
	};
	return quick;
}

const sameColumns = (given: unknown, want: readonly string[]): boolean =>
	Array.isArray(given) && given.length === want.length && given.every((c, i) => c === want[i]);

const everyOf = (list: unknown, check: Check): boolean => Array.isArray(list) && list.every((x) => check(x));

/**
 * A parsed state.json (schema 3) to the in-memory State when the quick test accepts all of it, with
 * no zod loaded; null when anything is left for the schemas to decide (state-decode.ts).
 */
export function decodeStateQuick(raw: unknown): State | null {
	if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return null;
	const doc = raw as Record<string, unknown>;
	if (doc.schema_version !== SCHEMA_VERSION) return null;
	const tests = quickTests();
	if (!everyOf(doc.hosts, tests.host) || !everyOf(doc.reconcile_runs, tests.reconcile)) return null;
	if (doc.acceptance_runs !== undefined && !everyOf(doc.acceptance_runs, tests.acceptance)) return null;
	for (const [name, check] of tests.top) if (doc[name] !== undefined && !check(doc[name])) return null;
	const {batch, secret} = tests;
	if (!Array.isArray(doc.batches) || !Array.isArray(doc.batch_secrets)) return null;
	if (!sameColumns(doc.batch_columns, batch.columns) || !sameColumns(doc.secret_columns, secret.columns))
		return null;
	const batches: BatchIndex[] = new Array(doc.batches.length);
	const batchSecrets: Record<string, BatchSecrets> = {};
	if (!batch.read(doc.batches, batch.checks, batches)) return null;
	if (!secret.read(doc.batch_secrets, secret.checks, batchSecrets)) return null;
	const state: State = {
		schema_version: SCHEMA_VERSION,
		hosts: doc.hosts as State['hosts'],
		batches: batches as BatchIndex[],
		batch_secrets: batchSecrets,
		reconcile_runs: doc.reconcile_runs as State['reconcile_runs'],
	};
	if (doc.acceptance_runs !== undefined)
		state.acceptance_runs = doc.acceptance_runs as State['acceptance_runs'];
	for (const [key, value] of Object.entries(doc))
		if (!TOP_LEVEL.has(key)) Object.assign(state, {[key]: value});
	return state;
}

const CHUNK_ROWS = 256;

interface Chunk {
	refs: unknown[];
	values: unknown[];
	/** The rows' JSON without the enclosing brackets, as UTF-8 bytes. */
	bytes: Buffer;
}

// One row per line: the file stays readable and diffable, and a row's text never holds a newline.
const BETWEEN = Buffer.from(',\n');
const OPEN = Buffer.from('[\n');
const CLOSE = Buffer.from('\n]');
const EMPTY = Buffer.from('[]');

/** `table` is an array of records, or (keyed) an object of records with `ids` its keys in order. */
type Same = (
	table: unknown,
	ids: unknown,
	refs: unknown[],
	values: unknown[],
	start: number,
	end: number,
) => boolean;
type Take = (
	table: unknown,
	ids: unknown,
	refs: unknown[],
	values: unknown[],
	rows: unknown[][],
	start: number,
	end: number,
) => void;

/**
 * The comparison and capture loops of one table, generated once from its columns (as zod compiles
 * its object parsers): a property read with a fixed name is many times cheaper than one by a name
 * held in a variable, which is what keeps the comparison far below the cost of serialising.
 */
function compileRows(columns: readonly string[], keyed: boolean): {same: Same; take: Take} {
	const get = keyed ? 'const id = ids[i]; const r = table[id];' : 'const r = table[i];';
	const cells = columns.map((c, k) => (keyed && k === 0 ? 'id' : `r[${JSON.stringify(c)}]`));
	const same = new Function(
		'table',
		'ids',
		'refs',
		'values',
		'start',
		'end',
		`let v = 0; for (let i = start; i < end; i++) { ${get} if (r !== refs[i - start]) return false;` +
			` if (${cells.map((x) => `${x} !== values[v++]`).join(' || ')}) return false; } return true;`,
	) as Same;
	const take = new Function(
		'table',
		'ids',
		'refs',
		'values',
		'rows',
		'start',
		'end',
		`for (let i = start; i < end; i++) { ${get} refs.push(r); const row = [${cells.join(', ')}];` +
			' for (let c = 0; c < row.length; c++) values.push(row[c]); rows.push(row); }',
	) as Take;
	return {same, take};
}

function extraFields(
	record: object,
	known: ReadonlySet<string>,
	nullKept: ReadonlySet<string>,
): Record<string, unknown> | null {
	let extra: Record<string, unknown> | null = null;
	for (const key in record) {
		const value = (record as Record<string, unknown>)[key];
		if (!known.has(key) || (value === null && nullKept.has(key))) (extra ??= {})[key] = value;
	}
	return extra;
}

/**
 * Serialises one table's rows in chunks and keeps each chunk's text with the objects and cell values
 * it was made from: a chunk whose rows still hold the same objects and values is reused as it is.
 * Fields beyond the columns come only from a file (the types allow no others) and are written back
 * unchanged (`[...cells, {extra}]`); so is an explicit null of an optional field whose schema takes
 * null (its cell's null means absent), so that every record reads back field for field.
 */
export class RowsWriter {
	private chunks: Chunk[] = [];
	private readonly same: Same;
	private readonly take: Take;
	private readonly known: ReadonlySet<string>;
	private readonly nullKept: ReadonlySet<string>;

	constructor(
		columns: readonly string[],
		private readonly keyed: boolean,
		specs: Record<string, Spec>,
	) {
		({same: this.same, take: this.take} = compileRows(columns, keyed));
		this.known = new Set(keyed ? columns.slice(1) : columns);
		this.nullKept = new Set(columns.filter((c) => takesExplicitNull(specs[c]!)));
	}

	/**
	 * The table as `[row,row,...]` bytes, appended to `out` chunk by chunk. `table`: an array of
	 * records; keyed: an object of records and its keys.
	 */
	write(out: Buffer[], table: unknown, ids: readonly string[] | null, count: number): void {
		const chunks = Math.ceil(count / CHUNK_ROWS);
		if (chunks === 0) {
			this.chunks.length = 0;
			out.push(EMPTY);
			return;
		}
		out.push(OPEN);
		for (let k = 0; k < chunks; k++) {
			const start = k * CHUNK_ROWS;
			const end = Math.min(count, start + CHUNK_ROWS);
			if (k > 0) out.push(BETWEEN);
			const cached = this.chunks[k];
			if (
				cached &&
				cached.refs.length === end - start &&
				this.same(table, ids, cached.refs, cached.values, start, end)
			) {
				out.push(cached.bytes);
				continue;
			}
			const chunk: Chunk = {refs: [], values: [], bytes: EMPTY};
			const rows: unknown[][] = [];
			this.take(table, ids, chunk.refs, chunk.values, rows, start, end);
			for (let i = 0; i < rows.length; i++) {
				const extra = extraFields(chunk.refs[i] as object, this.known, this.nullKept);
				if (extra) rows[i]!.push(extra);
			}
			chunk.bytes = Buffer.from(rows.map((row) => JSON.stringify(row)).join(',\n'));
			this.chunks[k] = chunk;
			out.push(chunk.bytes);
		}
		this.chunks.length = chunks;
		out.push(CLOSE);
	}
}

/** The writer of one state.json: keeps the chunk caches of its two tables between writes. */
export class StateEncoder {
	private readonly batches = new RowsWriter(BATCH_COLUMNS, false, STATE_SPEC.batch);
	private readonly secrets = new RowsWriter(SECRET_COLUMNS, true, STATE_SPEC.secret);

	/** The file's bytes, in pieces (unchanged chunks are the cached buffers themselves). */
	encode(state: State): Buffer[] {
		const {
			schema_version: _v,
			hosts,
			batches,
			batch_secrets,
			reconcile_runs,
			acceptance_runs,
			...rest
		} = state as State & Record<string, unknown>;
		const ids = Object.keys(batch_secrets);
		const out: Buffer[] = [];
		const text = (s: string) => out.push(Buffer.from(s));
		text(`{"schema_version":${SCHEMA_VERSION},\n"hosts":${JSON.stringify(hosts)},\n`);
		text(`"batch_columns":${JSON.stringify(BATCH_COLUMNS)},\n"batches":`);
		this.batches.write(out, batches, null, batches.length);
		text(`,\n"secret_columns":${JSON.stringify(SECRET_COLUMNS)},\n"batch_secrets":`);
		this.secrets.write(out, batch_secrets, ids, ids.length);
		text(`,\n"reconcile_runs":${JSON.stringify(reconcile_runs)}`);
		if (acceptance_runs !== undefined) text(`,\n"acceptance_runs":${JSON.stringify(acceptance_runs)}`);
		const extra = JSON.stringify(rest);
		text(extra === '{}' ? '}\n' : `,\n${extra.slice(1)}\n`);
		return out;
	}

	/** The whole file as text (a generator of test or bench folders). */
	encodeText(state: State): string {
		return Buffer.concat(this.encode(state)).toString('utf8');
	}
}
