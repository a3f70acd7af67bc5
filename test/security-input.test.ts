// Bad input: every flag of host add, import, reconcile, rollback, repair, batches,
// status, batch show, sandbox and packs with empty, overlong, malformed, unicode and injection-like
// values. Each must end with exit 2, a JSON error naming the field, a short message on stderr with no
// raw control character, and change nothing: state.json byte-identical, no new file in the data
// folder, the sandbox snapshot identical and no request sent to the host. The validators the TUI
// fields use (source/core/validate.ts, source/ui/validators.ts) get the same value table directly.
// The command line itself: unknown flags and secrets given
// as flag values are named, their values never printed; a --data that is a file, unreadable or
// unwritable; import-batch files over 5 MiB or 10,000 lines; a symlink or file at evidence export's
// --out; and --help / -h on every command and sub-command, which runs nothing.
import test, {type ExecutionContext} from 'ava';
import {
	chmodSync,
	existsSync,
	lstatSync,
	mkdirSync,
	readFileSync,
	readdirSync,
	statSync,
	symlinkSync,
	writeFileSync,
} from 'node:fs';
import path from 'node:path';
import {COMMANDS, FLAGS, flagName} from '../source/commands/usage.js';
import {CrmError} from '../source/lib/errors.js';
import {StateStore} from '../source/store/state-store.js';
import {
	validateAccessMode,
	validateDomain,
	validateEmail,
	validateKey,
	validateModelName,
	validateName,
	validatePrefix,
	validateUrl,
} from '../source/core/input/validate.js';
import {checkEmail, checkKey, checkName, checkUrl} from '../source/ui/validators.js';
import {runCli, tempDataDir} from './helpers/cli.js';
import {hostEnv, parseJson, type HostEnv} from './helpers/host-env.js';
import {guardFile, SPOOL} from './helpers/leak-guard.js';

const guard = guardFile(test, 'security-input');

type Kind = 'empty' | 'overlong' | 'malformed' | 'unicode' | 'injection';
interface Case {
	kind: Kind;
	/** The flag (or argument) the error must name. */
	field: string;
	/** The full argument list (without --data, which the runner adds unless `noData`). */
	args: string[];
	env?: Record<string, string>;
	input?: string;
	noData?: boolean;
	label: string;
	/** Values that must appear nowhere in stdout or stderr (a flag's value, say). */
	absent?: string[];
	/** What the error message must say. */
	says?: RegExp;
	/** Run as the unprivileged `nobody` when the suite runs as root (folder permission cases). */
	asNobody?: boolean;
}

// ---- value tables, shared by the CLI cases and the validator tests ----

const LONG = 'a'.repeat(5000);
const ESC = '\u001b]0;pwned\u0007'; // a terminal title escape
const BIDI = 'sb\u202e'; // right-to-left override

const URLS: Array<[Kind, string]> = [
	['empty', ''],
	['empty', '   '],
	['overlong', `https://${'a'.repeat(2100)}.com`],
	['malformed', 'not a url'],
	['malformed', 'api.deepseek.com'],
	['malformed', 'http://'],
	['malformed', 'http://127.0.0.1:99999'],
	['malformed', 'http://127.0.0.1:1/v1?key=abc'],
	['malformed', 'http://127.0.0.1:1/#frag'],
	['injection', 'http://user:pass@127.0.0.1:1'],
	['injection', 'https://sk-secret@api.deepseek.com'],
	['injection', 'file:///etc/passwd'],
	['injection', 'javascript:alert(1)'],
	['injection', 'ftp://127.0.0.1/'],
	['injection', 'http://127.0.0.1:1/$(id)\nHost: evil'],
	['injection', `http://127.0.0.1:1/${ESC}`],
	['unicode', 'http://ex\u00a0ample.com'],
	['unicode', 'http://127.0.0.1:1/\u0000'],
];

const KEYS: Array<[Kind, string]> = [
	['empty', ''],
	['empty', '\n'],
	['overlong', 'k'.repeat(5000)],
	['malformed', 'sk-abc def'],
	['malformed', ' sk-abcdef'],
	['injection', 'sk-abc\ndef'],
	['injection', 'sk-abc\r\nX-Injected: 1'],
	['injection', `sk-abc${ESC}`],
	['unicode', 'sk-ключ123'],
	['unicode', 'sk-abc\u200b'],
	['unicode', 'sk-abc\u0000'],
];

const NAMES: Array<[Kind, string]> = [
	['empty', ''],
	['overlong', 'n'.repeat(65)],
	['malformed', 'two words'],
	['malformed', 'a/b'],
	['injection', 'x;rm -rf ~'],
	['injection', '$(id)'],
	['injection', '`id`'],
	['injection', ESC],
	['unicode', BIDI],
	['unicode', 'name\u200b'],
];

const PREFIXES: Array<[Kind, string]> = [
	['empty', ''],
	['overlong', 'p'.repeat(17)],
	['malformed', 'CRM-'],
	['malformed', '-crm'],
	['injection', 'crm;id'],
	['injection', '$(id)-'],
	['injection', 'crm-\n'],
	['unicode', 'crm-é'],
];

const DOMAINS: Array<[Kind, string]> = [
	['empty', ''],
	['overlong', `${'d'.repeat(120)}.com`],
	['malformed', 'localhost'],
	['malformed', 'ex ample.com'],
	['injection', 'evil.com/x'],
	['injection', 'a.com;id'],
	['unicode', 'ｅｘ.com'],
];

const EMAILS: Array<[Kind, string]> = [
	['empty', ''],
	['overlong', `${'u'.repeat(260)}@crm.invalid`],
	['malformed', 'not-an-email'],
	['malformed', 'a@b'],
	['injection', 'a@b.c\nBcc: x@y.z'],
	['injection', 'a b@c.d'],
	['unicode', '\u202eu@crm.invalid x'],
];

