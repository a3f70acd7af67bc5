// The end-of-file secret scan (docs/domain.md, Secrets), for suites that run the real CLI.
//
// ava runs every test FILE in its own process, so one scan "after the whole suite" cannot see the
// other files' outputs. Instead each reliability/security file calls guardFile() once: its
// after.always hook scans, in that process, every data folder the file used (state.json excepted,
// the one home of secrets), every evidence file under them and every stdout/stderr captured by
// test/helpers/cli.ts (runCli and killInStep push there), for every secret the file used — the
// sandbox admin key and password, the provider keys, and every credential, session token, managed
// user password and user key found in those folders' state.json — raw, base64 and URL-encoded.
// It also checks modes (state files 0600, folders 0700). A leak fails the hook, so it fails the
// run. Each file also writes its figures to a spool folder for the readme's numbers.
import {mkdirSync, readFileSync, writeFileSync, existsSync, readdirSync, statSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import type {TestFn} from 'ava';
import {captured} from './cli.js';
import {scanForSecrets} from './scan.js';
import {rawBatchSecrets} from './state-file.js';

export interface FileGuard {
	/** A data folder this file's commands used. */
	dir(dir: string): string;
	/** Secrets this file put in the environment. */
	secrets(...values: Array<string | null | undefined>): void;
}

/** Every secret value a state.json holds: host credentials, sessions, managed users' passwords and keys. */
export function stateSecrets(dir: string): string[] {
	const file = path.join(dir, 'state.json');
	if (!existsSync(file)) return [];
	let state: any;
	try {
		state = JSON.parse(readFileSync(file, 'utf8'));
	} catch {
		return [];
	}
	if (!state || typeof state !== 'object') return []; // a test may leave a corrupt state behind
	const out: string[] = [];
	for (const h of state.hosts ?? []) {
		out.push(h.credential?.admin_api_key, h.credential?.password);
		out.push(h.session?.access_token, h.session?.refresh_token);
	}
	for (const s of rawBatchSecrets(state)) out.push(s.user_password, s.user_key);
	return out.filter((s): s is string => typeof s === 'string' && s.length >= 8);
}

function walk(dir: string): Array<{path: string; dir: boolean; mode: number}> {
	const out: Array<{path: string; dir: boolean; mode: number}> = [];
	const visit = (p: string) => {
		const st = statSync(p);
		out.push({path: p, dir: st.isDirectory(), mode: st.mode & 0o777});
		if (st.isDirectory()) for (const c of readdirSync(p)) visit(path.join(p, c));
	};
	if (existsSync(dir)) visit(dir);
	return out;
}

export const SPOOL = path.join(tmpdir(), 'crm-suite-spool');

export function guardFile(test: TestFn, name: string): FileGuard {
	const dirs = new Set<string>();
	const secrets = new Set<string>();
	test.after.always(
		`${name}: no secret in any data folder, evidence file or captured output; modes 0600/0700`,
		(t) => {
			const all = new Set(secrets);
			for (const d of dirs) for (const s of stateSecrets(d)) all.add(s);
			const list = [...all].filter((s) => s.length >= 8);
			const existing = [...dirs].filter((d) => existsSync(d));
			const leaks = scanForSecrets(existing, captured, list, {allowStateFile: true});
			t.deepEqual(leaks, [], 'no secret outside state.json');
			const badModes = existing
				.flatMap((d) => walk(d))
				.filter((e) => e.mode !== (e.dir ? 0o700 : 0o600))
				.map((e) => `${e.path} ${e.mode.toString(8)}`);
			t.deepEqual(badModes, [], 'files 0600, folders 0700');
			const files = existing.flatMap((d) => walk(d)).filter((e) => !e.dir).length;
			mkdirSync(SPOOL, {recursive: true});
			writeFileSync(
				path.join(SPOOL, `${name}.json`),
				JSON.stringify({
					file: name,
					at: new Date().toISOString(),
					data_folders: existing.length,
					files_scanned: files,
					outputs_scanned: captured.length,
					secrets_checked: list.length,
					leaks: leaks.length,
					bad_modes: badModes.length,
				}) + '\n',
			);
			t.true(list.length > 0 || existing.length === 0, 'the scan had secrets to look for');
		},
	);
	return {
		dir(d) {
			dirs.add(d);
			return d;
		},
		secrets(...values) {
			for (const v of values) if (v) secrets.add(v);
		},
	};
}
