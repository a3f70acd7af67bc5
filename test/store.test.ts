import test from 'ava';
import {spawn} from 'node:child_process';
import {existsSync, readFileSync, readdirSync, statSync, writeFileSync} from 'node:fs';
import {hostname} from 'node:os';
import path from 'node:path';
import {StateStore, listModes} from '../source/store/state-store.js';
import {dataPaths} from '../source/store/paths.js';
import type {HostRecord} from '../source/store/schema.js';
import {parseJson, repoRoot, runCli, tempDataDir} from './helpers/cli.js';

const host = (id: string): HostRecord => ({
	host_id: id,
	name: `host-${id}`,
	url: 'http://127.0.0.1:1',
	auth_type: 'admin_api_key',
	credential: {admin_api_key: 'admin-canary'},
	session: null,
	version: '0.1.180',
	capabilities: {chat_completions: true},
	prefix: 'crm-',
	user_domain: 'crm.invalid',
	created_at: new Date().toISOString(),
	last_probe_at: null,
});

test('writes are atomic (a new file renamed over the old), 0600 in a 0700 folder, no temp left', async (t) => {
	const dir = path.join(tempDataDir(), 'data');
	const store = await StateStore.open(dir, {lock: {command: 'test'}});
	store.data.hosts.push(host('h1'));
	await store.write();
	const first = statSync(store.paths.state).ino;
	store.data.hosts.push(host('h2'));
	await store.write();
	t.not(statSync(store.paths.state).ino, first, 'the file was replaced, not rewritten in place');
	store.release();
	t.deepEqual(readdirSync(dir).sort(), ['batches', 'reconciles', 'state.json']);
	for (const entry of listModes(dir)) t.is(entry.mode, entry.dir ? 0o700 : 0o600, entry.path);
	const reread = await StateStore.open(dir);
	t.deepEqual(
		reread.data.hosts.map((h) => h.host_id),
		['h1', 'h2'],
	);
});

test('a state write without the lock is refused', async (t) => {
	const store = await StateStore.open(tempDataDir());
	await t.throwsAsync(() => store.write(), {message: /without the lock/});
});

function holdLockInChild(dir: string): Promise<{pid: number; stop: () => Promise<void>}> {
	const code = `
		const {StateStore} = await import(${JSON.stringify(path.join(repoRoot, 'source/store/state-store.ts'))});
		await StateStore.open(${JSON.stringify(dir)}, {lock: {command: 'crm import (test holder)'}});
		process.stdout.write('held\\n');
		setInterval(() => {}, 1000);
	`;
	const child = spawn(process.execPath, ['--import=tsx', '--input-type=module', '-e', code], {cwd: repoRoot});
	// stop() resolves once the child is reaped: until then its pid still answers (a zombie), on a busy
	// machine for longer than any fixed wait.
	const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
	return new Promise((resolve, reject) => {
		child.stdout.on('data', (d) => {
			if (String(d).includes('held'))
				resolve({
					pid: child.pid!,
					stop: () => {
						child.kill('SIGKILL');
						return exited;
					},
				});
		});
		child.on('error', reject);
		child.on('exit', (c) => reject(new Error(`holder exited ${c}`)));
	});
}

test('a second writer gets exit 4 naming the holder, at once', async (t) => {
	const dir = tempDataDir();
	const holder = await holdLockInChild(dir);
	t.teardown(holder.stop);
	const result = await runCli(['host', 'remove', 'x', '--data', dir, '--json']);
	t.is(result.code, 4);
	const doc = parseJson(result);
	t.is(doc.error.kind, 'state_locked');
	t.regex(
		doc.error.message,
		new RegExp(`pid ${holder.pid} on ${hostname()} \\(crm import \\(test holder\\)`),
	);
	t.true(result.ms < 5000);
});

test('a lock left by a killed process is taken over', async (t) => {
	const dir = tempDataDir();
	const holder = await holdLockInChild(dir);
	await holder.stop();
	t.true(existsSync(dataPaths(dir).lock), 'the dead process left its lock behind');
	const store = await StateStore.open(dir, {lock: {command: 'test'}});
	t.is(JSON.parse(readFileSync(dataPaths(dir).lock, 'utf8')).pid, process.pid);
	store.release();
	t.false(existsSync(dataPaths(dir).lock));
});

test('a lock wait lets two writers serialize', async (t) => {
	const dir = tempDataDir();
	const first = await StateStore.open(dir, {lock: {command: 'first'}});
	setTimeout(() => first.release(), 300);
	const second = await StateStore.open(dir, {lock: {command: 'second', waitMs: 3000}});
	t.true(second.locked);
	second.release();
});

const corruptions: Array<[string, string, RegExp]> = [
	['truncated JSON', '{"schema_version": 2, "hosts": [', /not valid JSON/],
	['valid JSON, wrong shape', '{"schema_version": 2, "hosts": "nope"}', /fails the schema at hosts/],
	['a newer schema', '{"schema_version": 99}', /schema_version 99, newer than this crm/],
];

for (const [label, content, message] of corruptions) {
	test(`host list on ${label}: exit 4, file byte-identical`, async (t) => {
		const dir = tempDataDir();
		const file = dataPaths(dir).state;
		writeFileSync(file, content);
		const before = readFileSync(file);
		const result = await runCli(['host', 'list', '--data', dir, '--json']);
		t.is(result.code, 4);
		t.regex(parseJson(result).error.message, message);
		t.regex(result.stderr, /left exactly as it is/);
		t.deepEqual(readFileSync(file), before);
		const remove = await runCli(['host', 'remove', 'x', '--data', dir]);
		t.is(remove.code, 4, 'writers refuse too');
		t.deepEqual(readFileSync(file), before);
		t.false(existsSync(dataPaths(dir).lock), 'the lock is released after the refusal');
	});
}

