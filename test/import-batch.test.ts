// crm import-batch through the real CLI against the in-process sandbox:
// detection, bounded-concurrency imports, failure classes, duplicate and already-imported rows,
// reruns, input checks before anything runs, the permission warning, Ctrl-C, and no key anywhere.
import test from 'ava';
import {chmodSync, existsSync, readFileSync, readdirSync, writeFileSync} from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import {resourceKey} from '../source/store/schema.js';
import {StateStore} from '../source/store/state-store.js';
import {startCli, tempDataDir, type CliResult} from './helpers/cli.js';
import {countOurs, hostEnv, liveOurs, parseJson, type HostEnv} from './helpers/host-env.js';
import {scanForSecrets} from './helpers/scan.js';

const BAD_KEY = 'sk-not-the-step-key-0000000000';
const UNREACHABLE_KEY = 'sk-nobody-listens-here-1111111';

/** A 127.0.0.1 port with nothing listening (bound, then closed). */
async function closedPort(): Promise<number> {
	const server = net.createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const {port} = server.address() as net.AddressInfo;
	await new Promise((resolve) => server.close(resolve));
	return port;
}

function writeList(lines: string[], mode = 0o600): string {
	const file = path.join(tempDataDir('crm-batch-file'), 'providers.csv');
	writeFileSync(file, lines.join('\n') + '\n', {mode});
	chmodSync(file, mode); // whatever the umask
	return file;
}

const up = (env: HostEnv, pack: string) => env.sandbox.info.upstreams[pack]!;
const batchRun = (env: HostEnv, file: string, extra: string[] = []) =>
	env.run(['import-batch', '--host', 'sb', '--file', file, '--json', ...extra]);

const CLI_FIELDS = [
	'line',
	'url',
	'pack',
	'detected_by',
	'batch_id',
	'batch_status',
	'access_status',
	'failure_class',
	'skipped',
	'duration_ms',
];

