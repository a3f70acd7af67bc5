// The matrix is keyed like the original's evidence: host + pack + (the provider's official host, or
// the relay URL). An official MiniMax result and a MiniMax relay result are two rows.
import test from 'ava';
import {mkdtempSync, readdirSync, readFileSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {packsDir} from '../source/core/packs/packs.js';
import {hostEnv, parseJson, type HostEnv} from './helpers/host-env.js';

/** The real packs, with the sandbox's 127.0.0.1 counted as MiniMax's official host. */
function packsWithOfficialSandbox(): string {
	const dir = mkdtempSync(path.join(tmpdir(), 'packs-'));
	for (const f of readdirSync(packsDir()).filter((x) => x.endsWith('.json'))) {
		const pack = JSON.parse(readFileSync(path.join(packsDir(), f), 'utf8'));
		if (pack.id === 'minimax') pack.url_hosts = [...pack.url_hosts, '127.0.0.1'];
		writeFileSync(path.join(dir, f), JSON.stringify(pack));
	}
	return dir;
}

const accept = (env: HostEnv, pack: string, url: string, packs: string) =>
	env.run(
		[
			'accept',
			'--host',
			'sb',
			'--pack',
			pack,
			'--url',
			url,
			'--key-env',
			'PROVIDER_KEY',
			'--access',
			'subscription',
			'--json',
		],
		{PROVIDER_KEY: env.sandbox.info.upstreams.minimax!.api_key, CRM_PACKS_DIR: packs},
	);

test('official MiniMax and a MiniMax relay URL are two matrix rows; each keeps its own latest result', async (t) => {
	const env = await hostEnv(t);
	const packs = packsWithOfficialSandbox();
	const official = env.sandbox.info.upstreams.minimax!.base_url;
	// The same fake provider reached by another name: not an official host, so a relay URL.
	const relay = official.replace('127.0.0.1', 'localhost');

	const a = await accept(env, 'minimax', official, packs);
	t.is(a.code, 0, a.stderr);
	env.sandbox.setFaults({upstream: {minimax: 'quota'}});
	const b = await accept(env, 'minimax', relay, packs);
	t.is(b.code, 1, b.stderr);

	const m = parseJson(await env.run(['matrix', '--json'], {CRM_PACKS_DIR: packs}));
	t.deepEqual(
		m.rows.map((r: any) => [r.pack, r.endpoint, r.base_url, r.result]),
		[
			['minimax', 'official', official, 'ready'],
			['minimax', 'relay', relay, 'upstream_key_quota_issue'],
		],
	);
	t.is(m.rows[0].run_id, parseJson(a).run_id);
	t.is(m.rows[1].run_id, parseJson(b).run_id);

	// A later official run replaces only the official row.
	const c = await accept(env, 'minimax', official, packs);
	t.is(c.code, 1);
	const after = parseJson(await env.run(['matrix', '--json'], {CRM_PACKS_DIR: packs}));
	t.deepEqual(
		after.rows.map((r: any) => [r.endpoint, r.run_id]),
		[
			['official', parseJson(c).run_id],
			['relay', parseJson(b).run_id],
		],
	);
	const human = await env.run(['matrix'], {CRM_PACKS_DIR: packs});
	t.regex(human.stdout, /sb\s+minimax\s+official\s+upstream_key_quota_issue/);
	t.true(human.stdout.includes(relay));
});