// Ids of the tool's own shapes (a foreign id is corrupt state).
const B1 = 'b20250101-000000-0000b1';
const R1 = 'r20250101000000-0000a1';
const R2 = 'r20250101000000-0000a2';

test('migration from schema 1 keeps every record and moves batch detail to batch files', async (t) => {
	const dir = tempDataDir();
	const now = new Date().toISOString();
	const resource = (type: string, id: string) => ({
		resource_type: type,
		host_resource_id: id,
		name: `crm-deepseek-${id}`,
		status: 'created',
		snapshot: {name: `crm-deepseek-${id}`},
		created_at: now,
		confirmed_at: now,
		deleted_at: null,
		deleted_by: null,
		owned: true,
	});
	const v1 = {
		schema_version: 1,
		hosts: [host('h1')],
		batches: [
			{
				batch_id: B1,
				host_id: 'h1',
				pack: 'deepseek',
				base_url: 'https://api.deepseek.com',
				key_fingerprint: 'sha256:abc',
				access_mode: 'subscription',
				batch_status: 'succeeded',
				access_status: 'subscription_ready',
				provider_status: 'active',
				failure_class: null,
				stopped_at_step: null,
				created_at: now,
				updated_at: now,
				finished_at: now,
				pid: null,
				input: {base_url: 'https://api.deepseek.com'},
				steps: [{name: 'preflight', status: 'ok', started_at: now, duration_ms: 1, message: 'ok'}],
				resources: [resource('group', '7'), resource('account', '9')],
				access_results: [
					{
						at: now,
						access_mode: 'subscription',
						access_status: 'subscription_ready',
						smoke_model: 'deepseek-flash',
						models_ok: true,
						completion_ok: true,
						completion_status: 200,
						completion_type: 'json',
						completion_preview: 'pong',
						attempts: 1,
					},
				],
				reconcile_runs: [
					{run_id: R1, host_id: 'h1', batch_id: B1, reconcile_status: 'in_sync', at: now, items: []},
				],
				summary: {batch_status: 'succeeded'},
				secrets: {user_email: 'u@crm.invalid', user_password: 'pw-canary', user_key: 'sk-canary'},
			},
		],
		reconcile_runs: [
			{run_id: R2, host_id: 'h1', batch_id: null, reconcile_status: 'drifted', at: now, items: []},
		],
	};
	writeFileSync(dataPaths(dir).state, JSON.stringify(v1));
	const readOnly = await StateStore.open(dir);
	t.is(readOnly.data.batches.length, 1, 'a reader sees migrated data');
	t.is(JSON.parse(readFileSync(dataPaths(dir).state, 'utf8')).schema_version, 1, 'a reader does not rewrite');
	t.is((await readOnly.readBatch(B1))?.resources.length, 2);

	const store = await StateStore.open(dir, {lock: {command: 'test'}});
	store.release();
	const after = await StateStore.open(dir);
	t.is(after.data.schema_version, 2);
	t.is(after.data.hosts[0]?.host_id, 'h1');
	t.is(after.data.batches[0]?.resource_count, 2);
	t.deepEqual(after.data.batch_secrets[B1], {
		user_email: 'u@crm.invalid',
		user_password: 'pw-canary',
		user_key: 'sk-canary',
	});
	t.deepEqual(Object.keys(after.data.resource_index).sort(), ['h1|account|9', 'h1|group|7']);
	t.deepEqual(
		after.data.reconcile_runs.map((r) => [r.run_id, r.batch_id]),
		[
			[R1, B1],
			[R2, null],
		],
	);
	const batch = await after.readBatch(B1);
	t.is(batch?.steps[0]?.name, 'preflight');
	t.is(batch?.reconcile_runs[0]?.run_id, R1);
	t.false(JSON.stringify(batch).includes('canary'), 'batch files hold no secret');
	t.is((await after.readHostRun(R2))?.reconcile_status, 'drifted');
	t.true(existsSync(`${dataPaths(dir).state}.v1.bak`), 'the old file is kept');
	// Every record, field for field: the host, the batch index, and the batch's detail.
	const [old] = v1.batches;
	const {input, steps, resources, access_results, reconcile_runs, summary, secrets: _s, ...index} = old!;
	t.deepEqual(after.data.hosts, v1.hosts);
	t.deepEqual(after.data.batches[0], {...index, resource_count: resources.length});
	t.deepEqual(
		{
			input: batch?.input,
			steps: batch?.steps,
			resources: batch?.resources,
			access_results: batch?.access_results,
			reconcile_runs: batch?.reconcile_runs,
			summary: batch?.summary,
		},
		{input, steps, resources, access_results, reconcile_runs, summary},
	);
	t.deepEqual(await after.readHostRun(R2), v1.reconcile_runs[0]);
});

test('a temp state file left by a killed writer is removed when the lock is taken', async (t) => {
	const dir = tempDataDir();
	const tmp = path.join(dir, '.state.json.tmp');
	writeFileSync(tmp, '{"schema_version": 2, "hosts": [{"credential": "secret-canary"}]}');
	const reader = await StateStore.open(dir);
	t.true(existsSync(tmp), 'a reader never deletes');
	const store = await StateStore.open(dir, {lock: {command: 'test'}});
	store.release();
	t.false(existsSync(tmp));
	t.not(reader, null);
});
