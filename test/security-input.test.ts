// Bad input (issue 8, part 3): every flag of host add, import, reconcile, rollback, repair, batches,
// status, batch show, sandbox and packs with empty, overlong, malformed, unicode and injection-like
// values. Each must end with exit 2, a JSON error naming the field, a short message on stderr with no
// raw control character, and change nothing: state.json byte-identical, no new file in the data
// folder, the sandbox snapshot identical and no request sent to the host. The validators the TUI
// fields use (source/core/validate.ts, source/ui/validators.ts) get the same value table directly.
import test, {type ExecutionContext} from 'ava';
import {mkdirSync, readFileSync, readdirSync, statSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {CrmError} from '../source/lib/errors.js';
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
		timeoutMs: c.args[0] === 'sandbox' ? 8000 : 30_000,
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
