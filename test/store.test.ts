import test from 'ava';
import {spawn} from 'node:child_process';
import {existsSync, readFileSync, readdirSync, statSync, writeFileSync} from 'node:fs';
import {hostname} from 'node:os';
import path from 'node:path';
import {StateStore, listModes} from '../source/store/state-store.js';
import {dataPaths} from '../source/store/paths.js';
import {batchIndexSchema, batchSecretsSchema, type HostRecord} from '../source/store/schema.js';
import {compile, describe} from '../source/store/quick-check.js';
import {decodeStateQuick, StateShapeError} from '../source/store/state-codec.js';
import {decodeState, liveStateSpec} from '../source/store/state-decode.js';
import {STATE_SPEC} from '../source/store/state-spec.js';
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
	t.is(after.data.schema_version, 3);
	t.is(after.data.hosts[0]?.host_id, 'h1');
	t.is(after.data.batches[0]?.resource_count, 2);
	t.deepEqual(after.data.batch_secrets[B1], {
		user_email: 'u@crm.invalid',
		user_password: 'pw-canary',
		user_key: 'sk-canary',
	});
	t.deepEqual([...after.resources.entries().keys()].sort(), ['h1|account|9', 'h1|group|7']);
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

/** A batch id of the tool's own shape (b<date>-<time>-<6 hex>), numbered. */
const bid = (n: number) => `b20250101-000000-${n.toString(16).padStart(6, '0')}`;

test('migration from schema 2 keeps every record, field for field, and moves the resource index out', async (t) => {
	const dir = tempDataDir();
	const now = new Date().toISOString();
	const index = (id: string, extra: Record<string, unknown>) => ({
		batch_id: id,
		host_id: 'h1',
		pack: 'deepseek',
		base_url: 'https://api.deepseek.com',
		key_fingerprint: `sha256:${id}`,
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
		resource_count: 2,
		...extra,
	});
	const loginHost = {
		...host('h2'),
		auth_type: 'login',
		credential: {email: 'admin@x.invalid', password: 'pw-host-canary'},
		session: {access_token: 'at-canary', refresh_token: null, expires_at: null, user_agent: 'ua'},
	};
	const v2 = {
		schema_version: 2,
		hosts: [
			{
				...host('h1'),
				auto_pause: {enabled: true, pause_after: 3},
				built_in_sandbox: {pid: 4242, session: 'run-canary', started_at: now, profile: 'recent'},
			},
			loginHost,
		],
		batches: [
			index(bid(1), {pending: false, operator_note: 'kept as it is'}),
			index(bid(2), {batch_status: 'failed', failure_class: 'unknown', pid: 4242, pending: true}),
			index(bid(3), {provider_status: 'paused'}),
		],
		batch_secrets: {
			[bid(1)]: {
				user_email: 'u1@crm.invalid',
				user_password: 'pw-canary-1',
				user_key: 'sk-canary-1',
				provider_key: 'sk-provider-canary-1',
			},
			[bid(2)]: {user_email: 'u2@crm.invalid', user_password: null, user_key: null, provider_key: null},
			[bid(3)]: {user_email: null, user_password: null, user_key: 'sk-canary-3'},
		},
		resource_index: {'h1|group|7': bid(1), 'h1|account|9': bid(1), 'h1|user|3': bid(2)},
		reconcile_runs: [
			{
				run_id: 'r20250101000000-000001',
				host_id: 'h1',
				batch_id: bid(1),
				reconcile_status: 'in_sync',
				at: now,
				counts: {present: 2},
			},
		],
		acceptance_runs: [],
		alerts: {
			webhook_url: 'https://open.feishu.cn/open-apis/bot/v2/hook/canary-token',
			format: 'feishu',
			min_balance: 5,
			set_at: now,
		},
		future_setting: {kept: true},
	};
	writeFileSync(dataPaths(dir).state, JSON.stringify(v2));

	const reader = await StateStore.open(dir);
	t.is(reader.resources.owner('h1|user|3'), bid(2), 'a reader sees the index from the old file');
	t.is(JSON.parse(readFileSync(dataPaths(dir).state, 'utf8')).schema_version, 2, 'a reader does not rewrite');
	t.false(existsSync(path.join(dir, 'batches', 'resource-index.jsonl')), 'nor writes the index');

	(await StateStore.open(dir, {lock: {command: 'test'}})).release();
	t.true(existsSync(`${dataPaths(dir).state}.v2.bak`), 'the old file is kept');
	const onDisk = JSON.parse(readFileSync(dataPaths(dir).state, 'utf8'));
	t.is(onDisk.schema_version, 3);
	t.false('resource_index' in onDisk, 'state.json no longer holds the resource index');
	const journal = readFileSync(path.join(dir, 'batches', 'resource-index.jsonl'), 'utf8');
	t.false(journal.includes('canary'), 'the resource index holds no secret');

	const after = await StateStore.open(dir);
	const {schema_version: _old, resource_index, ...kept} = v2;
	t.deepEqual({...after.data}, {...kept, schema_version: 3} as never, 'every record, field for field');
	t.deepEqual(Object.fromEntries(after.resources.entries()), resource_index);
	t.false('pending' in after.data.batches[2]!, 'an absent optional field stays absent');
	t.false('provider_key' in after.data.batch_secrets[bid(3)]!, 'an absent provider key stays absent');
	t.is(after.data.batch_secrets[bid(2)]!.provider_key, null, 'an explicit null stays null');
	const raw = JSON.parse(readFileSync(dataPaths(dir).state, 'utf8'));
	t.deepEqual(decodeStateQuick(raw), decodeState(raw), 'the quick test reads the migrated file the same');
});

