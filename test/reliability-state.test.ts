// State (issue 8, part 4). A truncated, schema-invalid or newer-version state.json is refused with
// exit 4 by EVERY command that reads state, and the data folder is left byte-identical (no lock or
// temp file left either); a corrupt batch file is refused the same way by the commands that read it.
// Two real imports into one data folder: the second exits 4 at once naming the holder, or with
// --lock-wait-s waits and runs after it; state is valid afterwards. (Migration from schema 1 is in
// test/store.test.ts.)
import test from 'ava';
import {cpSync, readFileSync, readdirSync, statSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {StateStore} from '../source/store/state-store.js';
import {captured, runCli, startCli, tempDataDir} from './helpers/cli.js';
import {hostEnv, parseJson, type HostEnv} from './helpers/host-env.js';
import {guardFile} from './helpers/leak-guard.js';

const guard = guardFile(test, 'reliability-state');

/** Every file under a folder with its bytes, to prove nothing was touched. */
function contents(dir: string): Record<string, string> {
	const out: Record<string, string> = {};
	const walk = (p: string) => {
		for (const c of readdirSync(p)) {
			const full = path.join(p, c);
			if (statSync(full).isDirectory()) walk(full);
			else out[path.relative(dir, full)] = readFileSync(full).toString('base64');
		}
	};
	walk(dir);
	return out;
}

/** Every command that reads state, with arguments that get it as far as reading state. */
function commands(batchId: string): Array<[string, string[], Record<string, string>?]> {
	const key = {K: 'sk-state-test-key-0001'};
	const url = 'http://127.0.0.1:9';
	return [
		['host list', ['host', 'list']],
		['host show', ['host', 'show', 'sb']],
		['host remove', ['host', 'remove', 'sb']],
		['host add', ['host', 'add', '--name', 'sb2', '--url', url, '--admin-key-env', 'K'], key],
		['import', ['import', '--host', 'sb', '--pack', 'deepseek', '--url', url, '--key-env', 'K'], key],
		['batches', ['batches']],
		['batch show', ['batch', 'show', batchId]],
		['status', ['status']],
		['reconcile', ['reconcile', '--host', 'sb']],
		['reconcile --batch', ['reconcile', '--batch', batchId]],
		['rollback', ['rollback', '--batch', batchId, '--yes']],
		['rollback --dry-run', ['rollback', '--batch', batchId, '--dry-run']],
		['repair', ['repair', '--batch', batchId]],
		['accept', ['accept', '--host', 'sb', '--pack', 'deepseek', '--url', url, '--key-env', 'K'], key],
		['evidence list', ['evidence', 'list']],
		['matrix', ['matrix']],
	];
}

const STATE_FAULTS: Array<[string, (good: string) => string, RegExp]> = [
	['truncated', (good) => good.slice(0, Math.floor(good.length / 2)), /is not valid JSON/],
	[
		'schema-invalid',
		(good) => JSON.stringify({...JSON.parse(good), batches: [{batch_id: 7}]}, null, 2),
		/fails the schema at batches/,
	],
	[
		'future version',
		(good) => JSON.stringify({...JSON.parse(good), schema_version: 99}, null, 2),
		/schema_version 99, newer than this crm/,
	],
];

let template: {dir: string; batchId: string; env: HostEnv};

test.before(async () => {
	// One real data folder (a host and a succeeded import) to copy and corrupt per case.
	const closers: Array<() => unknown> = [];
	const ctx = {teardown: (fn: () => unknown) => closers.push(fn)} as never;
	const e = await hostEnv(ctx);
	const ok = await e.importPack('deepseek');
	if (ok.code !== 0) throw new Error(ok.stderr);
	template = {dir: e.data, batchId: parseJson(ok).batch_id, env: e};
	guard.dir(e.data);
	guard.secrets(...e.secrets());
	await e.sandbox.close(); // the copies point at a host that is gone: no command may get that far
});

for (const [label, corrupt, message] of STATE_FAULTS) {
	test(`${label} state.json: exit 4 from every command that reads state, every file left as it was`, async (t) => {
		t.timeout(600_000);
		const cases = commands(template.batchId);
		const problems: string[] = [];
		// Bounded parallelism: four commands at a time, each in its own copy.
		for (let i = 0; i < cases.length; i += 4) {
			await Promise.all(
				cases.slice(i, i + 4).map(async ([name, args, env]) => {
					const dir = guard.dir(tempDataDir('crm-state'));
					cpSync(template.dir, dir, {recursive: true});
					const file = path.join(dir, 'state.json');
					writeFileSync(file, corrupt(readFileSync(file, 'utf8')));
					const before = contents(dir);
					const r = await runCli([...args, '--data', dir, '--json'], {env: env ?? {}, timeoutMs: 30_000});
					const doc = (() => {
						try {
							return JSON.parse(r.stdout);
						} catch {
							return null;
						}
					})();
					if (r.code !== 4) problems.push(`${name}: exit ${r.code} ${r.stdout.slice(0, 200)}`);
					else if (!message.test(doc?.error?.message ?? '')) problems.push(`${name}: ${doc?.error?.message}`);
					if (!/left exactly as it is/.test(r.stderr)) problems.push(`${name}: stderr does not say so`);
					if (JSON.stringify(contents(dir)) !== JSON.stringify(before))
						problems.push(`${name}: the data folder changed`);
				}),
			);
		}
		t.deepEqual(problems, [], `${cases.length} commands`);
	});
}

test('a corrupt batch file: exit 4 from the commands that read it, left as it was', async (t) => {
	t.timeout(300_000);
	const problems: string[] = [];
	const cases: Array<[string, string[]]> = [
		['batch show', ['batch', 'show', template.batchId]],
		['rollback --dry-run', ['rollback', '--batch', template.batchId, '--dry-run']],
		['rollback', ['rollback', '--batch', template.batchId, '--yes']],
		['reconcile --batch', ['reconcile', '--batch', template.batchId]],
	];
	for (const [name, args] of cases) {
		const dir = guard.dir(tempDataDir('crm-state'));
		cpSync(template.dir, dir, {recursive: true});
		const file = path.join(dir, 'batches', `${template.batchId}.json`);
		writeFileSync(file, readFileSync(file, 'utf8').slice(0, 100));
		const before = contents(dir);
		const r = await runCli([...args, '--data', dir, '--json']);
		if (r.code !== 4) problems.push(`${name}: exit ${r.code} ${r.stdout.slice(0, 200)}`);
		if (JSON.stringify(contents(dir)) !== JSON.stringify(before))
			problems.push(`${name}: the data folder changed`);
	}
	t.deepEqual(problems, []);
});

/** Starts an import and resolves once it holds the lock (its batch line), with its pid and its end. */
function importHolding(e: HostEnv, extra: string[]) {
	const child = startCli(
		[
			'import',
			'--host',
			'sb',
			'--pack',
			'deepseek',
			'--url',
			e.sandbox.info.upstreams.deepseek!.base_url,
			'--key-env',
			'KEY_DEEPSEEK',
			'--json',
			'--data',
			e.data,
			...extra,
		],
		{env: e.env},
	);
	let stdout = '';
	let stderr = '';
	child.stdout!.on('data', (d) => (stdout += d));
	const holding = new Promise<void>((resolve) =>
		child.stderr!.on('data', (d) => {
			stderr += d;
			if (/^batch /m.test(stderr)) resolve();
		}),
	);
	const done = new Promise<{code: number | null; stdout: string; stderr: string}>((resolve) =>
		child.on('close', (code) => {
			captured.push(stdout, stderr);
			resolve({code, stdout, stderr});
		}),
	);
	child.stdin!.end();
	return {pid: child.pid!, holding, done};
}

test('two imports into one data folder: the second exits 4 naming the holder, or waits with --lock-wait-s', async (t) => {
	const e = await hostEnv(t, {latencyMs: 50});
	guard.dir(e.data);
	guard.secrets(...e.secrets());
	const first = importHolding(e, ['--access', 'subscription']);
	await first.holding;
	let firstDone = false;
	void first.done.then(() => (firstDone = true));
	// While the second tries, the host answers slowly, so the first surely still holds the lock (a
	// loaded machine can take seconds just to start node).
	e.sandbox.setFaults({latency_ms: 2500});
	const second = await e.run([
		'import',
		'--host',
		'sb',
		'--pack',
		'kimi',
		'--url',
		e.sandbox.info.upstreams.kimi!.base_url,
		'--key-env',
		'KEY_KIMI',
		'--json',
	]);
	t.false(firstDone, 'the first import still ran while the second tried (else this proves nothing)');
	e.sandbox.setFaults({latency_ms: 50});
	t.is(second.code, 4, second.stderr);
	const err = parseJson(second).error;
	t.is(err.kind, 'state_locked');
	t.regex(err.message, new RegExp(`pid ${first.pid} on .+ \\(crm import, since `));
	const third = importHolding(e, ['--access', 'self_service', '--lock-wait-s', '120']);
	const [a, c] = await Promise.all([first.done, third.done]);
	t.is(a.code, 0, a.stderr);
	t.is(c.code, 0, c.stderr);
	// The state is valid and holds exactly the two finished batches; the refused one made none; the
	// waiting one started only after the first had finished (they serialized).
	const store = await StateStore.open(e.data);
	const bySub = store.data.batches.find((b) => b.access_mode === 'subscription')!;
	const bySelf = store.data.batches.find((b) => b.access_mode === 'self_service')!;
	t.true(bySelf.created_at >= bySub.finished_at!, `${bySelf.created_at} after ${bySub.finished_at}`);
	t.deepEqual(store.data.batches.map((b) => b.batch_status).sort(), ['succeeded', 'succeeded']);
	t.deepEqual(store.data.batches.map((b) => b.access_mode).sort(), ['self_service', 'subscription']);
	const rec = await e.run(['reconcile', '--host', 'sb', '--json']);
	t.is(rec.code, 0, rec.stdout);
});
