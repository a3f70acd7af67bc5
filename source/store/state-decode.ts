// The strict reading of state.json (schema_version 3) with the zod schemas: every cell, host and
// run checked by its schema, the first problem named by its place (`batches.12.batch_status`). Runs
// when the quick test (state-codec.ts) did not accept the whole file: a broken file, or a value the
// quick test leaves to zod. Also the source of the quick test's spec (state-spec.ts).
import {z} from 'zod';
import {describe, type Spec} from './quick-check.js';
import {
	SCHEMA_VERSION,
	acceptanceRunSchema,
	batchIndexSchema,
	batchSecretsSchema,
	hostSchema,
	reconcileIndexSchema,
	stateSchema,
	type BatchIndex,
	type BatchSecrets,
	type State,
} from './schema.js';
import {StateShapeError, TOP_LEVEL} from './state-codec.js';

type Def = Parameters<typeof describe>[0];
const defOf = (schema: z.ZodType) => (schema as unknown as {def: Def}).def;

/** The quick test's spec read off the live schemas (scripts/state-spec.ts writes it to state-spec.ts). */
export function liveStateSpec(): {
	batch: Record<string, Spec>;
	secret: Record<string, Spec>;
	host: Spec;
	reconcile: Spec;
	acceptance: Spec;
	/** Top-level fields besides the indexes (alerts, ...): each checked when present. */
	top: Record<string, Spec>;
} {
	const each = (shape: Record<string, z.ZodType>) =>
		Object.fromEntries(Object.entries(shape).map(([k, v]) => [k, describe(defOf(v))]));
	return {
		batch: each(batchIndexSchema.shape),
		secret: each({batch_id: z.string().min(1), ...batchSecretsSchema.shape}),
		host: describe(defOf(hostSchema)),
		reconcile: describe(defOf(reconcileIndexSchema)),
		acceptance: describe(defOf(acceptanceRunSchema)),
		top: each(otherTopLevel()),
	};
}

/** The state's top-level fields read neither as tables nor as the host and run lists (alerts, ...). */
function otherTopLevel(): Record<string, z.ZodType> {
	return Object.fromEntries(
		Object.entries(stateSchema.shape).filter(([name]) => !TOP_LEVEL.has(name)),
	) as Record<string, z.ZodType>;
}

type Shape = Record<string, z.ZodType>;

interface ColumnRule {
	name: string;
	schema: z.ZodType | null;
	/**
	 * The field may be absent: a null cell means "not set" (an explicit null of a field whose schema
	 * takes null rides in the row's trailing object, state-codec.ts RowsWriter).
	 */
	nullMeansAbsent: boolean;
}

function rulesFor(shape: Shape, columns: readonly string[]): ColumnRule[] {
	return columns.map((name) => {
		const schema = shape[name] ?? null;
		const nullMeansAbsent = schema ? schema.safeParse(undefined).success : false;
		return {name, schema, nullMeansAbsent};
	});
}

/** A row's trailing object: unknown fields as they are; a known one (an explicit null) checked by its schema. */
function checkExtra(label: string, extra: object, rules: ColumnRule[]): void {
	for (const [key, value] of Object.entries(extra)) {
		if (key === '__proto__') throw new StateShapeError(label, 'a field named __proto__');
		const rule = rules.find((r) => r.name === key);
		if (rule?.schema && !rule.schema.safeParse(value).success)
			throw new StateShapeError(`${label}.${key}`, 'invalid');
	}
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
		if (extra) {
			checkExtra(`${label}.${i}`, extra, rules);
			Object.assign(record, extra);
		}
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
		['batch_id', ...requiredKeys(batchSecretsSchema.shape)],
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
	const known = otherTopLevel();
	for (const [key, value] of Object.entries(doc)) {
		if (TOP_LEVEL.has(key)) continue;
		const checked = known[key]?.safeParse(value);
		if (checked && !checked.success) {
			const issue = checked.error.issues[0];
			throw new StateShapeError(
				[key, ...(issue?.path ?? []).map(String)].join('.'),
				issue?.message ?? 'invalid',
			);
		}
		Object.assign(state, {[key]: value});
	}
	return state;
}

function requiredKeys(shape: Shape): string[] {
	return Object.keys(shape).filter((k) => !shape[k]!.safeParse(undefined).success);
}
