// A first pass over the command line, before meow parses it (docs/cli.md): it finds `--help` / `-h`
// / `--version` anywhere (they run nothing), the command words, and any flag crm does not know or
// that would carry a secret as its value. Only flag NAMES are ever reported: a value never is
// (`--foo=secret` names `--foo`). Values are recognised the way meow's parser reads them, from the
// table of flag types, so a flag's value is never mistaken for a command word.
import {FLAGS, SECRET_FLAGS, type FlagSpec} from './usage.js';

export interface ArgvProblem {
	/** The flag as it was written, without any value. */
	flag: string;
	message: string;
}

export interface ArgvScan {
	/** Words that are not flags nor flag values: the command, its sub-command and arguments. */
	words: string[];
	help: boolean;
	version: boolean;
	json: boolean;
	problem: ArgvProblem | null;
	/** The command line for meow: `--flag -` joined as `--flag=-` (meow would drop a lone dash). */
	argv: string[];
}

const camel = (name: string) => name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
const NEGATIVE_NUMBER = /^-(?:\d+|\d*\.\d+)(?:e[+-]?\d+)?$/i;

function lookup(name: string): FlagSpec | undefined {
	const key = camel(name);
	return Object.hasOwn(FLAGS, key) ? (FLAGS as Record<string, FlagSpec>)[key] : undefined;
}

/** A flag's name made safe to print: letters, digits and dashes only, bounded. */
function shownName(raw: string): string {
	const clean = raw.replace(/[^A-Za-z0-9-]/g, '?');
	return clean.length > 40 ? `${clean.slice(0, 40)}…` : clean;
}

function unknownFlag(raw: string): ArgvProblem {
	const flag = shownName(raw);
	const pointer = SECRET_FLAGS[flag.toLowerCase()];
	if (pointer)
		return {
			flag,
			message: `${flag} would put a secret on the command line (shell history, the process list); give it with ${pointer} instead`,
		};
	return {flag, message: `unknown flag ${flag}; see crm --help (or crm <command> --help)`};
}

export function scanArgv(argv: string[]): ArgvScan {
	const out: ArgvScan = {words: [], help: false, version: false, json: false, problem: null, argv: []};
	const note = (p: ArgvProblem) => {
		out.problem ??= p;
	};
	for (let i = 0; i < argv.length; i++) {
		const token = argv[i]!;
		if (token === '--') {
			for (const rest of argv.slice(i)) out.argv.push(rest);
			for (const rest of argv.slice(i + 1)) out.words.push(rest);
			break;
		}
		out.argv.push(token);
		if (token === '-h') {
			out.help = true;
			continue;
		}
		if (!token.startsWith('-') || token === '-' || NEGATIVE_NUMBER.test(token)) {
			out.words.push(token);
			continue;
		}
		if (!token.startsWith('--')) {
			note(unknownFlag(token.slice(0, 2)));
			continue;
		}
		const eq = token.indexOf('=');
		const name = token.slice(2, eq < 0 ? undefined : eq);
		if (name === 'help') {
			out.help = true;
			continue;
		}
		if (name === 'version') {
			out.version = true;
			continue;
		}
		let spec = lookup(name);
		if (!spec && name.startsWith('no-')) {
			const negated = lookup(name.slice(3));
			if (negated?.type === 'boolean') spec = negated;
		}
		if (!spec) {
			note(unknownFlag(`--${name}`));
			continue;
		}
		if (camel(name) === 'json' && eq < 0) out.json = true;
		if (spec.type === 'boolean' || eq >= 0) continue;
		const next = argv[i + 1];
		if (next === undefined) continue;
		if (next === '-') {
			out.argv[out.argv.length - 1] = `${token}=-`;
			i += 1;
		} else if (!next.startsWith('-') || (spec.type === 'number' && NEGATIVE_NUMBER.test(next))) {
			out.argv.push(next);
			i += 1;
		}
	}
	return out;
}
