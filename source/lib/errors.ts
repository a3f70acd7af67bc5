// One error type for everything an operation can end with: it carries the exit code (docs/cli.md
// "Exit codes") and, for bad input, the field that was wrong. The field is the input's own name
// (`url`, `key`, `host`, `batch`); each view says it in its own words (the CLI its flag, the TUI its
// label and stage), so a message about a field is a phrase that takes the view's name for it
// (docs/architecture.md "Input errors"). Views print it; nothing else decides exit codes.

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

/** A message about a field, given the name a view calls that field by. */
export type Phrase = (name: string) => string;

export class CrmError extends Error {
	readonly exitCode: ExitCode;
	readonly kind: CrmErrorKind;
	readonly field: string | null;
	private readonly phrase: Phrase | null;

	/** `message` as a phrase: rendered with the field's own name until a view names it otherwise. */
	constructor(
		kind: CrmErrorKind,
		message: string | Phrase,
		options: {field?: string | null; exitCode?: ExitCode} = {},
	) {
		const field = options.field ?? null;
		super(typeof message === 'string' ? message : message(field ?? 'the input'));
		this.name = 'CrmError';
		this.kind = kind;
		this.field = field;
		this.phrase = typeof message === 'string' ? null : message;
		this.exitCode = options.exitCode ?? defaultExit(kind);
	}

	/** The message with the field called `name` (a CLI flag, a TUI label). */
	messageAs(name: string): string {
		return this.phrase ? this.phrase(name) : this.message;
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
export function invalidInput(field: string, message: string | Phrase): CrmError {
	return new CrmError('invalid_input', message, {field});
}
