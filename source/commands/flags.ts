// Reading parsed flags (meow's output) by name and type.
export type Flags = Record<string, unknown>;

export function flagString(flags: Flags, name: string): string | undefined {
	const v = flags[name];
	return typeof v === 'string' ? v : undefined;
}

export function flagNumber(flags: Flags, name: string): number | undefined {
	const v = flags[name];
	return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}
