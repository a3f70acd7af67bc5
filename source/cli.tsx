#!/usr/bin/env node
// Entry point. Kept tiny so `crm --version` and `--help` start fast: every command and the TUI are
// loaded only when they run.
import process from 'node:process';

process.umask(0o077);

const help = `
  Usage
    $ crm                      the TUI (on a terminal)
    $ crm <command> [options]

  Commands
    sandbox                    start the built-in sub2api-compatible sandbox host (127.0.0.1)
    host add|list|show|remove  register and inspect sub2api hosts
    host set HOST              change a host's gateway address, cleartext permission, auto-pause
    packs                      list provider packs
    import                     import a provider into a host and prove a user can call it
    import-batch               import a file of url,key pairs
    batches                    list import batches
    batch show BATCH           one batch with steps, resources and reconcile runs
    status                     per host and provider: latest batch, access status, last reconcile
    resources --host HOST      every resource the tool recorded on a host (active, deleted, unknown)
    reconcile                  compare recorded resources with the host (drift)
    rollback                   delete exactly a batch's recorded resources (--batch BATCH), or every
                               batch of one provider (--host HOST --pack PACK [--url URL])
    repair                     re-run access closure and smoke for a drifted batch
    smoke --batch BATCH        run a batch's access smoke again and record it
    accept                     fresh-host acceptance run with numbered evidence
    evidence list|keep|archive|export
    matrix                     provider validation matrix

  Global options
    --data DIR                 state folder (env CRM_DATA_DIR; default data/ beside package.json)
    --json                     one JSON document on stdout; progress goes to stderr
    --help, --version

  Exit codes
    0 ok · 1 operation failed · 2 invalid input · 3 drift found · 4 state problem

  Secrets are never flag values: --key-env VAR | --key-file FILE | --key-stdin (provider key);
  --admin-key-env VAR | --admin-key-file FILE | --email E --password-env VAR (admin credential);
  --totp-env VAR (2FA / step-up code).
`;

const str = {type: 'string'} as const;
const num = {type: 'number'} as const;
const bool = {type: 'boolean'} as const;

function parse(meow: typeof import('meow').default) {
	return meow(help, {
		importMeta: import.meta,
		allowUnknownFlags: false,
		flags: {
			data: str,
			json: bool,
			// hosts
			name: str,
			url: str,
			adminKeyEnv: str,
			adminKeyFile: str,
			email: str,
			passwordEnv: str,
			totpEnv: str,
			acceptCompliance: bool,
			prefix: str,
			userDomain: str,
			gatewayUrl: str,
			allowInsecureHttp: bool,
			autoPause: str,
			pauseAfter: num,
			// import
			host: str,
			pack: str,
			keyEnv: str,
			keyFile: str,
			keyStdin: bool,
			access: str,
			smokeModel: str,
			user: str,
			userPasswordEnv: str,
			continueOnUpstreamFailure: bool,
			force: bool,
			batch: str,
			dryRun: bool,
			yes: bool,
			file: str,
			concurrency: num,
			skipInvalid: bool,
			out: str,
			// sandbox
			port: num,
			profile: str,
			latencyMs: num,
			// waits and retries
			timeoutS: num,
			smokeRetryS: num,
			lockWaitS: num,
			upstreamRetryS: num,
		},
	});
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
	const tty = Boolean(process.stdin.isTTY && process.stdout.isTTY);
	const fastData = tuiDataArg(process.argv.slice(2));
	if (fastData !== undefined && tty) {
		const {runTui} = await import('./ui/run.js');
		return runTui({data: fastData ?? undefined});
	}
	let cli: ReturnType<typeof parse>;
	try {
		cli = parse((await import('meow')).default);
	} catch (error) {
		// meow throws (a stack trace, exit 1) for a flag given twice: that is bad input, exit 2 naming it.
		const message = error instanceof Error ? error.message : String(error);
		const field = /--[\w-]+/.exec(message)?.[0] ?? null;
		if (process.argv.includes('--json'))
			process.stdout.write(
				`${JSON.stringify({error: {exit_code: 2, kind: 'usage', field, message}}, null, 2)}\n`,
			);
		process.stderr.write(`error${field ? ` (${field})` : ''}: ${message}\n`);
		return 2;
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
		process.stderr.write(
			`crm: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
		);
		process.exitCode = 1;
	},
);