const MODELS: Array<[Kind, string]> = [
	['empty', ''],
	['overlong', 'm'.repeat(200)],
	['malformed', 'two words'],
	['injection', '$(id)'],
	['injection', 'm\nX'],
	['unicode', 'モデル'],
];

const ACCESS: Array<[Kind, string]> = [
	['empty', ''],
	['overlong', LONG],
	['malformed', 'SUBSCRIPTION'],
	['malformed', 'both'],
	['injection', 'self_service;id'],
	['unicode', 'ѕubscription'],
];

/** Host and batch references (ids or names looked up in state). */
const REFS: Array<[Kind, string]> = [
	['empty', ''],
	['overlong', LONG],
	['malformed', 'nope'],
	['injection', '$(id)'],
	['injection', '../state'],
	['injection', ESC],
	['unicode', BIDI],
];

const NUMBERS: Array<[Kind, string]> = [
	['malformed', 'abc'],
	['malformed', '-1'],
	['overlong', '1e12'],
];

const ENV_NAMES: Array<[Kind, string]> = [
	['empty', ''],
	['malformed', 'BAD NAME'],
	['malformed', '1VAR'],
	['injection', 'X;id'],
	['injection', '$(id)'],
	['unicode', 'ПЕРЕМЕННАЯ'],
];

// ---- the runner ----

function listing(dir: string): string[] {
	const out: string[] = [];
	const walk = (p: string) => {
		for (const c of readdirSync(p)) {
			const full = path.join(p, c);
			const st = statSync(full);
			if (st.isDirectory()) walk(full);
			else out.push(`${path.relative(dir, full)} ${st.size}`);
		}
	};
	walk(dir);
	return out.sort();
}

let tried = 0;

/** Root bypasses folder permissions: permission cases then run as `nobody`. */
const NOBODY = 65534;
const isRoot = process.getuid?.() === 0;
function nobody(): {uid?: number; gid?: number} {
	return isRoot ? {uid: NOBODY, gid: NOBODY} : {};
}
const code = (n: number) => String.fromCharCode(n);
/** A raw control character other than newline and tab (built from code points: no-control-regex). */
const UNPRINTABLE = new RegExp(`[${code(0)}-${code(8)}${code(11)}-${code(31)}${code(127)}]`);

/** Runs one case; returns what is wrong with the outcome (empty when it is right). */
async function check(e: HostEnv | null, c: Case): Promise<string[]> {
	const data = e?.data ?? null;
	const stateFile = data ? path.join(data, 'state.json') : null;
	const before = stateFile ? readFileSync(stateFile) : null;
	const files = data ? listing(data) : [];
	const snap = e ? JSON.stringify(e.sandbox.snapshot()) : '';
	const requests = e ? e.sandbox.requestLog().length : 0;
	const args = c.noData || !data ? c.args : [...c.args, '--data', data];
	const r = await runCli([...args, '--json'], {
		env: {...(e?.env ?? {}), ...c.env},
		input: c.input,
		// A sandbox that wrongly starts serves forever: cut short (generously: the machine may be busy).
		timeoutMs: c.args[0] === 'sandbox' ? 20_000 : 30_000,
		...(c.asNobody ? nobody() : {}),
	});
	tried += 1;
	const problems: string[] = [];
	const expect = (ok: boolean, what: string) => {
		if (!ok) problems.push(what);
	};
	let doc: any = null;
	try {
		doc = JSON.parse(r.stdout);
	} catch {
		/* reported below */
	}
	expect(r.code === 2, `exit ${r.code}: ${(doc?.error?.message ?? r.stderr).slice(0, 200)}`);
	expect(doc !== null, 'stdout is not one JSON document');
	expect(doc?.error?.field === c.field, `names ${doc?.error?.field} instead`);
	expect(r.stderr.includes(`(${c.field})`), 'stderr does not name the field');
	expect(!UNPRINTABLE.test(r.stdout + r.stderr), 'a raw control character is printed');
	expect(r.stderr.length < 1200, `a ${r.stderr.length}-character message`);
	for (const value of c.absent ?? [])
		expect(!(r.stdout + r.stderr).includes(value), `prints the value ${JSON.stringify(value.slice(0, 20))}`);
	if (c.says) expect(c.says.test(doc?.error?.message ?? ''), `says "${doc?.error?.message}"`);
	if (stateFile) expect(readFileSync(stateFile).equals(before!), 'state.json changed');
	if (data)
		expect(JSON.stringify(listing(data)) === JSON.stringify(files), 'a file was written in the data folder');
	if (e) {
		expect(JSON.stringify(e.sandbox.snapshot()) === snap, 'the host changed');
		expect(e.sandbox.requestLog().length === requests, 'a request was sent to the host');
	}
	return problems.map((p) => `${c.label} [${c.kind}]: ${p}`);
}

async function runAll(t: ExecutionContext, e: HostEnv | null, cases: Case[]): Promise<void> {
	t.timeout(900_000);
	const problems: string[] = [];
	for (const c of cases) problems.push(...(await check(e, c)));
	t.deepEqual(problems, [], `${problems.length} problems in ${cases.length} bad inputs`);
	t.log(`${cases.length} bad inputs`);
}

/** A command line or environment cannot carry a NUL byte; those values are tried through files/stdin. */
const passable = ([, v]: [Kind, string]) => !v.includes('\u0000');

/** Sets a flag's value; `--flag=-x` when the value starts with a dash (else it reads as flags). */
function withFlag(base: string[], flag: string, value: string): string[] {
	const i = base.indexOf(flag);
	const out = i < 0 ? [...base] : [...base.slice(0, i), ...base.slice(i + 2)];
	return value.startsWith('-') ? [...out, `${flag}=${value}`] : [...out, flag, value];
}

