// One error type for everything a command can end with: it carries the exit code of CLI.md and,
// for bad input, the field that was wrong. Commands print it; nothing else decides exit codes.

export const EXIT = {
	ok: 0,
	failed: 1,
	usage: 2,
	drift: 3,
	state: 4,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export type CrmErrorKind =
	| 'invalid_input'
	| 'usage'
	| 'not_found'
	| 'state_corrupt'
	| 'state_locked'
	| 'state_newer'
	| 'host_error'
	| 'operation_failed';

export class CrmError extends Error {
	readonly exitCode: ExitCode;
	readonly kind: CrmErrorKind;
	readonly field: string | null;

	constructor(
		kind: CrmErrorKind,
		message: string,
		options: {field?: string | null; exitCode?: ExitCode} = {},
	) {
		super(message);
		this.name = 'CrmError';
		this.kind = kind;
		this.field = options.field ?? null;
		this.exitCode = options.exitCode ?? defaultExit(kind);
	}
}

function defaultExit(kind: CrmErrorKind): ExitCode {
	switch (kind) {
		case 'invalid_input':
		case 'usage':
			return EXIT.usage;
		case 'state_corrupt':
		case 'state_locked':
		case 'state_newer':
			return EXIT.state;
		default:
			return EXIT.failed;
	}
}

/** Bad input: exit 2, naming the field and what to do. */
export function invalidInput(field: string, message: string): CrmError {
	return new CrmError('invalid_input', message, {field});
}
