// Strings that came from a host or an upstream are printed and drawn without terminal control
// characters (docs/domain.md, "Secrets have one home"): a host name, an error message, a model id or a
// chat reply could otherwise move the cursor, clear the screen, set the window title or hide text.
// strip-ansi (already under Ink) knows the whole escape-sequence grammar (CSI, OSC with BEL or ST,
// DCS, 8-bit introducers), so a sequence goes as a whole rather than leaving its printable tail.
import stripAnsi from 'strip-ansi';

// C0 controls but tab and newline, DEL, C1 controls, and the bidirectional overrides and isolates
// (they reorder what follows on the line). Built from code points so the source holds none of them.
const range = (from: number, to: number) => `\\u${hex(from)}-\\u${hex(to)}`;
const hex = (n: number) => n.toString(16).padStart(4, '0');
const CONTROLS = new RegExp(
	`[${range(0, 8)}${range(11, 31)}${range(0x7f, 0x9f)}${range(0x202a, 0x202e)}${range(0x2066, 0x2069)}]`,
	'g',
);

/** Text safe to print on a terminal: escape sequences and control characters removed (tab and newline kept). */
export function safeText(text: string): string {
	return stripAnsi(text).replace(CONTROLS, '');
}
