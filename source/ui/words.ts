// The TUI speaks in its own words (docs/architecture.md "Input errors"): the application's messages
// are written for both views and some name a CLI flag ("pass --smoke-model", "--force deletes it
// anyway"). Every string the TUI draws passes through here (components/text.tsx): a known phrase
// becomes what the operator does on the screen; any other `--flag` becomes its words.

const PHRASES: Array<[RegExp, string]> = [
	[
		/read it, then accept with --accept-compliance \(CLI\) or in the TUI/g,
		'read it, then accept it when asked',
	],
	[
		/re-register it with --email\/--password-env\/--totp-env/g,
		'add it again under Hosts with an admin email and password',
	],
	[/pass --totp-env VAR/g, 'give a TOTP code when asked'],
	[
		/pass --smoke-model with a model it serves/g,
		'choose a smoke model it serves (Change the smoke model, on the plan)',
	],
	[/chosen with --smoke-model/g, 'chosen on the plan'],
	[/\(import with --keep-key, or crm keep-key\)/g, '(keep it with crm keep-key)'],
	[/needs the provider key kept \(--keep-key\)/g, 'needs the provider key kept (crm keep-key)'],
	[/\(--force deletes it anyway\)/g, '(a forced rollback deletes it anyway)'],
	[/\(--force\)/g, '(forced)'],
	[
		/roll it back first \(crm rollback --batch (\S+)\) or pass [^ ]+ to import it again/g,
		'roll back $1 first (Drift & rollback), or import it again anyway',
	],
	[
		/record it with crm adopt --batch (\S+) --type (\S+) --id (\S+)/g,
		'record it from the CLI: crm adopt (batch $1, $2 $3)',
	],
	[/\(--user\)/g, '(the existing user)'],
	[/\(--user without --user-password-env\)/g, '(an existing user whose password was not given)'],
	[/raise --timeout-s or check the host/g, 'check the host, or give it longer'],
	[/pass the key with --key-env\/--key-file\/--key-stdin/g, 'type the key in its own field'],
	[/pass --skip-invalid to import the valid lines/g, 'choose Skip the invalid lines'],
	[/crm reconcile --json lists them all/g, 'crm reconcile lists them all'],
	[/crm watch --once/g, 'Watch health (Home)'],
];

/** `--word-word`, not inside a longer token (a URL's path, an id). */
const FLAG = /(^|[\s(/"'`])--([a-z][a-z0-9]*(?:-[a-z0-9]+)*)\b/g;

/** A message in the TUI's words: no CLI flag names. */
export function tuiWords(text: string): string {
	if (!text.includes('--')) return text;
	let out = text;
	for (const [pattern, words] of PHRASES) out = out.replace(pattern, words);
	return out.replace(FLAG, (_m, before: string, name: string) => `${before}${name.replace(/-/g, ' ')}`);
}