test('a file across several providers, a bad key, an unreachable URL and a duplicate: detected, imported side by side, rerun imports nothing new', async (t) => {
	const env = await hostEnv(t);
	const port = await closedPort();
	const file = writeList([
		'url,key,pack,access', // 1 header
		'# fake providers of the sandbox', // 2
		`${up(env, 'deepseek').base_url},${up(env, 'deepseek').api_key}`, // 3 models -> deepseek
		`${up(env, 'kimi').base_url},${up(env, 'kimi').api_key}`, // 4 models -> kimi
		`${up(env, 'minimax').base_url},${up(env, 'minimax').api_key}`, // 5 models -> minimax
		`${up(env, 'relay').base_url},${up(env, 'relay').api_key}`, // 6 mixed families -> relay
		'', // 7
		`${up(env, 'glm').base_url},${up(env, 'glm').api_key},glm,self_service`, // 8 column
		`${up(env, 'qwen').base_url},${up(env, 'qwen').api_key},qwen`, // 9 column (no /models)
		`${up(env, 'step').base_url},${BAD_KEY}`, // 10 bad key
		`http://127.0.0.1:${port}/v1,${UNREACHABLE_KEY}`, // 11 unreachable
		`${up(env, 'deepseek').base_url}/,${up(env, 'deepseek').api_key}`, // 12 duplicate of 3
	]);
	const first = await batchRun(env, file, ['--concurrency', '4']);
	t.is(first.code, 1, first.stderr);
	const a = parseJson(first);
	t.deepEqual(Object.keys(a), ['run_id', 'results', 'totals']);
	t.deepEqual(
		a.results.map((r: any) => r.line),
		[3, 4, 5, 6, 8, 9, 10, 11, 12],
	);
	for (const r of a.results)
		for (const field of CLI_FIELDS) t.true(field in r, `line ${r.line} has ${field}`);
	const by = (line: number) => a.results.find((r: any) => r.line === line);

	// Detection
	t.deepEqual(
		a.results.map((r: any) => [r.line, r.pack, r.detected_by]),
		[
			[3, 'deepseek', 'models'],
			[4, 'kimi', 'models'],
			[5, 'minimax', 'models'],
			[6, 'relay', 'fallback'],
			[8, 'glm', 'column'],
			[9, 'qwen', 'column'],
			[10, 'relay', 'fallback'],
			[11, 'relay', 'fallback'],
			[12, 'deepseek', 'models'],
		],
	);
	t.deepEqual(
		by(6)
			.detection.families.map((f: any) => f.pack)
			.sort(),
		['deepseek', 'glm', 'qwen'],
	);
	t.is(by(3).detection.families[0].count, 3);
	t.is(by(10).detection.models_error.status, 401);
	t.is(by(11).detection.models_error.kind, 'network');

	// Good rows reach ready, each its own batch
	for (const line of [3, 4, 5, 6, 8, 9]) {
		const r = by(line);
		t.is(r.batch_status, 'succeeded', `line ${line}: ${r.message}`);
		t.regex(r.access_status, /_ready$/);
		t.is(r.failure_class, null);
		t.false(r.skipped);
		t.regex(r.batch_id, /^b\d{8}-\d{6}-[0-9a-f]{6}$/);
		t.true(r.duration_ms > 0);
	}
	t.is(by(8).access_status, 'self_service_ready'); // the fourth column
	t.is(by(9).access_status, 'subscription_ready'); // the pack's default
	t.is(by(6).access_status, 'self_service_ready');
	t.is(new Set([3, 4, 5, 6, 8, 9].map((l) => by(l).batch_id)).size, 6);

	// Bad ones fail with the right class, before anything is created on the host
	t.is(by(10).batch_status, 'failed');
	t.is(by(10).failure_class, 'upstream_auth_issue');
	t.is(by(10).stopped_at_step, 'upstream_probe');
	t.is(by(11).batch_status, 'failed');
	t.is(by(11).failure_class, 'network_unreachable');
	t.is(by(11).stopped_at_step, 'upstream_probe');
	t.false(by(10).skipped);

	// The duplicate row is skipped, pointing at line 3 and its batch
	t.true(by(12).skipped);
	t.is(by(12).skip_reason, 'duplicate_row');
	t.is(by(12).duplicate_of, 3);
	t.is(by(12).batch_id, by(3).batch_id);

	t.deepEqual(a.totals, {succeeded: 6, failed: 2, skipped: 1, invalid: 0, not_run: 0});
	t.regex(first.stderr, /line 3: deepseek \(models\)/);
	t.regex(first.stderr, /line 6: relay \(fallback\) — mixed families/);
	t.regex(first.stderr, /line 12: skipped/);

	// Every row's batch carries its own evidence, starting with the detection
	for (const line of [3, 6, 10]) {
		const dir = path.join(env.data, 'artifacts', by(line).batch_id);
		const detection = JSON.parse(readFileSync(path.join(dir, '00-detection.json'), 'utf8'));
		t.is(detection.line, line);
		t.is(detection.pack, by(line).pack);
		t.is(detection.detected_by, by(line).detected_by);
		t.true(readdirSync(dir).includes('summary.json'));
	}

	// Concurrent runImports on one locked store lost nothing: index, batch files, resource index and host agree
	const store = await StateStore.open(env.data);
	t.is(store.data.batches.length, 8);
	t.false(store.data.batches.some((b) => b.batch_status === 'running'));
	for (const r of a.results.filter((x: any) => !x.skipped)) {
		const index = store.data.batches.find((b) => b.batch_id === r.batch_id)!;
		t.truthy(index, `line ${r.line}`);
		t.is(index.batch_status, r.batch_status);
		t.is(index.access_status, r.access_status);
		t.is(index.failure_class, r.failure_class);
		t.is(index.pack, r.pack);
		const batchFile = (await store.readBatch(r.batch_id))!;
		t.is(batchFile.steps.at(-1)?.name, 'summary', `line ${r.line}`);
		const live = batchFile.resources.filter((x) => x.status !== 'failed');
		t.is(index.resource_count, live.length);
		t.is(
			live.length,
			r.batch_status !== 'succeeded' ? 0 : r.access_mode === 'subscription' ? 5 : 4,
			`line ${r.line}`,
		);
		for (const res of live) {
			t.is(res.status, 'created');
			t.is(
				store.resources.owner(resourceKey(index.host_id, res.resource_type, res.host_resource_id!)),
				r.batch_id,
			);
		}
	}
	const ours = liveOurs(env.sandbox);
	t.is(ours.groups.length, 6);
	t.is(ours.accounts.length, 6);
	const before = countOurs(env.sandbox);

	// Second run of the same file: nothing new
	const second = await batchRun(env, file);
	t.is(second.code, 1); // the two bad rows still fail
	const b = parseJson(second);
	for (const line of [3, 4, 5, 6, 8, 9]) {
		const r = b.results.find((x: any) => x.line === line);
		t.true(r.skipped, `line ${line}`);
		t.is(r.skip_reason, 'already_imported');
		t.is(r.batch_id, by(line).batch_id);
	}
	t.is(b.results.find((x: any) => x.line === 12).skip_reason, 'duplicate_row');
	t.deepEqual(b.totals, {succeeded: 0, failed: 2, skipped: 7, invalid: 0, not_run: 0});
	t.is(countOurs(env.sandbox), before);
	const after = await StateStore.open(env.data);
	t.is(after.data.batches.filter((x) => x.batch_status === 'succeeded').length, 6);

	const human = await env.run(['import-batch', '--host', 'sb', '--file', file]);
	t.is(human.code, 1);
	t.regex(human.stdout, /LINE\s+URL\s+PACK\s+BY\s+STATUS/);
	t.regex(human.stdout, /skipped \(already imported\)/);
	t.regex(human.stdout, /0 succeeded · 2 failed · 7 skipped/);

	const leaks = scanForSecrets(
		[env.data],
		[first, second, human],
		[...env.secrets(), BAD_KEY, UNREACHABLE_KEY],
		{allowStateFile: true},
	);
	t.deepEqual(leaks, []);
});