function flagCases(
	base: string[],
	flag: string,
	table: Array<[Kind, string]>,
	field = flag,
	label = base.slice(0, 2).join(' '),
): Case[] {
	return table.filter(passable).map(([kind, value]) => ({
		kind,
		field,
		args: withFlag(base, flag, value),
		label: `${label} ${flag} ${JSON.stringify(value.slice(0, 40))}`,
	}));
}

async function env(t: ExecutionContext): Promise<HostEnv> {
	const e = await hostEnv(t);
	guard.dir(e.data);
	guard.secrets(...e.secrets());
	return e;
}

/** Files the key/credential cases read. */
function secretFiles(): Record<string, string> {
	const dir = tempDataDir('crm-bad-files');
	const write = (name: string, content: string) => {
		const file = path.join(dir, name);
		writeFileSync(file, content, {mode: 0o600});
		return file;
	};
	mkdirSync(path.join(dir, 'a-folder'));
	return {
		folder: path.join(dir, 'a-folder'),
		missing: path.join(dir, 'missing'),
		empty: write('empty', ''),
		newline: write('newline', 'sk-abc\ndef\n'),
		spaces: write('spaces', 'sk abc'),
		huge: write('huge', 'k'.repeat(70 * 1024)),
		unicode: write('unicode', 'sk-ключ'),
	};
}

// ---- host add ----

test('host add: every flag', async (t) => {
	const e = await env(t);
	const files = secretFiles();
	const badEnv = {
		AK_EMPTY: '',
		AK_NEWLINE: 'admin-abc\ndef',
		AK_SPACE: 'admin abc',
		PW: 'a-password-1',
		PW_EMPTY: '',
	};
	const base = [
		'host',
		'add',
		'--name',
		'sb2',
		'--url',
		e.sandbox.info.host_url,
		'--admin-key-env',
		'CRM_ADMIN_KEY',
	];
	const cases: Case[] = [
		...flagCases(base, '--name', NAMES),
		{
			kind: 'malformed',
			field: '--name',
			args: withFlag(base, '--name', 'sb'),
			label: 'host add --name (taken)',
		},
		...flagCases(base, '--url', URLS),
		...flagCases(base, '--admin-key-env', [...ENV_NAMES, ['malformed', 'UNSET_VARIABLE_X']]),
		...(['AK_EMPTY', 'AK_NEWLINE', 'AK_SPACE'] as const).map((name) => ({
			kind: 'malformed' as Kind,
			field: '--admin-key-env',
			args: withFlag(base, '--admin-key-env', name),
			env: badEnv,
			label: `host add --admin-key-env ${name}`,
		})),
		...(['folder', 'missing', 'empty', 'spaces', 'huge'] as const).map((k) => ({
			kind: (k === 'huge' ? 'overlong' : k === 'empty' ? 'empty' : 'malformed') as Kind,
			field: '--admin-key-file',
			args: [...base.slice(0, 6), '--admin-key-file', files[k]!],
			label: `host add --admin-key-file (${k})`,
		})),
		{
			kind: 'malformed',
			field: '--admin-key-env',
			args: [...base, '--email', 'a@crm.invalid', '--password-env', 'PW'],
			env: badEnv,
			label: 'host add: an admin key and a login at once',
		},
		...flagCases(
			[...base.slice(0, 6), '--email', 'a@crm.invalid', '--password-env', 'PW'],
			'--email',
			EMAILS,
		).map((c) => ({...c, env: badEnv})),
		...flagCases(
			[...base.slice(0, 6), '--email', 'a@crm.invalid', '--password-env', 'PW'],
			'--password-env',
			[...ENV_NAMES, ['empty', 'PW_EMPTY'], ['malformed', 'UNSET_VARIABLE_X']],
		).map((c) => ({...c, env: badEnv})),
		...flagCases(base, '--totp-env', ENV_NAMES),
		...flagCases(base, '--prefix', PREFIXES),
		...flagCases(base, '--user-domain', DOMAINS),
		...flagCases(base, '--timeout-s', [...NUMBERS, ['malformed', '0']]),
		...flagCases(base, '--lock-wait-s', NUMBERS),
	];
	await runAll(t, e, cases);
});

// ---- import ----

async function importEnv(t: ExecutionContext) {
	const e = await env(t);
	const base = [
		'import',
		'--host',
		'sb',
		'--pack',
		'deepseek',
		'--url',
		e.sandbox.info.upstreams.deepseek!.base_url,
		'--key-env',
		'KEY_DEEPSEEK',
	];
	return {e, base};
}

test('import: host, pack, url, access, smoke model, user, waits', async (t) => {
	const {e, base} = await importEnv(t);
	const cases: Case[] = [
		...flagCases(base, '--host', REFS),
		...flagCases(base, '--pack', [...REFS, ['malformed', 'DEEPSEEK'], ['injection', 'deepseek;id']]),
		...flagCases(base, '--url', URLS),
		...flagCases(base, '--access', ACCESS),
		...flagCases(base, '--smoke-model', MODELS),
		...flagCases(base, '--user', EMAILS),
		...flagCases([...base, '--user', 'someone@crm.invalid'], '--user-password-env', [
			...ENV_NAMES,
			['malformed', 'UNSET_VARIABLE_X'],
		]),
		...flagCases(base, '--totp-env', ENV_NAMES),
		...flagCases(base, '--timeout-s', [...NUMBERS, ['malformed', '0']]),
		...flagCases(base, '--smoke-retry-s', NUMBERS),
		...flagCases(base, '--lock-wait-s', NUMBERS),
	];
	await runAll(t, e, cases);
});

