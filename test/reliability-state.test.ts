// State. A truncated, schema-invalid or newer-version state.json is refused with
// exit 4 by EVERY command that reads state, and the data folder is left byte-identical (no lock or
// temp file left either); a corrupt batch file is refused the same way by the commands that read it.
// Two real imports into one data folder: the second exits 4 at once naming the holder, or with
// --lock-wait-s waits and runs after it; state is valid afterwards. (Migration from schema 1 is in
// test/store.test.ts.) The data folder: a `null` state or batch file and a batch
// id not of crm's own shape are corrupt; a batch file missing for an indexed batch is exit 4 naming
// it (never "in sync"); a dead `running` batch reads failed to readers, who write nothing; bad flags
// never create an absent data folder; a shared folder keeps its mode, folders crm makes are 0700.
import test from 'ava';
import {spawnSync} from 'node:child_process';
import {
	chmodSync,
	cpSync,
	existsSync,
	readFileSync,
	readdirSync,
	rmSync,
	statSync,
	writeFileSync,
} from 'node:fs';
import path from 'node:path';
import {StateStore} from '../source/store/state-store.js';
import {captured, runCli, startCli, tempDataDir} from './helpers/cli.js';
import {hostEnv, parseJson, type HostEnv} from './helpers/host-env.js';
import {guardFile} from './helpers/leak-guard.js';
import {editBatchIndex} from './helpers/state-file.js';

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
	['null', () => 'null\n', /holds null instead of the state/],
	[
		'foreign batch id',
		(good) => {
			const state = JSON.parse(good);
			editBatchIndex(state, 0, {batch_id: '../../outside'});
			return JSON.stringify(state);
		},
		/fails the schema at batches\.0\.batch_id: not a batch id crm makes/,
	],
];

let template: {dir: string; batchId: string; env: HostEnv};

/**
 * At most four CLI processes of this file at once, across its concurrent tests: the suite shares
 * two cores with others, and a command that waits for a core longer than its timeout proves nothing.
 */
let busy = 0;
const waiting: Array<() => void> = [];
async function slot<T>(fn: () => Promise<T>): Promise<T> {
	while (busy >= 4) await new Promise<void>((resolve) => waiting.push(resolve));
	busy += 1;
	try {
		return await fn();
	} finally {
		busy -= 1;
		waiting.shift()?.();
	}
}
const limited = (...args: Parameters<typeof runCli>) => slot(() => runCli(...args));

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
		// Bounded parallelism (see limited): each command in its own copy.
		await Promise.all(
			cases.map(async ([name, args, env]) => {
				const dir = guard.dir(tempDataDir('crm-state'));
				cpSync(template.dir, dir, {recursive: true});
				const file = path.join(dir, 'state.json');
				writeFileSync(file, corrupt(readFileSync(file, 'utf8')));
				const before = contents(dir);
				const r = await limited([...args, '--data', dir, '--json'], {env: env ?? {}, timeoutMs: 30_000});
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
		t.deepEqual(problems, [], `${cases.length} commands`);
	});
}

const BATCH_FAULTS: Array<[string, (good: string) => string, RegExp]> = [
	['truncated', (good) => good.slice(0, 100), /is not valid JSON/],
	['null', () => 'null\n', /holds null instead of the batch/],
	[
		'another batch id',
		(good) => JSON.stringify({...JSON.parse(good), batch_id: 'b20200101-000000-000000'}),
		/holds batch b20200101-000000-000000, not /,
	],
	[
		'a foreign batch id',
		(good) => JSON.stringify({...JSON.parse(good), batch_id: '../state'}),
		/fails the schema at batch_id/,
	],
];

