// How non-interactive commands speak: with --json one JSON document on stdout and nothing else there;
// progress, warnings and human text on stderr (or stdout for human results). Never mounts Ink.
import {CrmError, EXIT, type ExitCode} from '../lib/errors.js';
import {scrub} from '../lib/secrets.js';

export interface OutputOptions {
	json: boolean;
	stdout?: NodeJS.WritableStream;
	stderr?: NodeJS.WritableStream;
	/** Secrets this run knows about; scrubbed from anything printed. */
	secrets?: string[];
}

const colorOn = () => !process.env.NO_COLOR && Boolean((process.stderr as {isTTY?: boolean}).isTTY);

export class Output {
	readonly json: boolean;
	private readonly out: NodeJS.WritableStream;
	private readonly err: NodeJS.WritableStream;
	readonly secrets: string[];

	constructor(options: OutputOptions) {
		this.json = options.json;
		this.out = options.stdout ?? process.stdout;
		this.err = options.stderr ?? process.stderr;
		this.secrets = options.secrets ?? [];
	}

	private clean(text: string): string {
		return scrub(text, this.secrets);
	}

	/** Progress and warnings: always stderr. */
	note(text: string): void {
		this.err.write(this.clean(text) + '\n');
	}

	warn(text: string): void {
		this.note(paint('yellow', 'warning: ') + printable(this.clean(text)));
	}

	/** The command's result: JSON document in --json mode, else the human rendering. */
	result(data: unknown, human: () => string): void {
		if (this.json) this.out.write(this.clean(JSON.stringify(data, null, 2)) + '\n');
		else this.out.write(this.clean(human()) + '\n');
	}

	/** Prints an error the CLI.md way and returns its exit code. */
	fail(error: unknown): ExitCode {
		const crm = toCrmError(error);
		if (this.json) {
			const doc = {
				error: {exit_code: crm.exitCode, kind: crm.kind, field: crm.field, message: crm.message},
			};
			this.out.write(this.clean(JSON.stringify(doc, null, 2)) + '\n');
		}
		const where = crm.field ? ` (${printable(crm.field)})` : '';
		this.err.write(`${paint('red', 'error')}${where}: ${printable(this.clean(crm.message))}\n`);
		return crm.exitCode;
	}
}

// C0 controls but newline and tab, and DEL; built from code points so the source holds none.
const code = (n: number) => String.fromCharCode(n);
const UNPRINTABLE = new RegExp(`[${code(0)}-${code(8)}${code(11)}-${code(31)}${code(127)}]`, 'g');

/**
 * Text that may quote what the operator typed, made safe for a terminal: control characters other
 * than newline and tab are shown escaped (a value can carry an escape sequence), and the length is
 * capped.
 */
export function printable(text: string, max = 1000): string {
	const escaped = text.replace(UNPRINTABLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
	return escaped.length > max ? `${escaped.slice(0, max)}…` : escaped;
}

export function paint(color: 'red' | 'yellow' | 'green' | 'dim' | 'bold', text: string): string {
	if (!colorOn()) return text;
	const codes = {red: 31, yellow: 33, green: 32, dim: 2, bold: 1} as const;
	return `\u001B[${codes[color]}m${text}\u001B[0m`;
}

/** Anything thrown becomes a CrmError; host errors keep their message and count as a failed operation. */
export function toCrmError(error: unknown): CrmError {
	if (error instanceof CrmError) return error;
	if (error && typeof error === 'object' && 'kind' in error && error instanceof Error) {
		return new CrmError('host_error', error.message, {exitCode: EXIT.failed});
	}
	const message = error instanceof Error ? error.message : String(error);
	return new CrmError('operation_failed', message, {exitCode: EXIT.failed});
}

/** Renders rows as an aligned text table for human output. */
export function table(headers: string[], rows: Array<Array<string | number | null>>): string {
	const cells = [headers, ...rows.map((r) => r.map((c) => (c === null ? '-' : String(c))))];
	// A reduce, not Math.max(...cells): spreading 100,000 rows into one call overflows the stack.
	const widths = headers.map((_, i) => cells.reduce((w, r) => Math.max(w, (r[i] ?? '').length), 0));
	return cells
		.map((r) =>
			r
				.map((c, i) => (c ?? '').padEnd(widths[i] ?? 0))
				.join('  ')
				.trimEnd(),
		)
		.join('\n');
}