test('import: the provider key from --key-env, --key-file and --key-stdin', async (t) => {
	const {e, base} = await importEnv(t);
	const files = secretFiles();
	const noKey = base.slice(0, -2);
	const cases: Case[] = [
		...flagCases(base, '--key-env', [...ENV_NAMES, ['malformed', 'UNSET_VARIABLE_X']]),
		...KEYS.filter(passable).map(([kind, value]) => ({
			kind,
			field: '--key-env',
			args: withFlag(base, '--key-env', 'BAD_KEY'),
			env: {BAD_KEY: value},
			label: `import --key-env holding ${JSON.stringify(value.slice(0, 30))}`,
		})),
		...(['folder', 'missing', 'empty', 'newline', 'spaces', 'huge', 'unicode'] as const).map((k) => ({
			kind: (k === 'huge'
				? 'overlong'
				: k === 'empty'
					? 'empty'
					: k === 'unicode'
						? 'unicode'
						: 'malformed') as Kind,
			field: '--key-file',
			args: [...noKey, '--key-file', files[k]!],
			label: `import --key-file (${k})`,
		})),
		...KEYS.filter(([, v]) => v.length < 100).map(([kind, value]) => ({
			kind,
			field: '--key-stdin',
			args: [...noKey, '--key-stdin'],
			input: value,
			label: `import --key-stdin ${JSON.stringify(value.slice(0, 30))}`,
		})),
		{kind: 'empty', field: '--key-env', args: noKey, label: 'import without a key'},
		{
			kind: 'malformed',
			field: '--key-env',
			args: [...base, '--key-stdin'],
			input: 'sk-abcdef',
			label: 'import with two key sources',
		},
	];
	await runAll(t, e, cases);
});

test('import: a pack file of the wrong type (CRM_PACKS_DIR) is named with its field; the pack is refused', async (t) => {
	const {e, base} = await importEnv(t);
	const dir = tempDataDir('crm-packs');
	const good = JSON.parse(readFileSync(path.join(process.cwd(), 'packs', 'deepseek.json'), 'utf8'));
	writeFileSync(path.join(dir, 'deepseek.json'), JSON.stringify({...good, models: 'deepseek-flash'}));
	writeFileSync(path.join(dir, 'kimi.json'), '{"id": "kimi", ');
	writeFileSync(path.join(dir, 'glm.json'), readFileSync(path.join(process.cwd(), 'packs', 'glm.json')));
	const cases: Case[] = [
		{
			kind: 'malformed',
			field: '--pack',
			args: base,
			env: {CRM_PACKS_DIR: dir},
			label: 'import, models a string',
		},
		{
			kind: 'malformed',
			field: '--pack',
			args: withFlag(base, '--pack', 'kimi'),
			env: {CRM_PACKS_DIR: dir},
			label: 'import, pack not JSON',
		},
	];
	await runAll(t, e, cases);
	const r = await e.run([...base, '--json'], {CRM_PACKS_DIR: dir});
	t.regex(r.stderr, /deepseek\.json skipped: models: /, 'the warning names the file and the field');
	const packs = await runCli(['packs', '--json'], {env: {CRM_PACKS_DIR: dir}});
	t.is(packs.code, 0, 'crm packs still lists what loads');
	t.deepEqual(
		parseJson(packs).packs.map((p: any) => p.id),
		['glm'],
	);
	t.regex(packs.stderr, /kimi\.json skipped: \(file\): not valid JSON/);
});

// ---- reconcile, rollback, repair, batches, status, batch show ----

test('reconcile, rollback, repair, batches, status and batch show: every flag', async (t) => {
	const e = await env(t);
	const ok = await e.importPack('deepseek');
	t.is(ok.code, 0, ok.stderr);
	const batch = parseJson(ok).batch_id as string;
	const cases: Case[] = [
		...flagCases(['reconcile', '--host', 'sb'], '--host', REFS),
		...flagCases(['reconcile', '--host', 'sb', '--batch', batch], '--batch', REFS),
		...flagCases(['reconcile', '--host', 'sb'], '--timeout-s', [...NUMBERS, ['malformed', '0']]),
		...flagCases(['reconcile', '--host', 'sb'], '--lock-wait-s', NUMBERS),
		...flagCases(['rollback', '--batch', batch, '--yes'], '--batch', REFS),
		...flagCases(
			['rollback', '--batch', batch, '--dry-run'],
			'--batch',
			REFS,
			'--batch',
			'rollback --dry-run',
		),
		{kind: 'empty', field: '--yes', args: ['rollback', '--batch', batch], label: 'rollback without --yes'},
		...flagCases(['rollback', '--batch', batch, '--yes'], '--timeout-s', NUMBERS),
		...flagCases(['repair', '--batch', batch], '--batch', REFS),
		...flagCases(['repair', '--batch', batch], '--smoke-retry-s', NUMBERS),
		...flagCases(['batches', '--host', 'sb'], '--host', REFS),
		...flagCases(['status', '--host', 'sb'], '--host', REFS),
		...REFS.map(([kind, value]) => ({
			kind,
			field: 'BATCH',
			args: ['batch', 'show', value],
			label: `batch show ${JSON.stringify(value.slice(0, 40))}`,
		})),
		{
			kind: 'empty',
			field: '--data',
			args: ['batches', '--data', ''],
			noData: true,
			label: 'batches --data ""',
		},
		{
			kind: 'malformed',
			field: '--data',
			args: ['status', '--data', e.data, '--data', tempDataDir()],
			noData: true,
			label: 'status --data twice',
		},
	];
	await runAll(t, e, cases);
});

// ---- sandbox and packs (no data folder) ----

