#!/usr/bin/env node
// Entry point. Kept tiny so `crm --version` and `--help` start fast: every command and the TUI are
// loaded only when they run.
import process from 'node:process';

process.umask(0o077);

type Usage = typeof import('./commands/usage.js');

function parse(meow: typeof import('meow').default, usage: Usage, argv: string[]) {
	const flags = Object.fromEntries(
		Object.entries(usage.FLAGS).map(([key, spec]) => [key, {type: spec.type}]),
	) as {[K in keyof Usage['FLAGS']]: {type: Usage['FLAGS'][K]['type']}};
	return meow(usage.globalUsage(), {
		importMeta: import.meta,
		argv,
		// --help, -h and --version are handled before meow (anywhere on the line, running nothing).
		autoHelp: false,
		autoVersion: false,
		allowUnknownFlags: false,
		flags,
	});
}

/** Prints an exit-2 usage error (the JSON error document too under --json). */
async function usageError(json: boolean, field: string | null, message: string): Promise<number> {
	const {Output} = await import('./commands/output.js');
	const {CrmError} = await import('./lib/errors.js');
	return new Output({json}).fail(new CrmError('usage', message, {field}));
}

/** `--help` / `-h` anywhere: the usage of the command named on the line (or of crm), exit 0. */
async function printHelp(words: string[], json: boolean): Promise<number> {
	const usage = await import('./commands/usage.js');
	const specs = usage.commandsFor(words);
	if (words.length > 0 && specs.length === 0)
		return usageError(json, 'COMMAND', `unknown command "${words[0]!.slice(0, 40)}"; see crm --help`);
	const text = specs.length > 0 ? `\n${usage.commandUsage(specs)}\n` : usage.globalUsage();
	const command = specs.length === 1 ? specs[0]!.name : (words[0] ?? null);
	process.stdout.write(json ? `${JSON.stringify({command, usage: text}, null, 2)}\n` : `${text}\n`);
	return 0;
}

async function printVersion(): Promise<number> {
	const {readFileSync} = await import('node:fs');
	const path = await import('node:path');
	const {packageRoot} = await import('./store/paths.js');
	const pkg = JSON.parse(readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as {version: string};
	process.stdout.write(`${pkg.version}\n`);
	return 0;
}

/**
 * `crm` or `crm --data DIR` on a terminal opens the TUI without loading the flag parser: the first
 * frame is what an operator waits for. Anything else goes through meow.
 */
function tuiDataArg(argv: string[]): string | null | undefined {
	if (argv.length === 0) return null;
	if (argv.length === 2 && argv[0] === '--data' && argv[1] && !argv[1].startsWith('-')) return argv[1];
	if (argv.length === 1 && argv[0]?.startsWith('--data=') && argv[0].length > 7) return argv[0].slice(7);
	return undefined;
}

async function main(): Promise<number> {
	const argv = process.argv.slice(2);
	const tty = Boolean(process.stdin.isTTY && process.stdout.isTTY);
	const fastData = tuiDataArg(argv);
	if (fastData !== undefined && tty) {
		if (fastData !== null) {
			const {checkDataDir, resolveDataDir} = await import('./store/paths.js');
			try {
				checkDataDir(resolveDataDir(fastData), {write: false});
			} catch (error) {
				return usageError(false, '--data', (error as Error).message);
			}
		}
		const {runTui} = await import('./ui/run.js');
		return runTui({data: fastData ?? undefined});
	}
	const {scanArgv} = await import('./commands/argv.js');
	const scan = scanArgv(argv);
	if (scan.help) return printHelp(scan.words, scan.json);
	if (scan.version) return printVersion();
	if (scan.problem) return usageError(scan.json, scan.problem.flag, scan.problem.message);
	let cli: ReturnType<typeof parse>;
	try {
		cli = parse((await import('meow')).default, await import('./commands/usage.js'), scan.argv);
	} catch (error) {
		// meow throws (a stack trace, exit 1) for a flag given twice: that is bad input, exit 2 naming it.
		const message = error instanceof Error ? error.message : String(error);
		return usageError(scan.json, /--[\w-]+/.exec(message)?.[0] ?? null, message);
	}
	const [command, ...rest] = cli.input;
	if (!command) {
		if (tty) {
			const {runTui} = await import('./ui/run.js');
			return runTui({data: cli.flags.data});
		}
		process.stderr.write('crm: no command and no terminal for the TUI; see crm --help\n');
		return 2;
	}
	const {dispatch} = await import('./commands/dispatch.js');
	return dispatch(command, rest, cli.flags);
}

main().then(
	(code) => {
		process.exitCode = code;
	},
	(error: unknown) => {
		process.exitCode = 1;
		// Even a crash prints nothing the secret registry knows (loaded only now: start-up stays lean).
		const text = `crm: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`;
		void import('./lib/secrets.js').then(
			({redactText}) => process.stderr.write(redactText(text)),
			() => process.stderr.write('crm: unexpected error\n'),
		);
	},
);
