// A quick acceptance test for state.json, read off the zod schemas (schema.ts) once and kept as plain
// data (state-spec.ts), so that a command reading a valid state never loads zod: at 10,000 batches
// zod's load and its per-call cost on 170,000 index cells were over half of `crm status`'s budget
// (docs/benchmarks.md). zod stays the validator of record: whatever the quick test does not accept
// goes to the schemas (state-decode.ts), which decide and word the error. The quick test accepts
// only what the schema surely accepts and returns unchanged (loose objects, plain primitives);
// anything else it cannot describe is left to zod.
// No zod import here: describe() reads a schema's definition as data.

export type Spec =
	| {t: 'string'; min?: number; pattern?: string; flags?: string}
	| {t: 'number'; int?: true; min?: number}
	| {t: 'boolean'}
	| {t: 'enum'; values: Array<string | number>}
	| {t: 'nullable'; of: Spec}
	| {t: 'optional'; of: Spec}
	| {t: 'array'; of: Spec}
	| {t: 'record'; of: Spec}
	| {t: 'object'; shape: Record<string, Spec>}
	| {t: 'unknown'}
	/** Not described: never quick-accepted. */
	| {t: 'zod'};

interface Def {
	type: string;
	checks?: Array<{_zod: {def: Record<string, unknown>}}>;
	innerType?: {def: Def};
	element?: {def: Def};
	keyType?: {def: Def};
	valueType?: {def: Def};
	shape?: Record<string, {def: Def}>;
	catchall?: {def: Def};
	entries?: Record<string, string | number>;
}

const OPAQUE: Spec = {t: 'zod'};

/** The spec of a zod schema's definition (`schema.def`). */
export function describe(def: Def): Spec {
	const checks = (def.checks ?? []).map((c) => c._zod.def);
	switch (def.type) {
		case 'string': {
			const spec: Spec & {t: 'string'} = {t: 'string'};
			for (const c of checks) {
				if (c.check === 'min_length' && typeof c.minimum === 'number')
					spec.min = Math.max(spec.min ?? 0, c.minimum);
				else if (
					c.check === 'string_format' &&
					c.format === 'regex' &&
					c.pattern instanceof RegExp &&
					!spec.pattern
				) {
					// A global or sticky pattern keeps state between tests: leave those to zod.
					if (c.pattern.global || c.pattern.sticky) return OPAQUE;
					spec.pattern = c.pattern.source;
					if (c.pattern.flags) spec.flags = c.pattern.flags;
				} else return OPAQUE;
			}
			return spec;
		}
		case 'number': {
			const spec: Spec = {t: 'number'};
			for (const c of checks) {
				if (c.check === 'number_format' && c.format === 'safeint') spec.int = true;
				else if (c.check === 'greater_than' && c.inclusive === true && typeof c.value === 'number')
					spec.min = c.value;
				else return OPAQUE;
			}
			return spec;
		}
		case 'boolean':
			return checks.length === 0 ? {t: 'boolean'} : OPAQUE;
		case 'unknown':
			return {t: 'unknown'};
		case 'enum':
			return checks.length === 0 ? {t: 'enum', values: Object.values(def.entries ?? {})} : OPAQUE;
		case 'nullable':
		case 'optional':
			return def.innerType ? {t: def.type, of: describe(def.innerType.def)} : OPAQUE;
		case 'array':
			return checks.length === 0 && def.element ? {t: 'array', of: describe(def.element.def)} : OPAQUE;
		case 'record':
			// Keys are plain strings in JSON; only a key schema without checks is the same test.
			return def.keyType?.def.type === 'string' && !def.keyType.def.checks?.length && def.valueType
				? {t: 'record', of: describe(def.valueType.def)}
				: OPAQUE;
		case 'object': {
			// Only a loose object returns its input unchanged (a plain one strips unknown keys).
			if (def.catchall?.def.type !== 'unknown' || checks.length > 0 || !def.shape) return OPAQUE;
			const shape: Record<string, Spec> = {};
			for (const [key, value] of Object.entries(def.shape)) shape[key] = describe(value.def);
			return {t: 'object', shape};
		}
		default:
			return OPAQUE;
	}
}

export type Check = (value: unknown) => boolean;

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
	typeof v === 'object' && v !== null && !Array.isArray(v);

/** The acceptance test of a spec: true only when the schema surely accepts the value unchanged. */
export function compile(spec: Spec): Check {
	switch (spec.t) {
		case 'string': {
			const min = spec.min ?? 0;
			const pattern = spec.pattern === undefined ? null : new RegExp(spec.pattern, spec.flags);
			return pattern
				? (v) => typeof v === 'string' && v.length >= min && pattern.test(v)
				: (v) => typeof v === 'string' && v.length >= min;
		}
		case 'number': {
			const floor = spec.min ?? -Infinity;
			const finite = spec.int ? Number.isSafeInteger : Number.isFinite;
			return (v) => typeof v === 'number' && finite(v) && v >= floor;
		}
		case 'boolean':
			return (v) => typeof v === 'boolean';
		case 'unknown':
			return () => true;
		case 'enum': {
			const values = new Set<unknown>(spec.values);
			return (v) => values.has(v);
		}
		case 'nullable': {
			const inner = compile(spec.of);
			return (v) => v === null || inner(v);
		}
		case 'optional': {
			const inner = compile(spec.of);
			return (v) => v === undefined || inner(v);
		}
		case 'array': {
			const inner = compile(spec.of);
			return (v) => Array.isArray(v) && v.every((x) => inner(x));
		}
		case 'record': {
			const inner = compile(spec.of);
			return (v) => isPlainObject(v) && Object.values(v).every((x) => inner(x));
		}
		case 'object': {
			const fields = Object.entries(spec.shape).map(([key, s]) => [key, compile(s)] as const);
			return (v) => isPlainObject(v) && fields.every(([key, check]) => check(v[key]));
		}
		case 'zod':
			return () => false;
	}
}
