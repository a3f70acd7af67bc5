// state.json on disk (schema_version 3, docs/architecture.md "State"): hosts, the reconcile and
// acceptance indexes as objects; the batch index and the batch secrets as rows of a table whose
// column names head it (`batch_columns`, `secret_columns`). At 10,000 batches the rows are about half
// the size of objects and parse in half the time, and a write re-serialises only the chunks of rows
// that changed since the last write, so one write stays well under 20 ms.
import {z} from 'zod';
import {
	SCHEMA_VERSION,
	acceptanceRunSchema,
	batchIndexSchema,
	batchSecretsSchema,
	hostSchema,
	reconcileIndexSchema,
	type BatchIndex,
	type BatchSecrets,
	type State,
} from './schema.js';

/** Columns of a batch-index row, in the order written. Every field of batchIndexSchema. */
export const BATCH_COLUMNS = Object.keys(batchIndexSchema.shape) as Array<keyof BatchIndex & string>;
/** Columns of a batch-secrets row: the batch id, then every field of batchSecretsSchema. */
export const SECRET_COLUMNS = ['batch_id', ...Object.keys(batchSecretsSchema.shape)] as string[];

export class StateShapeError extends Error {
	constructor(
		readonly where: string,
		message: string,
	) {
		super(message);
	}
}

type Shape = Record<string, z.ZodType>;

interface ColumnRule {
	name: string;
	schema: z.ZodType | null;
	/** The schema takes no null but may be absent: a null cell means "not set". */
	nullMeansAbsent: boolean;
}

function rulesFor(shape: Shape, columns: readonly string[]): ColumnRule[] {
	return columns.map((name) => {
		const schema = shape[name] ?? null;
		const nullMeansAbsent = schema
			? !schema.safeParse(null).success && schema.safeParse(undefined).success
			: false;
		return {name, schema, nullMeansAbsent};
	});
}

/**
 * Turns table rows back into records, checking every cell against the field's own zod schema (one
 * source of truth with the object schemas, at a fraction of the cost of parsing 10,000 loose objects).
 * A row may carry one trailing object: fields this version does not know, kept as they are.
 */
function decodeRows(
	label: string,
	rows: unknown,
	columns: unknown,
	shape: Shape,
	required: readonly string[],
): Array<Record<string, unknown>> {
	if (!Array.isArray(columns) || !columns.every((c) => typeof c === 'string'))
		throw new StateShapeError(`${label}_columns`, 'expected a list of column names');
	if (!Array.isArray(rows)) throw new StateShapeError(label, 'expected a list of rows');
	for (const name of required)
		if (!columns.includes(name)) throw new StateShapeError(`${label}_columns`, `missing column ${name}`);
	const rules = rulesFor(shape, columns as string[]);
	const out: Array<Record<string, unknown>> = new Array(rows.length);
	for (let i = 0; i < rows.length; i++) {
		const row = rows[i] as unknown;
		if (!Array.isArray(row)) throw new StateShapeError(`${label}.${i}`, 'expected a row (a list of cells)');
		const extra = row.length === rules.length + 1 ? row[rules.length] : undefined;
		if (row.length !== rules.length && !(extra && typeof extra === 'object' && !Array.isArray(extra)))
			throw new StateShapeError(`${label}.${i}`, `expected ${rules.length} cells, found ${row.length}`);
		const record: Record<string, unknown> = {};
		for (let c = 0; c < rules.length; c++) {
			const rule = rules[c]!;
			const value = row[c] as unknown;
			if (value === null && rule.nullMeansAbsent) continue;
			if (rule.schema) {
				const checked = rule.schema.safeParse(value);
				if (!checked.success)
					throw new StateShapeError(
						`${label}.${i}.${rule.name}`,
						checked.error.issues[0]?.message ?? 'invalid',
					);
			}
			record[rule.name] = value;
		}
		if (extra) Object.assign(record, extra);
		out[i] = record;
	}
	return out;
}