test('malformed lines: all reported by line number before anything runs; state and host unchanged; no key echoed', async (t) => {
	const env = await hostEnv(t);
	const file = writeList([
		`${up(env, 'deepseek').base_url},${up(env, 'deepseek').api_key}`, // 1 fine
		`${up(env, 'kimi').base_url}`, // 2 no key
		`${up(env, 'kimi').api_key},${up(env, 'kimi').base_url}`, // 3 columns swapped
		`${up(env, 'glm').base_url},${up(env, 'glm').api_key},gml`, // 4 unknown pack
		`${up(env, 'glm').base_url},${up(env, 'glm').api_key},glm,both`, // 5 bad access mode
		`"${up(env, 'step').base_url}","${up(env, 'step').api_key}"x`, // 6 broken quoting
	]);
	const stateBefore = readFileSync(path.join(env.data, 'state.json'), 'utf8');
	const calls = env.sandbox.snapshot().upstream_log.length;
	const result = await batchRun(env, file);
	t.is(result.code, 2);
	const error = parseJson(result).error;
	t.is(error.exit_code, 2);
	t.is(error.kind, 'invalid_input');
	t.is(error.field, '--file');
	t.regex(error.message, /5 invalid lines; nothing was imported/);
	for (const line of [2, 3, 4, 5, 6]) t.regex(error.message, new RegExp(`line ${line}: `));
	t.notRegex(error.message, /line 1: /);
	t.regex(error.message, /--skip-invalid/);
	t.regex(result.stderr, /line 4: pack: no pack "gml"/);
	// Nothing ran: no upstream asked, no host resource, no batch, state.json untouched
	t.is(env.sandbox.snapshot().upstream_log.length, calls);
	t.is(countOurs(env.sandbox), 0);
	t.is(readFileSync(path.join(env.data, 'state.json'), 'utf8'), stateBefore);
	t.false(existsSync(path.join(env.data, 'artifacts')));
	t.deepEqual(scanForSecrets([], [result], env.secrets()), []);
});

test('--skip-invalid imports the valid lines and reports the invalid ones as skipped', async (t) => {
	const env = await hostEnv(t);
	const file = writeList([
		`${up(env, 'deepseek').base_url},${up(env, 'deepseek').api_key}`,
		'ftp://files.example/v1,sk-some-key-22222222',
		`${up(env, 'glm').base_url},${up(env, 'glm').api_key},glm`,
	]);
	const result = await batchRun(env, file, ['--skip-invalid']);
	t.is(result.code, 0, result.stderr);
	const r = parseJson(result);
	t.deepEqual(
		r.results.map((x: any) => [x.line, x.skipped, x.skip_reason, x.batch_status]),
		[
			[1, false, null, 'succeeded'],
			[2, true, 'invalid_line', null],
			[3, false, null, 'succeeded'],
		],
	);
	const invalid = r.results[1];
	t.is(invalid.url, null);
	t.is(invalid.failure_class, 'invalid_input');
	t.regex(invalid.message, /^url: /);
	t.deepEqual(r.totals, {succeeded: 2, failed: 0, skipped: 1, invalid: 1, not_run: 0});
	t.regex(result.stderr, /line 2 skipped \(--skip-invalid\)/);
	t.false(result.stderr.includes('sk-some-key-22222222'));
});