test('sandbox and packs: every flag', async (t) => {
	const cases: Case[] = [
		...flagCases(['sandbox'], '--port', [
			['malformed', 'abc'],
			['malformed', '-1'],
			['overlong', '70000'],
			['malformed', '1.5'],
		]),
		...flagCases(['sandbox'], '--profile', [
			['empty', ''],
			['malformed', 'nope'],
			['injection', 'recent;id'],
			['unicode', 'rеcent'],
			['overlong', LONG],
		]),
		...flagCases(['sandbox'], '--latency-ms', [
			['malformed', 'abc'],
			['malformed', '-1'],
			['overlong', '100000'],
		]),
		{
			kind: 'malformed',
			field: 'CRM_PACKS_DIR',
			args: ['packs'],
			env: {CRM_PACKS_DIR: '/nonexistent/packs'},
			label: 'packs, CRM_PACKS_DIR missing',
		},
		{
			kind: 'empty',
			field: 'CRM_PACKS_DIR',
			args: ['packs'],
			env: {CRM_PACKS_DIR: tempDataDir('crm-no-packs')},
			label: 'packs, CRM_PACKS_DIR without a pack',
		},
	];
	await runAll(
		t,
		null,
		cases.map((c) => ({...c, noData: true})),
	);
});

// ---- the command line itself: unknown flags, secrets as flag values, --data, limits, --out ----

/** A value given to a flag crm does not know: it must never be printed (it could be a secret). */
const FLAG_VALUE = 'flag-value-canary-7f3a9c51';
guard.secrets(FLAG_VALUE);

test('unknown flags and secrets given as flag values: exit 2 naming the flag, the value never printed', async (t) => {
	const e = await env(t);
	const url = e.sandbox.info.upstreams.deepseek!.base_url;
	const lines: string[][] = [
		['packs'],
		['batches'],
		['host', 'list'],
		['evidence', 'list'],
		['import', '--host', 'sb', '--pack', 'deepseek', '--url', url, '--key-env', 'KEY_DEEPSEEK'],
		['rollback', '--batch', 'b20250101-000000-aaaaaa', '--yes'],
		['sandbox'],
	];
	const cases: Case[] = [];
	for (const line of lines) {
		const label = line.slice(0, 2).join(' ');
		cases.push(
			{kind: 'malformed', field: '--foo', args: [...line, `--foo=${FLAG_VALUE}`], label: `${label} --foo=V`},
			{kind: 'malformed', field: '--foo', args: [...line, '--foo', FLAG_VALUE], label: `${label} --foo V`},
			{
				kind: 'malformed',
				field: '--no-such-flag',
				args: [...line, '--no-such-flag'],
				label: `${label} --no-such`,
			},
			{kind: 'malformed', field: '-x', args: [...line, `-x${FLAG_VALUE}`], label: `${label} -xV`},
			{
				kind: 'injection',
				field: '--a?b',
				args: [...line, `--a\u0007b=${FLAG_VALUE}`],
				label: `${label} --a<BEL>b`,
			},
		);
	}
	// Secrets as plain flag values: refused with the way crm takes each one.
	const SECRET_FLAGS: Array<[string, string]> = [
		['--key', '--key-env'],
		['--api-key', '--key-env'],
		['--admin-key', '--admin-key-env'],
		['--password', '--password-env'],
		['--user-password', '--user-password-env'],
		['--totp', '--totp-env'],
		['--token', '--token-file'],
		['--webhook-url', '--webhook-url-env'],
	];
	const secret = 'sk-plain-flag-secret-0123456789';
	guard.secrets(secret);
	for (const [flag, pointer] of SECRET_FLAGS)
		for (const line of [lines[4]!, ['host', 'add', '--name', 'sb2', '--url', e.sandbox.info.host_url]])
			for (const form of [[flag, secret], [`${flag}=${secret}`]])
				cases.push({
					kind: 'injection',
					field: flag,
					args: [...line, ...form],
					label: `${line[0]} ${form.join(' ').slice(0, 20)}`,
					says: new RegExp(`give it with ${pointer}`),
				});
	await runAll(
		t,
		e,
		cases.map((c) => ({...c, absent: [FLAG_VALUE, secret, ...(c.absent ?? [])]})),
	);
	// Without --json: the same refusal on stderr, nothing on stdout.
	const human = await runCli(['packs', `--foo=${FLAG_VALUE}`]);
	t.is(human.code, 2);
	t.is(human.stdout, '');
	t.regex(human.stderr, /error \(--foo\): unknown flag --foo/);
	t.false(human.stderr.includes(FLAG_VALUE));
});

/** A folder under a 0755 parent, so `nobody` can reach it. */
function reachableFolder(mode: number): string {
	const parent = tempDataDir('crm-perm');
	chmodSync(parent, 0o755);
	const dir = path.join(parent, 'data');
	mkdirSync(dir);
	chmodSync(dir, mode);
	return dir;
}

