// The command line (docs/cli.md): `--help` / `-h` / `--version` anywhere (they run nothing), the
// command words, every flag's value by the table of flag types (so a value is never mistaken for a
// command word), and any flag crm does not know, that is given twice, or that would carry a secret as
// its value. Only flag NAMES are ever reported: a value never is (`--foo=secret` names `--foo`).
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
	/**
	 * The flags by their camelCase key (`--admin-key-env` is `adminKeyEnv`): a string flag's value
	 * (empty when none follows), a number flag's (NaN when it is not a number: refused by the
	 * command), a boolean's (`--no-json`: false); every boolean flag not given is false.
	 */
	flags: Record<string, unknown>;
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

/** A flag's value as its type reads it; a boolean given `=yes` or the like is a problem. */
function flagValue(spec: FlagSpec, name: string, raw: string | undefined, negated: boolean): unknown {
	if (spec.type === 'boolean') {
		if (negated) return false;
		if (raw === undefined || raw === 'true') return true;
		if (raw === 'false') return false;
		return {
			problem: {
				flag: shownName(`--${name}`),
				message: `--${shownName(name)} takes no value (true or false at most)`,
			},
		};
	}
	if (spec.type === 'number') return raw === undefined || raw.trim() === '' ? Number.NaN : Number(raw);
	return raw ?? '';
}

/**
 * The one pass over the command line: crm's flags are a fixed table of names and types, so the
 * pass that finds unknown flags also reads every value, and no flag-parser module is loaded (meow
 * and its bundled dependencies cost ~60 ms of CPU on every command, docs/benchmarks.md; Node 20's
 * util.parseArgs reads no number flags nor `--no-` negations).
 */
export function scanArgv(argv: string[]): ArgvScan {
	const out: ArgvScan = {words: [], help: false, version: false, json: false, problem: null, flags: {}};
	const note = (p: ArgvProblem) => {
		out.problem ??= p;
	};
	const set = (spec: FlagSpec, name: string, raw: string | undefined, negated: boolean) => {
		const key = camel(negated ? name.slice(3) : name);
		if (Object.hasOwn(out.flags, key)) {
			note({flag: shownName(`--${name}`), message: `--${shownName(name)} is given twice; give it once`});
			return;
		}
		const value = flagValue(spec, name, raw, negated);
		if (value && typeof value === 'object' && 'problem' in value)
			note((value as {problem: ArgvProblem}).problem);
		else out.flags[key] = value;
	};
	for (let i = 0; i < argv.length; i++) {
		const token = argv[i]!;
		if (token === '--') {
			for (const rest of argv.slice(i + 1)) out.words.push(rest);
			break;
		}
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
		let negated = false;
		if (!spec && name.startsWith('no-')) {
			const positive = lookup(name.slice(3));
			if (positive?.type === 'boolean') [spec, negated] = [positive, true];
		}
		if (!spec) {
			note(unknownFlag(`--${name}`));
			continue;
		}
		if (camel(name) === 'json' && eq < 0) out.json = true;
		if (spec.type === 'boolean' || eq >= 0) {
			set(spec, name, eq < 0 ? undefined : token.slice(eq + 1), negated);
			continue;
		}
		const next = argv[i + 1];
		if (
			next !== undefined &&
			(next === '-' || !next.startsWith('-') || (spec.type === 'number' && NEGATIVE_NUMBER.test(next)))
		) {
			set(spec, name, next, false);
			i += 1;
		} else set(spec, name, undefined, false);
	}
	for (const [key, spec] of Object.entries(FLAGS as Record<string, FlagSpec>)) {
		if (spec.type === 'boolean' && !Object.hasOwn(out.flags, key)) out.flags[key] = false;
	}
	return out;
}