test('a key file readable by others or the group gets a warning; 0600 does not', async (t) => {
	const env = await hostEnv(t);
	// Files whose only line is invalid end before any network or state access, so this stays fast.
	const lines = ['not-a-url,sk-perm-check-33333333'];
	const world = await batchRun(env, writeList(lines, 0o644));
	t.is(world.code, 2);
	t.regex(world.stderr, /readable by every user \(mode 0644\) and holds provider keys: chmod 600/);
	const group = await batchRun(env, writeList(lines, 0o640));
	t.regex(group.stderr, /readable by its group \(mode 0640\)/);
	const own = await batchRun(env, writeList(lines, 0o600));
	t.notRegex(own.stderr, /readable by/);
	t.deepEqual(scanForSecrets([], [world, group, own], ['sk-perm-check-33333333']), []);
});

test('usage: --concurrency out of range, no --file, unknown host, an empty list: exit 2, nothing run', async (t) => {
	const env = await hostEnv(t);
	const file = writeList([`${up(env, 'deepseek').base_url},${up(env, 'deepseek').api_key}`]);
	for (const n of ['0', '33', '1.5']) {
		const r = await batchRun(env, file, ['--concurrency', n]);
		t.is(r.code, 2, n);
		t.is(parseJson(r).error.field, '--concurrency');
	}
	const noFile = await env.run(['import-batch', '--host', 'sb', '--json']);
	t.is(noFile.code, 2);
	t.is(parseJson(noFile).error.field, '--file');
	const missing = await batchRun(env, path.join(env.data, 'nope.csv'));
	t.is(missing.code, 2);
	const host = await env.run(['import-batch', '--host', 'nohost', '--file', file, '--json']);
	t.is(host.code, 2);
	t.is(parseJson(host).error.field, '--host');
	const empty = await batchRun(env, writeList(['# nothing yet', '']));
	t.is(empty.code, 2);
	t.regex(parseJson(empty).error.message, /holds no url,key lines/);
	t.is(countOurs(env.sandbox), 0);
	t.is(env.sandbox.snapshot().upstream_log.length, 0);
});

test('Ctrl-C: no new row starts, the running one stops cleanly, the lock is released; a rerun finishes the file', async (t) => {
	t.timeout(120_000);
	const env = await hostEnv(t, {latencyMs: 120});
	const file = writeList(
		['deepseek', 'kimi', 'minimax', 'step'].map((p) => `${up(env, p).base_url},${up(env, p).api_key}`),
	);
	const child = startCli(
		['import-batch', '--host', 'sb', '--file', file, '--concurrency', '1', '--json', '--data', env.data],
		{
			env: env.env,
		},
	);
	child.stdin!.end();
	let stdout = '';
	let stderr = '';
	let sent = false;
	child.stdout!.on('data', (d) => (stdout += d));
	child.stderr!.on('data', (d) => {
		stderr += d;
		if (!sent && /line 1: .*create_group/.test(stderr)) {
			sent = true;
			child.kill('SIGINT');
		}
	});
	const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
	t.true(sent, stderr);
	t.is(code, 1, stderr);
	const r = JSON.parse(stdout);
	const [stopped, ...rest] = r.results;
	t.is(stopped.line, 1);
	t.is(stopped.batch_status, 'failed');
	t.is(stopped.failure_class, null);
	t.regex(stopped.message, /stopped by the operator/);
	for (const row of rest) {
		t.true(row.not_run, `line ${row.line}`);
		t.is(row.batch_id, null);
	}
	t.deepEqual(r.totals, {succeeded: 0, failed: 1, skipped: 0, invalid: 0, not_run: 3});
	t.regex(stderr, /SIGINT: stopping cleanly/);
	t.false(existsSync(path.join(env.data, 'state.lock')));
	const store = await StateStore.open(env.data);
	t.deepEqual(
		store.data.batches.map((b) => b.batch_status),
		['failed'],
	);

	const rerun: CliResult = await batchRun(env, file);
	t.is(rerun.code, 0, rerun.stderr);
	t.deepEqual(parseJson(rerun).totals, {succeeded: 4, failed: 0, skipped: 0, invalid: 0, not_run: 0});
	t.deepEqual(scanForSecrets([env.data], [rerun, stdout, stderr], env.secrets(), {allowStateFile: true}), []);
});
