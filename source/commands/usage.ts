// The one table of commands and flags: the flag parser's types, `crm --help`, every `crm <command>
// --help` and the unknown-flag check are all made from it (docs/cli.md can be generated from it too).
// It imports nothing, so `--help` loads no command and runs nothing.

export type FlagType = 'string' | 'number' | 'boolean';

export interface FlagSpec {
	type: FlagType;
	/** The value's placeholder in usage text (string and number flags). */
	value?: string;
	help: string;
}

/** Every flag, by the camelCase key meow gives it (`--admin-key-env` is `adminKeyEnv`). */
export const FLAGS = {
	data: {
		type: 'string',
		value: 'DIR',
		help: 'state folder (env CRM_DATA_DIR; default data/ beside package.json)',
	},
	json: {type: 'boolean', help: 'one JSON document on stdout; progress goes to stderr'},
	// hosts
	name: {type: 'string', value: 'NAME', help: "the host's name in this data folder"},
	url: {type: 'string', value: 'URL', help: "the host's admin URL (host add) or the provider's base URL"},
	adminKeyEnv: {type: 'string', value: 'VAR', help: 'environment variable holding the admin API key'},
	adminKeyFile: {type: 'string', value: 'FILE', help: 'file holding the admin API key (chmod 600)'},
	email: {type: 'string', value: 'EMAIL', help: 'admin email, to log in with --password-env'},
	passwordEnv: {type: 'string', value: 'VAR', help: "environment variable holding the admin's password"},
	totpEnv: {
		type: 'string',
		value: 'VAR',
		help: 'environment variable holding the current 2FA / step-up code',
	},
	acceptCompliance: {type: 'boolean', help: "accept the host's compliance acknowledgement (shown first)"},
	prefix: {type: 'string', value: 'P', help: 'name prefix of the resources made on this host (default crm-)'},
	userDomain: {
		type: 'string',
		value: 'D',
		help: 'email domain of the users made on this host (default crm.invalid)',
	},
	gatewayUrl: {
		type: 'string',
		value: 'URL',
		help: 'the address users call (default: the admin URL); the smoke goes through it',
	},
	allowInsecureHttp: {
		type: 'boolean',
		help: 'allow cleartext http:// to this host although it is not this machine',
	},
	// import
	host: {type: 'string', value: 'HOST', help: 'a host id or name (see crm host list)'},
	pack: {type: 'string', value: 'PACK', help: 'a provider pack id (see crm packs)'},
	keyEnv: {type: 'string', value: 'VAR', help: 'environment variable holding the provider key'},
	keyFile: {type: 'string', value: 'FILE', help: 'file holding the provider key (chmod 600)'},
	keyStdin: {type: 'boolean', help: 'read the provider key from standard input'},
	access: {type: 'string', value: 'MODE', help: 'self_service or subscription (default: the pack says)'},
	smokeModel: {type: 'string', value: 'MODEL', help: 'the model the access smoke calls'},
	user: {type: 'string', value: 'EMAIL', help: 'use this existing user instead of making one'},
	userPasswordEnv: {type: 'string', value: 'VAR', help: 'environment variable holding that user’s password'},
	continueOnUpstreamFailure: {type: 'boolean', help: 'import even when the upstream probe fails'},
	force: {type: 'boolean', help: 'go on where crm would stop (see the command)'},
	batch: {type: 'string', value: 'BATCH', help: 'a batch id (see crm batches)'},
	dryRun: {type: 'boolean', help: 'show the plan; change nothing'},
	delete: {type: 'boolean', help: 'delete what the list shows as deletable (with --yes)'},
	yes: {type: 'boolean', help: 'confirm a change on the host'},
	file: {
		type: 'string',
		value: 'FILE',
		help: 'a file of url,key[,pack[,access[,smoke_model]]] lines (- for stdin)',
	},
	concurrency: {
		type: 'number',
		value: 'N',
		help: 'rows imported at a time (import-batch, 1 to 32) or checks at once per host (watch, 1 to 64); default 4',
	},
	keepKey: {
		type: 'boolean',
		help: 'keep the provider key in state.json (balance reads, direct health checks)',
	},
	skipInvalid: {type: 'boolean', help: 'import the valid lines and report the others'},
	out: {type: 'string', value: 'FILE', help: 'where to write (a new file)'},
	type: {type: 'string', value: 'TYPE', help: 'a resource type: group, account, user, api_key, subscription'},
	id: {type: 'string', value: 'ID', help: "the resource's id on the host"},
	// health, alerts, auto-pause
	once: {type: 'boolean', help: 'one pass, then exit: 0 when every check is ok, else 1'},
	intervalS: {
		type: 'number',
		value: 'S',
		help: "seconds between two checks of a provider, 10 to 86400 (default 900, or the pack's)",
	},
	brokenAfter: {
		type: 'number',
		value: 'N',
		help: 'failed checks in a row after which a provider reads broken (default 3)',
	},
	autoPause: {
		type: 'string',
		value: 'on|off',
		help: 'pause the accounts crm made after quota/auth failures in a row',
	},
	pauseAfter: {
		type: 'number',
		value: 'N',
		help: 'quota/auth failures in a row before auto-pause (1 to 100, default 3)',
	},
	webhookUrlEnv: {type: 'string', value: 'VAR', help: 'environment variable holding the alerts webhook URL'},
	format: {type: 'string', value: 'F', help: 'the webhook body: generic, feishu, dingtalk or slack'},
	minBalance: {type: 'number', value: 'N', help: 'a balance under this reads degraded and raises one alert'},
	// sandbox
	port: {type: 'number', value: 'N', help: 'port of the sandbox host (0 picks a free one)'},
	profile: {type: 'string', value: 'P', help: 'recent, old or gated'},
	latencyMs: {type: 'number', value: 'N', help: 'added latency per request, 0 to 60000'},
	// serve
	listen: {
		type: 'string',
		value: 'ADDR:PORT',
		help: 'where the service listens (default 127.0.0.1:18100; port 0 picks a free one)',
	},
	allowRemote: {type: 'boolean', help: 'allow a --listen address other than loopback'},
	tokenFile: {
		type: 'string',
		value: 'FILE',
		help: 'the service token file (default DATA/serve.token, made 0600)',
	},
	watch: {type: 'boolean', help: 'run the health loop inside the service'},
	// waits and retries
	timeoutS: {type: 'number', value: 'S', help: 'seconds per request (env CRM_TIMEOUT_S)'},
	smokeRetryS: {type: 'number', value: 'S', help: 'warm-up window of the smoke (env CRM_SMOKE_RETRY_S)'},
	lockWaitS: {
		type: 'number',
		value: 'S',
		help: 'wait this long for the data folder lock (env CRM_LOCK_WAIT_S)',
	},
	upstreamRetryS: {
		type: 'number',
		value: 'S',
		help: "window for waiting out a provider's plain 429 (env CRM_UPSTREAM_RETRY_S, default 30)",
	},
} as const satisfies Record<string, FlagSpec>;

