import test from 'ava';
import {existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {x as tarExtract} from 'tar';
import {bundleNames, listBundle} from '../source/core/acceptance/index.js';
import {hostEnv, parseJson, type HostEnv} from './helpers/host-env.js';
import {scanForSecrets} from './helpers/scan.js';
import {rawBatchSecrets} from './helpers/state-file.js';

const accept = (env: HostEnv, pack: string) =>
	env.run(
		[
			'accept',
			'--host',
			'sb',
			'--pack',
			pack,
			'--url',
			env.sandbox.info.upstreams[pack]!.base_url,
			'--key-env',
			'PROVIDER_KEY',
			'--access',
			'self_service',
			'--json',
		],
		{PROVIDER_KEY: env.sandbox.info.upstreams[pack]!.api_key},
	);

function stateSecrets(env: HostEnv): string[] {
	const state = JSON.parse(readFileSync(path.join(env.data, 'state.json'), 'utf8'));
	return [
		...env.secrets(),
		...rawBatchSecrets(state).flatMap((s) => [s.user_password, s.user_key]),
		...state.hosts.flatMap((h: any) => [h.credential.admin_api_key, h.session?.access_token]),
	].filter((s): s is string => Boolean(s));
}

test('retention: keep marks final, archive moves exactly the non-final runs, keep brings one back', async (t) => {
	const env = await hostEnv(t);
	const outputs = [];
	const ids: string[] = [];
	for (const pack of ['deepseek', 'minimax', 'step']) {
		const run = await accept(env, pack);
		t.is(run.code, 0, run.stderr);
		outputs.push(run);
		ids.push(parseJson(run).run_id);
	}
	const [finalId, trialA, trialB] = ids as [string, string, string];
	const main = path.join(env.data, 'acceptance');
	const archive = path.join(main, 'archive');

	const kept = await env.run(['evidence', 'keep', finalId, '--json']);
	t.is(kept.code, 0, kept.stderr);
	t.like(parseJson(kept), {run_id: finalId, final: true, archived: false});

	const archived = await env.run(['evidence', 'archive', '--json']);
	t.is(archived.code, 0, archived.stderr);
	const a = parseJson(archived);
	t.deepEqual(a.archived.map((x: any) => x.run_id).sort(), [trialA, trialB].sort());
	t.deepEqual(a.kept, [finalId]);
	// The main folder holds only final evidence; the archive exactly the trials, files intact.
	t.deepEqual(
		readdirSync(main)
			.filter((f) => f !== 'archive')
			.sort(),
		[finalId],
	);
	t.deepEqual(readdirSync(archive).sort(), [trialA, trialB].sort());
	t.true(existsSync(path.join(archive, trialA, '21-summary.json')));

	const list = parseJson(await env.run(['evidence', 'list', '--json']));
	const byId = new Map(list.runs.map((r: any) => [r.run_id, r]));
	t.like(byId.get(finalId), {final: true, archived: false, evidence_dir: path.join(main, finalId)});
	t.like(byId.get(trialA), {final: false, archived: true, evidence_dir: path.join(archive, trialA)});
	t.like(byId.get(trialB), {final: false, archived: true, present: true});
	// Newest first.
	t.deepEqual(
		list.runs.map((r: any) => r.run_id),
		[...ids].reverse(),
	);

	// A second archive has nothing to move.
	t.deepEqual(parseJson(await env.run(['evidence', 'archive', '--json'])).archived, []);

	// Keeping an archived run moves it back to the main folder.
	const back = parseJson(await env.run(['evidence', 'keep', trialB, '--json']));
	t.like(back, {final: true, archived: false, evidence_dir: path.join(main, trialB)});
	t.true(existsSync(path.join(main, trialB, 'README.md')));
	t.false(existsSync(path.join(archive, trialB)));

	// Human list.
	const human = await env.run(['evidence', 'list']);
	t.is(human.code, 0);
	t.regex(human.stdout, /RUN\s+RESULT\s+HOST\s+PACK/);
	t.regex(human.stdout, new RegExp(`${trialA}\\s+ready\\s+sb\\s+minimax\\s+self_service_ready\\s+archived`));

	// Unknown run: exit 2; a subcommand typo: exit 2.
	const unknown = await env.run(['evidence', 'keep', 'a-nope', '--json']);
	t.is(unknown.code, 2);
	t.regex(parseJson(unknown).error.message, /no acceptance run "a-nope"/);
	t.is((await env.run(['evidence', 'prune'])).code, 2);

	t.deepEqual(scanForSecrets([main], [...outputs, kept, archived, human], stateSecrets(env)), []);
});

test('export: a tar.gz whose listing matches the run folder, with no secret inside', async (t) => {
	const env = await hostEnv(t);
	const run = await accept(env, 'glm');
	t.is(run.code, 0, run.stderr);
	const r = parseJson(run);
	const outDir = mkdtempSync(path.join(tmpdir(), 'crm-export-'));
	const out = path.join(outDir, 'hand-over.tar.gz');

	const exported = await env.run(['evidence', 'export', r.run_id, '--out', out, '--json']);
	t.is(exported.code, 0, exported.stderr);
	const e = parseJson(exported);
	t.is(e.out, out);
	t.true(statSync(out).size > 0);
	t.is(e.bytes, statSync(out).size);
	t.is(statSync(out).mode & 0o077, 0);

	const expected = bundleNames(r.evidence_dir);
	t.true(expected.includes(`${r.run_id}/21-summary.json`));
	t.true(expected.includes(`${r.run_id}/05-import-steps/09-access_smoke.json`));
	t.deepEqual(await listBundle(out), expected);
	t.deepEqual(e.entries, expected);

	// Unpacked, the bundle is byte-for-byte the folder, and holds no secret (compressed or not).
	const unpacked = mkdtempSync(path.join(tmpdir(), 'crm-unpacked-'));
	await tarExtract({file: out, cwd: unpacked});
	for (const name of expected) {
		t.deepEqual(
			readFileSync(path.join(unpacked, name)),
			readFileSync(path.join(path.dirname(r.evidence_dir), name)),
		);
	}
	const secrets = stateSecrets(env);
	t.deepEqual(scanForSecrets([unpacked, outDir], [run, exported], secrets), []);

	// Refusals: no --out, not a .tar.gz, an existing file (unless --force), an unknown run.
	const noOut = await env.run(['evidence', 'export', r.run_id, '--json']);
	t.is(noOut.code, 2);
	t.is(parseJson(noOut).error.field, '--out');
	t.is((await env.run(['evidence', 'export', r.run_id, '--out', path.join(outDir, 'x.zip')])).code, 2);
	const exists = await env.run(['evidence', 'export', r.run_id, '--out', out, '--json']);
	t.is(exists.code, 2);
	t.regex(parseJson(exists).error.message, /already exists/);
	t.is((await env.run(['evidence', 'export', r.run_id, '--out', out, '--force'])).code, 0);
	t.is((await env.run(['evidence', 'export', 'a-nope', '--out', path.join(outDir, 'y.tgz')])).code, 2);

	// A file with a secret dropped into the folder by hand: the export refuses, naming the file only.
	const adminKey = env.sandbox.info.admin_api_key;
	writeFileSync(path.join(r.evidence_dir, 'notes.txt'), `pasted by hand: ${adminKey}\n`);
	const refused = await env.run([
		'evidence',
		'export',
		r.run_id,
		'--out',
		path.join(outDir, 'z.tar.gz'),
		'--json',
	]);
	t.is(refused.code, 1);
	t.regex(parseJson(refused).error.message, /notes\.txt holds a secret/);
	t.false(existsSync(path.join(outDir, 'z.tar.gz')));
	t.deepEqual(scanForSecrets([], [refused], secrets), []);
});