test('--data that is a file, cannot be read, written or created: exit 2 naming --data, nothing touched or sent', async (t) => {
	const e = await env(t);
	const file = path.join(tempDataDir('crm-data-file'), 'state-file');
	writeFileSync(file, 'not a folder\n');
	const unwritable = reachableFolder(0o555);
	const unreadable = reachableFolder(0o000);
	const url = e.sandbox.info.upstreams.deepseek!.base_url;
	const hostAdd = [
		'host',
		'add',
		'--name',
		'sb2',
		'--url',
		e.sandbox.info.host_url,
		'--admin-key-env',
		'CRM_ADMIN_KEY',
	];
	const imp = ['import', '--host', 'sb', '--pack', 'deepseek', '--url', url, '--key-env', 'KEY_DEEPSEEK'];
	const readers = [['batches'], ['status'], ['host', 'list'], ['evidence', 'list'], ['matrix']];
	const writers = [hostAdd, imp, ['reconcile', '--host', 'sb'], ['evidence', 'archive']];
	const cases: Case[] = [];
	const at = (dir: string, args: string[], says: RegExp, label: string, asNobody = false): Case => ({
		kind: 'malformed',
		field: '--data',
		args: [...args, '--data', dir],
		noData: true,
		says,
		asNobody,
		label: `${args.slice(0, 2).join(' ')} --data ${label}`,
	});
	for (const args of [...readers, ...writers]) {
		cases.push(at(file, args, /is not a folder/, 'a file'));
		cases.push(at(path.join(file, 'sub'), args, /cannot be used \(ENOTDIR\)/, 'under a file'));
		cases.push(at(unreadable, args, /cannot be read/, 'unreadable', true));
	}
	// Writers that get as far as the lock (import first finds the host missing from the empty folder).
	for (const args of [hostAdd, ['evidence', 'archive']])
		cases.push(at(unwritable, args, /is not writable/, 'unwritable', true));
	cases.push(
		at(path.join(unwritable, 'new'), hostAdd, /cannot be created: .* is not writable/, 'uncreatable', true),
	);
	await runAll(t, e, cases);
	t.is(readFileSync(file, 'utf8'), 'not a folder\n', 'the file is untouched');
	t.deepEqual(readdirSync(unwritable), [], 'nothing was created in the unwritable folder');
	t.is(statSync(unwritable).mode & 0o777, 0o555, 'its mode is kept');
	// Reading a folder crm cannot write is fine: it only reads.
	const read = await runCli(['batches', '--json', '--data', unwritable], nobody());
	t.is(read.code, 0, read.stderr);
	t.deepEqual(JSON.parse(read.stdout), {batches: []});
});

test('import-batch: a file over 5 MiB or 10,000 lines is refused before it is parsed, naming --file', async (t) => {
	const e = await env(t);
	const dir = tempDataDir('crm-big-list');
	const line = `${e.sandbox.info.upstreams.deepseek!.base_url},sk-abcdefghijklmnop\n`;
	const write = (name: string, text: string) => {
		const f = path.join(dir, name);
		writeFileSync(f, text, {mode: 0o600});
		return f;
	};
	const big = write('big.csv', line.repeat(Math.ceil((5 * 1024 * 1024 + 1) / line.length)));
	const long = write('long.csv', '#\n'.repeat(10_001));
	const exact = write('exact.csv', '#\n'.repeat(10_000));
	const base = ['import-batch', '--host', 'sb'];
	const cases: Case[] = [
		{
			kind: 'overlong',
			field: '--file',
			args: [...base, '--file', big],
			says: /larger than 5 MiB/,
			label: 'a 5 MiB file',
		},
		{
			kind: 'overlong',
			field: '--file',
			args: [...base, '--file', long],
			says: /more than 10,000 lines/,
			label: '10,001 lines',
		},
		{
			kind: 'overlong',
			field: '--file',
			args: [...base, '--file', '-'],
			input: line.repeat(Math.ceil((5 * 1024 * 1024 + 1) / line.length)),
			says: /standard input\) is larger than 5 MiB/,
			label: 'over 5 MiB on stdin',
		},
		{
			kind: 'overlong',
			field: '--file',
			args: [...base, '--file', '-'],
			input: '#\n'.repeat(10_001),
			says: /more than 10,000 lines/,
			label: '10,001 lines on stdin',
		},
		// 10,000 lines is within the limit: refused for what it holds, not for its length.
		{
			kind: 'empty',
			field: '--file',
			args: [...base, '--file', exact],
			says: /holds no url,key lines/,
			label: '10,000 lines',
		},
	];
	const started = Date.now();
	await runAll(t, e, cases);
	t.log(`${cases.length} oversize lists refused in ${Date.now() - started} ms`);
});

test('evidence export never writes through a symlink or over a file at --out (unless --force, and never a symlink)', async (t) => {
	const e = await env(t);
	// An acceptance run recorded in state, with its folder (as crm accept leaves them).
	const runId = 'a20250101-000000-sb-deepseek-abcdef';
	const store = await StateStore.open(e.data, {lock: {command: 'test'}});
	const now = new Date().toISOString();
	store.data.acceptance_runs = [
		{
			run_id: runId,
			host_id: store.data.hosts[0]!.host_id,
			host: 'sb',
			pack: 'deepseek',
			base_url: 'http://127.0.0.1:1',
			key_fingerprint: 'sk-…abcd',
			access: 'subscription',
			result: 'ready',
			access_status: 'subscription_ready',
			failure_class: null,
			batch_ids: [],
			started_at: now,
			finished_at: now,
			folder: `acceptance/${runId}`,
			final: false,
			host_version: null,
			tool_version: '0.1.0',
		},
	];
	await store.write();
	store.release();
	mkdirSync(path.join(e.data, 'acceptance', runId), {recursive: true, mode: 0o700});
	writeFileSync(path.join(e.data, 'acceptance', runId, 'README.md'), '# run\n', {mode: 0o600});

	const out = tempDataDir('crm-out');
	const victim = path.join(tempDataDir('crm-victim'), 'victim.txt');
	writeFileSync(victim, 'precious\n');
	const link = path.join(out, 'link.tar.gz');
	symlinkSync(victim, link);
	const dangling = path.join(out, 'dangling.tar.gz');
	const nowhere = path.join(tempDataDir('crm-nowhere'), 'made-through-a-link');
	symlinkSync(nowhere, dangling);
	const existing = path.join(out, 'existing.tar.gz');
	writeFileSync(existing, 'old bundle\n');
	const folder = path.join(out, 'folder.tar.gz');
	mkdirSync(folder);
	const base = ['evidence', 'export', runId, '--out'];
	const outCase = (target: string, says: RegExp, label: string, extra: string[] = []): Case => ({
		kind: 'injection',
		field: '--out',
		args: [...base, target, ...extra],
		says,
		label: `evidence export --out ${label}`,
	});
	await runAll(t, e, [
		outCase(link, /is a symlink/, 'a symlink to a file'),
		outCase(link, /is a symlink/, 'a symlink to a file, --force', ['--force']),
		outCase(dangling, /is a symlink/, 'a dangling symlink'),
		outCase(dangling, /is a symlink/, 'a dangling symlink, --force', ['--force']),
		outCase(existing, /already exists/, 'an existing file'),
		outCase(folder, /not a regular file/, 'a folder', ['--force']),
		outCase(path.join(out, 'missing', 'x.tar.gz'), /does not exist/, 'in a missing folder'),
	]);
	t.is(readFileSync(victim, 'utf8'), 'precious\n', 'the symlink target is untouched');
	t.false(existsSync(nowhere), 'nothing was created through the dangling symlink');
	t.is(readFileSync(existing, 'utf8'), 'old bundle\n');
	t.true(lstatSync(link).isSymbolicLink());
	// A new name works (0600, no temp file left); --force replaces a regular file in one rename.
	const fresh = path.join(out, 'fresh.tar.gz');
	const made = await e.run([...base, fresh, '--json']);
	t.is(made.code, 0, made.stderr);
	t.deepEqual(parseJson(made).entries, [`${runId}/README.md`]);
	t.is(statSync(fresh).mode & 0o777, 0o600);
	const replaced = await e.run([...base, existing, '--force', '--json']);
	t.is(replaced.code, 0, replaced.stderr);
	t.not(readFileSync(existing, 'utf8'), 'old bundle\n');
	t.deepEqual(readdirSync(out).sort(), [
		'dangling.tar.gz',
		'existing.tar.gz',
		'folder.tar.gz',
		'fresh.tar.gz',
		'link.tar.gz',
	]);
});