test('a corrupt batch file: exit 4 from the commands that read it, left as it was', async (t) => {
	t.timeout(300_000);
	const problems: string[] = [];
	const cases: Array<[string, string[]]> = [
		['batch show', ['batch', 'show', template.batchId]],
		['rollback --dry-run', ['rollback', '--batch', template.batchId, '--dry-run']],
		['rollback', ['rollback', '--batch', template.batchId, '--yes']],
		['reconcile --batch', ['reconcile', '--batch', template.batchId]],
	];
	for (const [fault, corrupt, message] of BATCH_FAULTS)
		for (const [name, args] of cases) {
			const dir = guard.dir(tempDataDir('crm-state'));
			cpSync(template.dir, dir, {recursive: true});
			const file = path.join(dir, 'batches', `${template.batchId}.json`);
			writeFileSync(file, corrupt(readFileSync(file, 'utf8')));
			const before = contents(dir);
			const r = await limited([...args, '--data', dir, '--json']);
			const said = (() => {
				try {
					return JSON.parse(r.stdout).error.message as string;
				} catch {
					return r.stdout;
				}
			})();
			if (r.code !== 4) problems.push(`${fault}, ${name}: exit ${r.code} ${r.stdout.slice(0, 200)}`);
			else if (!message.test(said)) problems.push(`${fault}, ${name}: ${said}`);
			if (JSON.stringify(contents(dir)) !== JSON.stringify(before))
				problems.push(`${fault}, ${name}: the data folder changed`);
		}
	t.deepEqual(problems, []);
});

test('a batch file missing for an indexed batch: exit 4 naming the file from every command that needs it, never "in sync"', async (t) => {
	t.timeout(600_000);
	const e = await hostEnv(t);
	guard.dir(e.data);
	guard.secrets(...e.secrets());
	const ok = await e.importPack('deepseek');
	t.is(ok.code, 0, ok.stderr);
	const batch = parseJson(ok).batch_id as string;
	const file = path.join(e.data, 'batches', `${batch}.json`);
	rmSync(file);
	const before = contents(e.data);
	const snap = JSON.stringify(e.sandbox.snapshot());
	const problems: string[] = [];
	const cases: Array<[string, string[]]> = [
		['batch show', ['batch', 'show', batch]],
		['reconcile --batch', ['reconcile', '--batch', batch]],
		['reconcile --host', ['reconcile', '--host', 'sb']],
		['rollback --dry-run', ['rollback', '--batch', batch, '--dry-run']],
		['rollback', ['rollback', '--batch', batch, '--yes']],
		['repair', ['repair', '--batch', batch]],
		['smoke', ['smoke', '--batch', batch]],
	];
	for (const [name, args] of cases) {
		const r = await slot(() => e.run([...args, '--json']));
		const doc = (() => {
			try {
				return JSON.parse(r.stdout);
			} catch {
				return null;
			}
		})();
		if (r.code !== 4) problems.push(`${name}: exit ${r.code} ${r.stdout.slice(0, 300)}`);
		else if (!doc?.error?.message?.includes(`${file} is missing`))
			problems.push(`${name}: does not name the file: ${doc?.error?.message}`);
		if (/in_sync/.test(r.stdout)) problems.push(`${name}: reads in sync`);
	}
	t.deepEqual(problems, []);
	t.deepEqual(contents(e.data), before, 'nothing in the data folder changed');
	t.is(JSON.stringify(e.sandbox.snapshot()), snap, 'nothing was created or deleted on the host');
	// Reads that need only the index still work.
	const list = await slot(() => e.run(['batches', '--json']));
	t.is(list.code, 0, list.stderr);
	t.deepEqual(
		parseJson(list).batches.map((b: any) => b.batch_id),
		[batch],
	);
});

test('a running batch whose process is gone reads failed to read-only commands, and nothing is written', async (t) => {
	const dir = guard.dir(tempDataDir('crm-state'));
	cpSync(template.dir, dir, {recursive: true});
	const file = path.join(dir, 'state.json');
	const dead = spawnSync(process.execPath, ['-e', '']).pid;
	const setRunning = (pid: number) => {
		const state = JSON.parse(readFileSync(file, 'utf8'));
		editBatchIndex(state, 0, {batch_status: 'running', pid, finished_at: null, failure_class: null});
		writeFileSync(file, JSON.stringify(state));
	};
	setRunning(dead);
	const before = contents(dir);
	const list = await limited(['batches', '--json', '--data', dir]);
	t.is(list.code, 0, list.stderr);
	t.like(parseJson(list).batches[0], {batch_id: template.batchId, batch_status: 'failed'});
	const shown = await limited(['batch', 'show', template.batchId, '--json', '--data', dir]);
	t.is(shown.code, 0, shown.stderr);
	t.like(parseJson(shown), {batch_status: 'failed', failure_class: 'unknown'});
	const status = await limited(['status', '--json', '--data', dir]);
	t.is(status.code, 0, status.stderr);
	t.is(
		parseJson(status).hosts[0].providers[0].access_status,
		'broken',
		'its resources read broken, as crash recovery will record them',
	);
	t.deepEqual(contents(dir), before, 'the readers wrote nothing');
	// A batch whose process is alive (this test's) still reads running.
	setRunning(process.pid);
	const alive = await limited(['batches', '--json', '--data', dir]);
	t.is(parseJson(alive).batches[0].batch_status, 'running');
});