test('state.json rows: a changed, added or removed record is written, unknown fields are kept', async (t) => {
	const dir = tempDataDir();
	const store = await StateStore.open(dir, {lock: {command: 'test'}});
	t.teardown(() => store.release());
	const now = new Date().toISOString();
	// More than one chunk of rows (256), so a change in the middle must be found.
	for (let i = 0; i < 600; i++) {
		const id = bid(i);
		store.data.batches.push({
			batch_id: id,
			host_id: 'h1',
			pack: 'deepseek',
			base_url: 'https://api.deepseek.com',
			key_fingerprint: `sha256:${i}`,
			access_mode: 'self_service',
			batch_status: 'succeeded',
			access_status: 'self_service_ready',
			provider_status: 'active',
			failure_class: null,
			stopped_at_step: null,
			created_at: now,
			updated_at: now,
			finished_at: now,
			pid: null,
			resource_count: 4,
		});
		store.data.batch_secrets[id] = {user_email: `${id}@x.invalid`, user_password: `pw-${i}`, user_key: null};
	}
	await store.write();
	store.data.batches[300]!.batch_status = 'rolled_back';
	store.data.batches[599]!.pending = true;
	store.data.batch_secrets[bid(400)]!.user_key = 'sk-new-key-0400';
	store.data.batches.splice(10, 1);
	delete store.data.batch_secrets[bid(10)];
	await store.write();
	const reread = await StateStore.open(dir);
	t.deepEqual(reread.data.batches, store.data.batches);
	t.deepEqual(reread.data.batch_secrets, store.data.batch_secrets);
	t.is(reread.data.batches[299]!.batch_status, 'rolled_back');

	// A field a newer build added by hand survives a write by this one.
	const raw = JSON.parse(readFileSync(dataPaths(dir).state, 'utf8'));
	raw.batches[0].push({note: 'hand-added'});
	writeFileSync(dataPaths(dir).state, JSON.stringify(raw));
	const again = await StateStore.open(dir, {lock: {command: 'test', waitMs: 0}}).catch(() => null);
	t.is(again, null, 'the folder is still locked by the first store');
	store.release();
	const writer = await StateStore.open(dir, {lock: {command: 'test'}});
	t.is((writer.data.batches[0] as Record<string, unknown>).note, 'hand-added');
	writer.data.batches[0]!.updated_at = new Date(0).toISOString();
	await writer.write();
	writer.release();
	t.is(((await StateStore.open(dir)).data.batches[0] as Record<string, unknown>).note, 'hand-added');
});

test('a row that breaks the schema is refused naming the row and the field', async (t) => {
	const dir = tempDataDir();
	const store = await StateStore.open(dir, {lock: {command: 'test'}});
	store.data.hosts.push(host('h1'));
	await store.write();
	store.release();
	const raw = JSON.parse(readFileSync(dataPaths(dir).state, 'utf8'));
	raw.batches.push(
		raw.batch_columns.map((c: string) =>
			c === 'batch_id' ? bid(1) : c === 'batch_status' ? 'exploded' : 'x',
		),
	);
	writeFileSync(dataPaths(dir).state, JSON.stringify(raw));
	const error = await t.throwsAsync(() => StateStore.open(dir));
	t.regex(error.message, /fails the schema at batches\.0\.access_mode/);
});

test('the resource index is rebuilt from the batch files when its journal is missing', async (t) => {
	const dir = tempDataDir();
	const store = await StateStore.open(dir, {lock: {command: 'test'}});
	const now = new Date().toISOString();
	const resource = (type: 'group' | 'account', id: string) => ({
		resource_type: type,
		host_resource_id: id,
		name: `crm-x-${id}`,
		status: 'created' as const,
		snapshot: {},
		created_at: now,
		confirmed_at: now,
		deleted_at: null,
		deleted_by: null,
		owned: true,
	});
	for (const [id, resources] of [
		[bid(1), [resource('group', '1'), resource('account', '2')]],
		[bid(2), [resource('group', '1')]],
	] as const) {
		store.data.batches.push({
			batch_id: id,
			host_id: 'h1',
			pack: 'deepseek',
			base_url: 'https://api.deepseek.com',
			key_fingerprint: 'sha256:x',
			access_mode: 'self_service',
			batch_status: 'succeeded',
			access_status: 'self_service_ready',
			provider_status: 'active',
			failure_class: null,
			stopped_at_step: null,
			created_at: now,
			updated_at: now,
			finished_at: now,
			pid: null,
			resource_count: resources.length,
		});
		await store.writeBatch({
			schema_version: 2,
			batch_id: id,
			host_id: 'h1',
			pack: 'deepseek',
			input: {},
			steps: [],
			resources: [...resources],
			access_results: [],
			reconcile_runs: [],
			summary: null,
		});
	}
	await store.write();
	store.release();
	const journal = path.join(dir, 'batches', 'resource-index.jsonl');
	t.false(existsSync(journal));
	const reader = await StateStore.open(dir);
	t.is(reader.resources.owner('h1|group|1'), bid(2), 'the later batch wins');
	t.is(reader.resources.owner('h1|account|2'), bid(1));
	t.false(existsSync(journal), 'a reader never writes it');
	const writer = await StateStore.open(dir, {lock: {command: 'test'}});
	writer.resources.set('h1|user|5', bid(1));
	writer.release();
	t.deepEqual(Object.fromEntries((await StateStore.open(dir)).resources.entries()), {
		'h1|group|1': bid(2),
		'h1|account|2': bid(1),
		'h1|user|5': bid(1),
	});
});