export type FlagKey = keyof typeof FLAGS;

/** `adminKeyEnv` -> `--admin-key-env`. */
export function flagName(key: string): string {
	return `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/**
 * Flags that would carry a secret as a plain value (it would land in shell history and the process
 * list): refused, pointing at the way crm takes that secret.
 */
export const SECRET_FLAGS: Record<string, string> = {
	'--key': '--key-env VAR, --key-file FILE or --key-stdin',
	'--api-key': '--key-env VAR, --key-file FILE or --key-stdin',
	'--provider-key': '--key-env VAR, --key-file FILE or --key-stdin',
	'--admin-key': '--admin-key-env VAR or --admin-key-file FILE',
	'--admin-api-key': '--admin-key-env VAR or --admin-key-file FILE',
	'--password': '--password-env VAR',
	'--admin-password': '--password-env VAR',
	'--user-password': '--user-password-env VAR',
	'--totp': '--totp-env VAR',
	'--token': '--token-file FILE',
	'--webhook-url': '--webhook-url-env VAR',
};

const COMMON: FlagKey[] = ['data', 'json'];
const WAITS: FlagKey[] = ['timeoutS', 'lockWaitS'];
const OPERATOR: FlagKey[] = ['totpEnv', 'acceptCompliance'];

export interface CommandSpec {
	/** The words that name it: `host add`, `evidence export`. */
	name: string;
	/** What follows the name in the synopsis. */
	synopsis: string;
	summary: string;
	flags: FlagKey[];
	/** Extra lines (what it changes, exit codes of note). */
	notes?: string[];
}

export const COMMANDS: CommandSpec[] = [
	{
		name: 'sandbox',
		synopsis: '[--port N] [--profile recent|old|gated] [--latency-ms N]',
		summary: 'start the built-in sub2api-compatible sandbox host (127.0.0.1)',
		flags: ['port', 'profile', 'latencyMs', 'json'],
		notes: ['prints one JSON line with its URLs and credentials, serves until Ctrl-C'],
	},
	{
		name: 'host add',
		synopsis:
			'--name NAME --url URL (--admin-key-env VAR | --admin-key-file FILE | --email E --password-env VAR)',
		summary: 'probe a sub2api host (reads only) and register it with its admin credential',
		flags: [
			'name',
			'url',
			'adminKeyEnv',
			'adminKeyFile',
			'email',
			'passwordEnv',
			'prefix',
			'userDomain',
			'gatewayUrl',
			'allowInsecureHttp',
			...OPERATOR,
			...WAITS,
			...COMMON,
		],
		notes: [
			'cleartext http:// to an address that is not this machine is refused unless --allow-insecure-http',
			'env CRM_HOST_BASE overrides a host’s admin URL for one run (every command)',
		],
	},
	{
		name: 'host list',
		synopsis: '',
		summary: 'the registered hosts',
		flags: COMMON,
	},
	{
		name: 'host show',
		synopsis: 'HOST',
		summary: 'one host: URL, version, naming, capabilities',
		flags: COMMON,
	},
	{
		name: 'host set',
		synopsis: 'HOST [--gateway-url URL] [--allow-insecure-http] [--auto-pause on|off] [--pause-after N]',
		summary: "change a host's gateway address, cleartext permission or auto-pause of the accounts crm made",
		flags: ['gatewayUrl', 'allowInsecureHttp', 'autoPause', 'pauseAfter', 'lockWaitS', ...COMMON],
		notes: ['--gateway-url with the admin URL itself: back to the default'],
	},
	{
		name: 'host remove',
		synopsis: 'HOST [--force]',
		summary: 'forget a host (its resources stay on the host)',
		flags: ['force', 'lockWaitS', ...COMMON],
		notes: ['--force: forget it even though batches still record resources on it'],
	},
	{
		name: 'packs',
		synopsis: '',
		summary: 'list provider packs (env CRM_PACKS_DIR: another packs folder)',
		flags: COMMON,
	},
	{
		name: 'import',
		synopsis: '--host HOST --pack PACK [--url URL] (--key-env VAR | --key-file FILE | --key-stdin)',
		summary: 'import a provider into a host and prove a user can call it',
		flags: [
			'host',
			'pack',
			'url',
			'keyEnv',
			'keyFile',
			'keyStdin',
			'access',
			'smokeModel',
			'user',
			'userPasswordEnv',
			'continueOnUpstreamFailure',
			'force',
			'keepKey',
			...OPERATOR,
			'smokeRetryS',
			'upstreamRetryS',
			...WAITS,
			...COMMON,
		],
		notes: ['--force: import again although this provider is already imported on the host'],
	},
	{
		name: 'import-batch',
		synopsis: '--host HOST --file FILE [--concurrency N] [--skip-invalid]',
		summary: 'import a file of url,key[,pack[,access[,smoke_model]]] lines (at most 5 MiB and 10,000 lines)',
		flags: [
			'host',
			'file',
			'concurrency',
			'skipInvalid',
			...OPERATOR,
			'smokeRetryS',
			'upstreamRetryS',
			...WAITS,
			...COMMON,
		],
	},
	{
		name: 'batches',
		synopsis: '[--host HOST]',
		summary: 'list import batches, newest first',
		flags: ['host', ...COMMON],
	},
	{
		name: 'batch-runs',
		synopsis: '[--host HOST]',
		summary: 'past import-batch runs, newest first (reads only)',
		flags: ['host', ...COMMON],
	},
	{
		name: 'batch-run show',
		synopsis: 'RUN',
		summary: 'the document an import-batch run printed (its table)',
		flags: COMMON,
	},
	{
		name: 'batch show',
		synopsis: 'BATCH',
		summary: 'one batch with steps, resources and reconcile runs',
		flags: COMMON,
	},
	{
		name: 'status',
		synopsis: '[--host HOST]',
		summary: 'per host and provider: latest batch, access status, last reconcile',
		flags: ['host', ...COMMON],
	},
	{
		name: 'resources',
		synopsis: '--host HOST',
		summary: 'every resource the tool recorded on a host: active, deleted or unknown (reads only)',
		flags: ['host', ...COMMON],
	},
	{
		name: 'residue',
		synopsis: '--host HOST [--delete --yes]',
		summary: "what looks like the tool's on the host but has no live record, with age and reason",
		flags: ['host', 'delete', 'yes', ...OPERATOR, ...WAITS, ...COMMON],
		notes: [
			'--delete --yes: delete only what its marker proves the tool made (children first); the rest stays listed',
		],
	},
	{
		name: 'reconcile',
		synopsis: '(--host HOST | --batch BATCH)',
		summary: 'compare recorded resources with the host (exit 3 when drift is found)',
		flags: ['host', 'batch', ...OPERATOR, ...WAITS, ...COMMON],
	},
	{
		name: 'rollback',
		synopsis: '(--batch BATCH | --host HOST --pack PACK [--url URL]) (--dry-run | --yes) [--force]',
		summary: "delete exactly a batch's recorded resources, children first; or every batch of a provider",
		flags: ['batch', 'host', 'pack', 'url', 'dryRun', 'yes', 'force', ...OPERATOR, ...WAITS, ...COMMON],
		notes: [
			'--host --pack [--url]: every batch of that provider on the host not yet rolled back, newest first',
			'--force: delete a resource although it changed on the host since it was recorded',
		],
	},
	{
		name: 'adopt',
		synopsis: '--batch BATCH --type TYPE --id ID (--yes)',
		summary: "record a host resource as a batch's own (an unknown record, confirmed by the operator)",
		flags: ['batch', 'type', 'id', 'yes', ...OPERATOR, ...WAITS, ...COMMON],
	},
	{
		name: 'repair',
		synopsis: '--batch BATCH',
		summary: 're-run access closure and smoke for a drifted batch',
		flags: ['batch', ...OPERATOR, 'smokeRetryS', ...WAITS, ...COMMON],
	},
	{
		name: 'smoke',
		synopsis: '--batch BATCH',
		summary: "run a batch's access smoke again and record it",
		flags: ['batch', 'smokeRetryS', ...WAITS, ...COMMON],
	},
	{
		name: 'watch',
		synopsis: '[--host HOST] [--once] [--interval-s S] [--concurrency N] [--broken-after N]',
		summary: 'health checks of every ready batch: a loop until Ctrl-C, or one pass (--once, for cron)',
		flags: ['host', 'once', 'intervalS', 'concurrency', 'brokenAfter', 'totpEnv', ...WAITS, ...COMMON],
		notes: ['one line per check on stderr; --once exits 0 when every check is ok, else 1'],
	},
	{
		name: 'health',
		synopsis: '--batch BATCH',
		summary: "a batch's health history, newest first",
		flags: ['batch', ...COMMON],
	},
	{
		name: 'balance',
		synopsis: '[--host HOST]',
		summary: 'provider balances (null with the reason where there is no balance API or kept key)',
		flags: ['host', 'timeoutS', ...COMMON],
	},
	{
		name: 'alerts set',
		synopsis: '--webhook-url-env VAR [--format generic|feishu|dingtalk|slack] [--min-balance N]',
		summary: 'where health alerts go (the URL is a secret: state.json only, shown masked)',
		flags: ['webhookUrlEnv', 'format', 'minBalance', 'lockWaitS', ...COMMON],
	},
	{
		name: 'alerts show',
		synopsis: '',
		summary: 'the alerts webhook (masked), format, threshold and undelivered alerts',
		flags: COMMON,
	},
	{
		name: 'alerts test',
		synopsis: '',
		summary: 'send one test alert now (exit 1 when it is not delivered)',
		flags: ['timeoutS', ...COMMON],
	},
	{
		name: 'rotate-key',
		synopsis: '--batch BATCH (--key-env VAR | --key-file FILE | --key-stdin) [--keep-key]',
		summary: "give a batch's account a new provider key in place (checked with the provider first)",
		flags: [
			'batch',
			'keyEnv',
			'keyFile',
			'keyStdin',
			'keepKey',
			...OPERATOR,
			'smokeRetryS',
			...WAITS,
			...COMMON,
		],
		notes: ['a key the provider refuses changes nothing (exit 1); nothing is created on the host'],
	},
	{
		name: 'keep-key',
		synopsis: '--batch BATCH (--key-env VAR | --key-file FILE | --key-stdin)',
		summary: "keep a batch's provider key in state.json (it must be the key the batch uses)",
		flags: ['batch', 'keyEnv', 'keyFile', 'keyStdin', 'lockWaitS', ...COMMON],
	},
	{
		name: 'accept',
		synopsis:
			'--host HOST --pack PACK [--url URL] (--key-env VAR | --key-file FILE | --key-stdin) [--access self_service|subscription|both]',
		summary: 'fresh-host acceptance run with numbered evidence',
		flags: [
			'host',
			'pack',
			'url',
			'keyEnv',
			'keyFile',
			'keyStdin',
			'access',
			'smokeModel',
			...OPERATOR,
			'smokeRetryS',
			'upstreamRetryS',
			...WAITS,
			...COMMON,
		],
	},
	{
		name: 'evidence list',
		synopsis: '',
		summary: 'acceptance runs and whether each is kept as final',
		flags: COMMON,
	},
	{
		name: 'evidence keep',
		synopsis: 'RUN',
		summary: 'keep an acceptance run as final evidence',
		flags: ['lockWaitS', ...COMMON],
	},
	{
		name: 'evidence archive',
		synopsis: '',
		summary: 'move every run not kept to acceptance/archive/',
		flags: ['lockWaitS', ...COMMON],
	},
	{
		name: 'evidence export',
		synopsis: 'RUN --out FILE.tar.gz [--force]',
		summary: 'bundle a run as a .tar.gz (refuses a symlink or an existing file at --out)',
		flags: ['out', 'force', ...COMMON],
		notes: ['--force: replace an existing regular file at --out (never a symlink)'],
	},
	{
		name: 'matrix',
		synopsis: '',
		summary: 'provider validation matrix (latest acceptance result per host and pack)',
		flags: COMMON,
	},
	{
		name: 'serve',
		synopsis: '[--listen ADDR:PORT] [--allow-remote] [--token-file FILE] [--watch]',
		summary: 'the control plane as an HTTP service: API, live events, status page',
		flags: ['listen', 'allowRemote', 'tokenFile', 'watch', 'smokeRetryS', ...WAITS, ...COMMON],
		notes: [
			'prints one JSON line {"url","token_file","openapi_url"} when it listens; SIGTERM stops it cleanly',
		],
	},
];

/** What a group of sub-commands is for, in `crm --help`. */
const GROUP_SUMMARY: Record<string, string> = {
	host: 'register and inspect sub2api hosts',
	evidence: 'acceptance-run evidence: list, keep as final, archive, export',
	alerts: 'the health alerts webhook: set, show, send a test',
};

/** The commands named by the first words of a command line: one, or a group (`host`), or none. */
export function commandsFor(words: string[]): CommandSpec[] {
	const [first, second] = words;
	if (!first) return [];
	if (second) {
		const exact = COMMANDS.find((c) => c.name === `${first} ${second}`);
		if (exact) return [exact];
	}
	const single = COMMANDS.find((c) => c.name === first);
	if (single) return [single];
	// `crm batch --help`: the group's commands (`batch show`).
	return COMMANDS.filter((c) => c.name.startsWith(`${first} `));
}

function flagLine(key: FlagKey): string {
	const spec: FlagSpec = FLAGS[key];
	const left = `${flagName(key)}${spec.value ? ` ${spec.value}` : ''}`;
	return `    ${left.padEnd(30)} ${spec.help}`;
}

/** Usage text of one command (or of a group of sub-commands). */
export function commandUsage(specs: CommandSpec[]): string {
	return specs
		.map((c) =>
			[
				`  Usage`,
				`    $ crm ${c.name}${c.synopsis ? ` ${c.synopsis}` : ''}`,
				'',
				`  ${c.summary}`,
				...(c.notes ?? []).map((n) => `  ${n}`),
				'',
				'  Options',
				...c.flags.map(flagLine),
				`    ${'--help, -h'.padEnd(30)} this text (runs nothing)`,
			].join('\n'),
		)
		.join('\n\n');
}

/** `crm --help`. */
export function globalUsage(): string {
	const groups = new Map<string, CommandSpec[]>();
	for (const c of COMMANDS) {
		const head = c.name.split(' ')[0]!;
		groups.set(head, [...(groups.get(head) ?? []), c]);
	}
	const lines = [...groups.entries()].map(([head, specs]) => {
		const name =
			specs.length > 1 || specs[0]!.name.includes(' ')
				? `${head} ${specs.map((s) => s.name.split(' ')[1]).join('|')}`
				: head;
		const summary = GROUP_SUMMARY[head] ?? specs[0]!.summary;
		return `    ${name.padEnd(36)} ${summary}`;
	});
	return `
  Usage
    $ crm                      the TUI (on a terminal)
    $ crm <command> [options]
    $ crm <command> --help     that command's usage (runs nothing)

  Commands
${lines.join('\n')}

  Global options
    --data DIR                 state folder (env CRM_DATA_DIR; default data/ beside package.json)
    --json                     one JSON document on stdout; progress goes to stderr
    --help, -h, --version

  Exit codes
    0 ok · 1 operation failed · 2 invalid input · 3 drift found · 4 state problem

  Secrets are never flag values: --key-env VAR | --key-file FILE | --key-stdin (provider key);
  --admin-key-env VAR | --admin-key-file FILE | --email E --password-env VAR (admin credential);
  --totp-env VAR (2FA / step-up code).
`;
}
