// How non-interactive commands speak: with --json one JSON document on stdout and nothing else there;
// progress, warnings and human text on stderr (or stdout for human results). Never mounts Ink.
// Every byte goes through the process's one secret registry (lib/secrets: objects are redacted before
// they are serialised) and, for text, through safeText(): a host's or an upstream's strings reach the
// terminal without control characters (docs/domain.md). The tool's own colours survive as markers
// (paint) that become escape sequences only after that.
import {CrmError, EXIT, type ExitCode} from '../lib/errors.js';
import {safeText} from '../lib/safe-text.js';
import {redactText, redactValue} from '../lib/secrets.js';
import {FLAG_OF} from './fields.js';

export interface OutputOptions {
	json: boolean;
	stdout?: NodeJS.WritableStream;
	stderr?: NodeJS.WritableStream;
}

const colorOn = () => !process.env.NO_COLOR && Boolean((process.stderr as {isTTY?: boolean}).isTTY);

export class Output {
	readonly json: boolean;
	private readonly out: NodeJS.WritableStream;
	private readonly err: NodeJS.WritableStream;
	/** This command's words for fields where they differ from FLAG_OF (a positional HOST, --key-file). */
	readonly fields: Record<string, string> = {};

	constructor(options: OutputOptions) {
		this.json = options.json;
		this.out = options.stdout ?? process.stdout;
		this.err = options.stderr ?? process.stderr;
	}

	/** Progress and warnings: always stderr. */
	note(text: string): void {
		this.err.write(terminalText(text) + '\n');
	}

	warn(text: string): void {
		this.note(paint('yellow', 'warning: ') + printable(redactText(text)));
	}

	/** The command's result: JSON document in --json mode, else the human rendering. */
	result(data: unknown, human: () => string): void {
		if (this.json) this.out.write(jsonText(data) + '\n');
		else this.out.write(terminalText(human()) + '\n');
	}

	/** The CLI's name for a field an operation named. */
	fieldName(field: string): string {
		return this.fields[field] ?? FLAG_OF[field] ?? field;
	}

	/** Prints an error (docs/cli.md "Errors"), the field in the CLI's words, and returns its exit code. */
	fail(error: unknown): ExitCode {
		const crm = toCrmError(error);
		const field = crm.field === null ? null : this.fieldName(crm.field);
		const message = field === null ? crm.message : crm.messageAs(field);
		if (this.json) {
			const doc = {error: {exit_code: crm.exitCode, kind: crm.kind, field, message}};
			this.out.write(jsonText(doc) + '\n');
		}
		const where = field ? ` (${printable(field)})` : '';
		// Redacted before printable() caps the length: a cut must not leave half a secret.
		this.err.write(
			terminalText(`${paint('red', 'error')}${where}: ${printable(redactText(message))}`) + '\n',
		);
		return crm.exitCode;
	}
}

/**
 * A JSON document for stdout: every string and field name redacted before it is serialised (the
 * text then holds no secret in any form, JSON-escaped included). JSON escapes C0 controls itself;
 * DEL and the C1 controls it leaves raw are escaped here.
 */
export function jsonText(data: unknown): string {
	return JSON.stringify(redactValue(data), null, 2).replace(
		UNESCAPED_BY_JSON,
		(c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
	);
}

/** Text for a terminal: control characters stripped, every known secret redacted, then the colours. */
export function terminalText(text: string): string {
	const clean = redactText(safeText(text));
	const on = colorOn();
	return clean.replace(COLOR_MARK, (m) => (on ? (SGR[m] ?? '') : ''));
}

// C0 controls but newline and tab, and DEL; built from code points so the source holds none.
const code = (n: number) => String.fromCharCode(n);
const UNPRINTABLE = new RegExp(`[${code(0)}-${code(8)}${code(11)}-${code(31)}${code(127)}]`, 'g');
const UNESCAPED_BY_JSON = new RegExp(`[${code(0x7f)}-${code(0x9f)}]`, 'g');

/**
 * Text that may quote what the operator typed, made safe for a terminal: control characters other
 * than newline and tab are shown escaped (a value can carry an escape sequence), and the length is
 * capped.
 */
export function printable(text: string, max = 1000): string {
	const escaped = text.replace(UNPRINTABLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
	return escaped.length > max ? `${escaped.slice(0, max)}…` : escaped;
}

// Colour markers: private-use characters that no escape-sequence stripper touches; terminalText()
// turns them into SGR sequences (or nothing, without colour) after the text was made safe.
const COLORS = {red: 31, yellow: 33, green: 32, dim: 2, bold: 1} as const;
const MARK: Record<keyof typeof COLORS | 'reset', string> = {
	reset: '\uE000',
	red: '\uE001',
	yellow: '\uE002',
	green: '\uE003',
	dim: '\uE004',
	bold: '\uE005',
};
const SGR: Record<string, string> = Object.fromEntries([
	[MARK.reset, '\u001B[0m'],
	...Object.entries(COLORS).map(([name, n]) => [MARK[name as keyof typeof COLORS], `\u001B[${n}m`]),
]);
const COLOR_MARK = /[\uE000-\uE005]/g;

/** Colours a piece of output; only text written through Output shows it (as colour, or plainly). */
export function paint(color: keyof typeof COLORS, text: string): string {
	return `${MARK[color]}${text}${MARK.reset}`;
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
	// Cells are made safe before widths are measured: a host's name may carry control characters.
	const cells = [headers, ...rows.map((r) => r.map((c) => (c === null ? '-' : safeText(String(c)))))];
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