test("the quick cell test never accepts what a column's zod schema refuses", (t) => {
	const samples: unknown[] = [
		'',
		'x',
		'subscription',
		'succeeded',
		'broken',
		'unknown',
		0,
		-1,
		1.5,
		7,
		Number.MAX_SAFE_INTEGER + 2,
		Number.NaN,
		null,
		undefined,
		true,
		false,
		{},
		[],
	];
	let accepted = 0;
	for (const [name, schema] of Object.entries({...batchIndexSchema.shape, ...batchSecretsSchema.shape})) {
		const quick = compile(describe((schema as unknown as {def: never}).def));
		for (const value of samples) {
			if (!quick(value)) continue;
			accepted += 1;
			t.true(schema.safeParse(value).success, `${name} quick-accepted ${String(value)}`);
		}
	}
	t.true(accepted > 20, 'the quick test does accept the plain values');
});

test('the quick test of state.json is generated from the current schemas (npm run gen:state-spec)', (t) => {
	t.deepEqual(STATE_SPEC, liveStateSpec());
});

test('a file read by the quick test and by the schemas gives the same state', async (t) => {
	const dir = tempDataDir();
	const store = await StateStore.open(dir, {lock: {command: 'test'}});
	store.data.hosts.push(host('h1'));
	const now = new Date().toISOString();
	for (let i = 0; i < 300; i++) {
		store.data.batches.push({
			batch_id: bid(i),
			host_id: 'h1',
			pack: 'deepseek',
			base_url: 'https://api.deepseek.com',
			key_fingerprint: `sha256:${i}`,
			access_mode: i % 2 ? 'subscription' : 'self_service',
			batch_status: 'failed',
			access_status: 'broken',
			provider_status: i % 3 ? null : 'broken',
			failure_class: 'upstream_unavailable',
			stopped_at_step: 'access_smoke',
			created_at: now,
			updated_at: now,
			finished_at: i % 5 ? now : null,
			pid: i % 7 ? null : 1234,
			resource_count: i % 4,
			...(i % 2 ? {pending: i % 4 === 1} : {}),
		});
		store.data.batch_secrets[bid(i)] = {
			user_email: `u${i}@x.invalid`,
			user_password: null,
			user_key: null,
			...(i % 3 === 0 ? {provider_key: `sk-kept-${i}`} : i % 3 === 1 ? {provider_key: null} : {}),
		};
	}
	store.data.alerts = {
		webhook_url: 'https://hooks.slack.invalid/x',
		format: 'slack',
		min_balance: null,
		set_at: now,
	};
	store.data.reconcile_runs.push({
		run_id: 'r20250101000000-000001',
		host_id: 'h1',
		batch_id: null,
		reconcile_status: 'drifted',
		at: now,
		counts: {present: 1, missing: 2},
	});
	await store.write();
	store.release();
	const raw = JSON.parse(readFileSync(dataPaths(dir).state, 'utf8'));
	const quick = decodeStateQuick(raw);
	t.not(quick, null, 'the quick test accepts a file this crm wrote');
	t.deepEqual(quick, decodeState(raw));
	t.deepEqual(
		quick?.batch_secrets,
		store.data.batch_secrets,
		'absent, null and kept provider keys read back',
	);
	raw.alerts.format = 'teams';
	t.is(decodeStateQuick(raw), null, 'an alerts config the schema refuses is left to the schema');
	t.throws(() => decodeState(raw), {message: /option|invalid/i});
	raw.alerts.format = 'slack';
	raw.batch_secrets[2].push({provider_key: 7});
	t.is(decodeStateQuick(raw), null, 'a value in the trailing object is left to the schema');
	t.throws(() => decodeState(raw), {instanceOf: StateShapeError});
	raw.batch_secrets[2].pop();
	raw.batches[5][raw.batch_columns.indexOf('resource_count')] = -1;
	t.is(decodeStateQuick(raw), null, 'a value the schema refuses is left to the schema');
	t.throws(() => decodeState(raw), {message: /greater than or equal to 0|>=0|too small/i});
});