test('every flag is checked before the data folder is touched: bad input with an absent --data creates nothing', async (t) => {
	t.timeout(300_000);
	const K = {K: 'sk-state-test-key-0001'};
	const lines: Array<[string[], number]> = [
		[['host', 'add', '--name', 'x', '--url', 'not a url', '--admin-key-env', 'K'], 2],
		[['host', 'remove'], 2],
		[['host', 'remove', 'nope'], 2],
		[['import', '--host', 'sb', '--pack', 'deepseek', '--url', 'http://127.0.0.1:9'], 2],
		[['import-batch', '--host', 'sb'], 2],
		[['reconcile'], 2],
		[['reconcile', '--batch', 'b20250101-000000-aaaaaa'], 2],
		[['rollback', '--yes'], 2],
		[['rollback', '--batch', 'b20250101-000000-aaaaaa', '--yes'], 2],
		[['repair'], 2],
		[['repair', '--batch', 'b20250101-000000-aaaaaa'], 2],
		[['smoke'], 2],
		[['smoke', '--batch', 'b20250101-000000-aaaaaa'], 2],
		[['accept', '--host', 'sb', '--pack', 'deepseek', '--access', 'nope', '--key-env', 'K'], 2],
		[['evidence', 'keep'], 2],
		[['evidence', 'keep', 'a-nope'], 2],
		[['evidence', 'archive'], 0],
		[['batches'], 0],
	];
	const problems: string[] = [];
	for (const [args, code] of lines) {
		const dir = path.join(tempDataDir('crm-absent'), 'data');
		const r = await limited([...args, '--data', dir, '--json'], {env: K});
		if (r.code !== code) problems.push(`${args.join(' ')}: exit ${r.code} ${r.stdout.slice(0, 200)}`);
		if (existsSync(dir)) problems.push(`${args.join(' ')}: created the data folder`);
	}
	t.deepEqual(problems, []);
});

test('an existing shared data folder keeps its mode; the folders crm creates are 0700', async (t) => {
	const shared = tempDataDir('crm-shared');
	cpSync(template.dir, shared, {recursive: true});
	chmodSync(shared, 0o750);
	rmSync(path.join(shared, 'reconciles'), {recursive: true});
	const removed = await limited(['host', 'remove', 'sb', '--force', '--data', shared, '--json']);
	t.is(removed.code, 0, removed.stderr);
	t.is(statSync(shared).mode & 0o777, 0o750, 'the shared folder keeps its mode');
	t.is(statSync(path.join(shared, 'reconciles')).mode & 0o777, 0o700, 'a subfolder crm made is 0700');
	// A new folder, two levels of parents included: every folder crm made is 0700.
	const root = tempDataDir('crm-new');
	chmodSync(root, 0o755);
	const deep = path.join(root, 'a', 'b', 'data');
	const added = await limited(
		[
			'host',
			'add',
			'--name',
			'x',
			'--url',
			'http://127.0.0.1:9',
			'--admin-key-env',
			'K',
			'--data',
			deep,
			'--json',
		],
		{env: {K: 'admin-key-for-nothing-0001', CRM_TIMEOUT_S: '2'}},
	);
	t.is(added.code, 1, 'nothing listens there');
	for (const d of [path.join(root, 'a'), path.join(root, 'a', 'b'), deep, path.join(deep, 'batches')])
		t.is(statSync(d).mode & 0o777, 0o700, d);
	t.is(statSync(root).mode & 0o777, 0o755, 'the existing parent keeps its mode');
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

test.serial(
	'two imports into one data folder: the second exits 4 naming the holder, or waits with --lock-wait-s',
	async (t) => {
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
	},
);