// ---- --help: every command and sub-command prints its usage and runs nothing ----

test("--help and -h anywhere on any command line print that command's usage, exit 0, change and send nothing", async (t) => {
	t.timeout(900_000);
	const e = await env(t);
	const ok = await e.importPack('deepseek');
	t.is(ok.code, 0, ok.stderr);
	const batch = parseJson(ok).batch_id as string;
	const list = path.join(tempDataDir('crm-help-list'), 'list.csv');
	writeFileSync(
		list,
		`${e.sandbox.info.upstreams.kimi!.base_url},${e.sandbox.info.upstreams.kimi!.api_key}\n`,
		{
			mode: 0o600,
		},
	);
	const out = path.join(tempDataDir('crm-help-out'), 'bundle.tar.gz');
	const up = (pack: string) => e.sandbox.info.upstreams[pack]!.base_url;
	// Each line is complete: without --help it would run (import, delete, send a smoke, serve).
	const lines: Array<[string, string[]]> = [
		['sandbox', ['sandbox', '--port', '0']],
		[
			'host add',
			['host', 'add', '--name', 'sb2', '--url', e.sandbox.info.host_url, '--admin-key-env', 'CRM_ADMIN_KEY'],
		],
		['host list', ['host', 'list']],
		['host show', ['host', 'show', 'sb']],
		['host remove', ['host', 'remove', 'sb', '--force']],
		['host set', ['host', 'set', 'sb', '--gateway-url', e.sandbox.info.gateway_url, '--auto-pause', 'on']],
		['packs', ['packs']],
		['import', ['import', '--host', 'sb', '--pack', 'kimi', '--url', up('kimi'), '--key-env', 'KEY_KIMI']],
		['import-batch', ['import-batch', '--host', 'sb', '--file', list]],
		['batches', ['batches']],
		['batch show', ['batch', 'show', batch]],
		['batch-runs', ['batch-runs']],
		['batch-run show', ['batch-run', 'show', 'r20250101-000000-abcdef']],
		['resources', ['resources', '--host', 'sb']],
		['residue', ['residue', '--host', 'sb', '--delete', '--yes']],
		['status', ['status']],
		['reconcile', ['reconcile', '--host', 'sb']],
		['rollback', ['rollback', '--batch', batch, '--yes']],
		['rollback', ['rollback', '--host', 'sb', '--pack', 'kimi', '--url', up('kimi'), '--yes']],
		['repair', ['repair', '--batch', batch]],
		['smoke', ['smoke', '--batch', batch]],
		['adopt', ['adopt', '--batch', batch, '--type', 'group', '--id', '1', '--yes']],
		['accept', ['accept', '--host', 'sb', '--pack', 'glm', '--url', up('glm'), '--key-env', 'KEY_GLM']],
		['evidence list', ['evidence', 'list']],
		['evidence keep', ['evidence', 'keep', 'a-run']],
		['evidence archive', ['evidence', 'archive']],
		['evidence export', ['evidence', 'export', 'a-run', '--out', out]],
		['matrix', ['matrix']],
		['serve', ['serve', '--listen', '127.0.0.1:0']],
		['host set', ['host', 'set', 'sb', '--auto-pause', 'on', '--pause-after', '2']],
		['watch', ['watch', '--once', '--interval-s', '60', '--concurrency', '2', '--broken-after', '2']],
		['health', ['health', '--batch', batch]],
		['balance', ['balance']],
		[
			'alerts set',
			['alerts', 'set', '--webhook-url-env', 'KEY_GLM', '--format', 'slack', '--min-balance', '5'],
		],
		['alerts show', ['alerts', 'show']],
		['alerts test', ['alerts', 'test']],
		['rotate-key', ['rotate-key', '--batch', batch, '--key-env', 'KEY_KIMI', '--keep-key']],
		['keep-key', ['keep-key', '--batch', batch, '--key-env', 'KEY_DEEPSEEK']],
		// A group prints each of its sub-commands.
		['host add', ['host']],
		['evidence export', ['evidence']],
		['batch show', ['batch']],
		['alerts set', ['alerts']],
	];
	const before = listing(e.data);
	const state = readFileSync(path.join(e.data, 'state.json'));
	const snap = JSON.stringify(e.sandbox.snapshot());
	const requests = e.sandbox.requestLog().length;
	const words = (args: string[]) =>
		['host', 'batch', 'batch-run', 'evidence', 'alerts'].includes(args[0]!) && args[1] ? 2 : 1;
	const problems: string[] = [];
	const printed = new Set<string>();
	let runs = 0;
	for (const [name, args] of lines) {
		const n = words(args);
		const variants = [
			[...args, '--help'],
			[...args.slice(0, n), '-h', ...args.slice(n)],
			['--help', ...args],
		];
		for (const v of variants) {
			const r = await e.run(v);
			runs += 1;
			const label = `crm ${v.join(' ').slice(0, 60)}`;
			if (r.code !== 0) problems.push(`${label}: exit ${r.code} ${r.stderr.slice(0, 200)}`);
			if (!r.stdout.includes(`$ crm ${name}`)) problems.push(`${label}: no usage of crm ${name}`);
			if (!/Options/.test(r.stdout)) problems.push(`${label}: no options listed`);
			for (const m of r.stdout.matchAll(/^ {4}(--[a-z-]+)/gm)) printed.add(m[1]!);
		}
	}
	// --json: the usage as one JSON document.
	const json = await e.run(['smoke', '--batch', batch, '--help', '--json']);
	t.is(json.code, 0);
	t.is(parseJson(json).command, 'smoke');
	t.regex(parseJson(json).usage, /\$ crm smoke --batch BATCH/);
	t.deepEqual(problems, [], `${runs} --help runs`);
	t.deepEqual(listing(e.data), before, 'nothing was written in the data folder');
	t.true(readFileSync(path.join(e.data, 'state.json')).equals(state), 'state.json is byte-identical');
	t.is(e.sandbox.requestLog().length, requests, 'no request reached the host');
	t.is(JSON.stringify(e.sandbox.snapshot()), snap, 'the host and its upstreams saw nothing');
	t.false(existsSync(out), 'no bundle was written');
	// Every command of the table was tried, and every flag crm knows is documented under one.
	t.deepEqual(
		COMMANDS.map((c) => c.name).filter((name) => !lines.some(([n]) => n === name)),
		[],
		'commands whose --help is not tried here',
	);
	const missing = Object.keys(FLAGS)
		.map(flagName)
		.filter((f) => !printed.has(f));
	t.deepEqual(missing, [], 'flags in no command usage');
	t.log(`${runs + 1} --help runs, nothing changed, nothing sent`);
});