function checkList<T extends z.ZodType>(label: string, value: unknown, schema: T): Array<z.output<T>> {
	const parsed = z.array(schema).safeParse(value);
	if (!parsed.success) {
		const issue = parsed.error.issues[0];
		throw new StateShapeError(
			[label, ...(issue?.path ?? []).map(String)].join('.'),
			issue?.message ?? 'invalid',
		);
	}
	return parsed.data;
}

const TOP_LEVEL = new Set([
	'schema_version',
	'hosts',
	'batch_columns',
	'batches',
	'secret_columns',
	'batch_secrets',
	'reconcile_runs',
	'acceptance_runs',
]);

/** A parsed state.json (schema 3) to the in-memory State; throws StateShapeError naming the place. */
export function decodeState(raw: unknown): State {
	if (!raw || typeof raw !== 'object' || Array.isArray(raw))
		throw new StateShapeError('(root)', 'expected an object');
	const doc = raw as Record<string, unknown>;
	if (doc.schema_version !== SCHEMA_VERSION)
		throw new StateShapeError('schema_version', `expected ${SCHEMA_VERSION}`);
	const hosts = checkList('hosts', doc.hosts, hostSchema);
	const batches = decodeRows(
		'batches',
		doc.batches,
		doc.batch_columns,
		batchIndexSchema.shape,
		requiredKeys(batchIndexSchema.shape),
	) as BatchIndex[];
	const secretRows = decodeRows(
		'batch_secrets',
		doc.batch_secrets,
		doc.secret_columns,
		{batch_id: z.string().min(1), ...batchSecretsSchema.shape},
		SECRET_COLUMNS,
	);
	const batchSecrets: Record<string, BatchSecrets> = {};
	for (const row of secretRows) {
		const {batch_id, ...secrets} = row;
		batchSecrets[batch_id as string] = secrets as BatchSecrets;
	}
	const state: State = {
		schema_version: SCHEMA_VERSION,
		hosts,
		batches,
		batch_secrets: batchSecrets,
		reconcile_runs: checkList('reconcile_runs', doc.reconcile_runs, reconcileIndexSchema),
	};
	if (doc.acceptance_runs !== undefined)
		state.acceptance_runs = checkList('acceptance_runs', doc.acceptance_runs, acceptanceRunSchema);
	for (const [key, value] of Object.entries(doc))
		if (!TOP_LEVEL.has(key)) Object.assign(state, {[key]: value});
	return state;
}

function requiredKeys(shape: Shape): string[] {
	return Object.keys(shape).filter((k) => !shape[k]!.safeParse(undefined).success);
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
function compile(columns: readonly string[], keyed: boolean): {same: Same; take: Take} {
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

function extraFields(record: object, known: ReadonlySet<string>): Record<string, unknown> | null {
	let extra: Record<string, unknown> | null = null;
	for (const key in record) {
		if (!known.has(key)) (extra ??= {})[key] = (record as Record<string, unknown>)[key];
	}
	return extra;
}

/**
 * Serialises one table's rows in chunks and keeps each chunk's text with the objects and cell values
 * it was made from: a chunk whose rows still hold the same objects and values is reused as it is.
 * Fields beyond the columns come only from a file (the types allow no others) and are written back
 * unchanged (`[...cells, {extra}]`).
 */
export class RowsWriter {
	private chunks: Chunk[] = [];
	private readonly same: Same;
	private readonly take: Take;
	private readonly known: ReadonlySet<string>;

	constructor(
		columns: readonly string[],
		private readonly keyed: boolean,
	) {
		({same: this.same, take: this.take} = compile(columns, keyed));
		this.known = new Set(keyed ? columns.slice(1) : columns);
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
				const extra = extraFields(chunk.refs[i] as object, this.known);
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
	private readonly batches = new RowsWriter(BATCH_COLUMNS, false);
	private readonly secrets = new RowsWriter(SECRET_COLUMNS, true);

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
