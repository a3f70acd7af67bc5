// Request validation with gin/go-playground style messages ("Invalid request: Key: 'X.Field' ...").
export type FieldType = 'string' | 'number' | 'int' | 'bool' | 'object' | 'int_array' | 'any';

export interface FieldSpec {
	type: FieldType;
	required?: boolean;
	/** null is accepted (pointer fields). */
	nullable?: boolean;
	oneof?: readonly string[];
	email?: boolean;
	min?: number;
	max?: number;
	gt?: number;
	len?: number;
}

const GO_TYPES: Record<FieldType, string> = {
	string: 'string',
	number: 'float64',
	int: 'int64',
	bool: 'bool',
	object: 'map[string]interface {}',
	int_array: '[]int64',
	any: 'interface {}',
};

export const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function goFieldName(jsonName: string): string {
	return jsonName
		.split('_')
		.map((part) =>
			part === 'id' ? 'ID' : part === 'ids' ? 'IDs' : part.charAt(0).toUpperCase() + part.slice(1),
		)
		.join('');
}

function jsKind(value: unknown): string {
	if (Array.isArray(value)) return 'array';
	if (value === null) return 'null';
	if (typeof value === 'object') return 'object';
	return typeof value;
}

function typeMatches(type: FieldType, value: unknown): boolean {
	switch (type) {
		case 'string':
			return typeof value === 'string';
		case 'number':
			return typeof value === 'number' && Number.isFinite(value);
		case 'int':
			return typeof value === 'number' && Number.isInteger(value);
		case 'bool':
			return typeof value === 'boolean';
		case 'object':
			return value !== null && typeof value === 'object' && !Array.isArray(value);
		case 'int_array':
			return (
				Array.isArray(value) && value.every((item) => typeof item === 'number' && Number.isInteger(item))
			);
		case 'any':
			return true;
	}
}

function tagError(struct: string, field: string, tag: string): string {
	const go = goFieldName(field);
	return `Invalid request: Key: '${struct}.${go}' Error:Field validation for '${go}' failed on the '${tag}' tag`;
}

function isEmpty(value: unknown): boolean {
	return value === undefined || value === null || value === '' || value === 0 || value === false;
}

/** Returns an error message (for a 400 without reason) or null when the body is valid. */
export function validate(
	struct: string,
	body: Record<string, any>,
	spec: Record<string, FieldSpec>,
): string | null {
	for (const [field, rule] of Object.entries(spec)) {
		const value = body[field];
		if (value !== undefined && value !== null && !typeMatches(rule.type, value)) {
			return `Invalid request: json: cannot unmarshal ${jsKind(value)} into Go struct field ${struct}.${field} of type ${GO_TYPES[rule.type]}`;
		}
		if (value === null && !rule.nullable && rule.type !== 'any' && rule.required) {
			return tagError(struct, field, 'required');
		}
		if (
			rule.required &&
			isEmpty(value) &&
			!(rule.type === 'object' && value !== undefined && value !== null)
		) {
			return tagError(struct, field, 'required');
		}
		if (value === undefined || value === null) continue;
		if (rule.type === 'string' && value === '' && !rule.required) continue;
		if (rule.oneof && !rule.oneof.includes(String(value))) return tagError(struct, field, 'oneof');
		if (rule.email && !EMAIL_RE.test(String(value))) return tagError(struct, field, 'email');
		const size = typeof value === 'string' ? [...value].length : Array.isArray(value) ? value.length : value;
		if (rule.len !== undefined && size !== rule.len) return tagError(struct, field, 'len');
		if (rule.min !== undefined && typeof size === 'number' && size < rule.min)
			return tagError(struct, field, 'min');
		if (rule.max !== undefined && typeof size === 'number' && size > rule.max)
			return tagError(struct, field, 'max');
		if (rule.gt !== undefined && typeof size === 'number' && !(size > rule.gt))
			return tagError(struct, field, 'gt');
	}
	return null;
}