// ---- the validators the TUI fields use, with the same tables ----

function throwsNamingField(t: ExecutionContext, fn: () => unknown, field: string, label: string): void {
	try {
		fn();
		t.fail(`${label}: accepted`);
	} catch (error) {
		t.true(error instanceof CrmError, label);
		t.is((error as CrmError).field, field, label);
		t.is((error as CrmError).exitCode, 2, label);
		t.true((error as CrmError).message.length < 400, `${label}: short message`);
		t.false(UNPRINTABLE.test((error as CrmError).message), `${label}: no control char`);
	}
	tried += 1;
}

test('validators (shared by the CLI, the TUI and batch import) refuse every bad value, naming the field', (t) => {
	for (const [, v] of URLS)
		throwsNamingField(t, () => validateUrl(v, 'URL'), 'URL', `url ${JSON.stringify(v)}`);
	for (const [, v] of KEYS)
		throwsNamingField(t, () => validateKey(v, 'key'), 'key', `key ${JSON.stringify(v)}`);
	for (const [, v] of NAMES)
		throwsNamingField(t, () => validateName(v, 'name'), 'name', `name ${JSON.stringify(v)}`);
	for (const [, v] of PREFIXES)
		throwsNamingField(t, () => validatePrefix(v, 'prefix', 'crm-'), 'prefix', `prefix ${JSON.stringify(v)}`);
	for (const [, v] of DOMAINS)
		throwsNamingField(t, () => validateDomain(v, 'domain', 'crm.invalid'), 'domain', `domain ${v}`);
	for (const [, v] of EMAILS) throwsNamingField(t, () => validateEmail(v, 'email'), 'email', `email ${v}`);
	for (const [, v] of MODELS)
		throwsNamingField(t, () => validateModelName(v, 'model'), 'model', `model ${v}`);
	for (const [, v] of ACCESS)
		throwsNamingField(t, () => validateAccessMode(v, 'subscription', 'access'), 'access', `access ${v}`);
	// The TUI's validate-as-you-type wrappers give a message for each, never null.
	for (const [, v] of URLS) t.truthy(checkUrl(v), `checkUrl ${JSON.stringify(v)}`);
	for (const [, v] of KEYS) t.truthy(checkKey(v), `checkKey ${JSON.stringify(v)}`);
	for (const [, v] of NAMES) t.truthy(checkName(v), `checkName ${JSON.stringify(v)}`);
	for (const [, v] of EMAILS) t.truthy(checkEmail(v), `checkEmail ${JSON.stringify(v)}`);
	// And good values still pass.
	t.is(validateUrl('https://api.deepseek.com/', 'URL'), 'https://api.deepseek.com');
	t.is(validateKey('sk-abcdef123\n', 'key'), 'sk-abcdef123');
	t.is(validateName('主机-1', 'name'), '主机-1');
	t.is(validateAccessMode(undefined, 'subscription'), 'subscription');
});

test.after.always('bad inputs tried', (t) => {
	mkdirSync(SPOOL, {recursive: true});
	writeFileSync(path.join(SPOOL, 'bad-inputs.json'), JSON.stringify({bad_inputs: tried}) + '\n');
	t.log(`bad inputs tried: ${tried}`);
	t.true(tried > 0, 'the table of bad inputs was run');
});
