// A name is not proof (issue: trust hardening). Every resource the tool creates carries a marker the
// host keeps ([crm:<batch>:<nonce>] in the group's description, the account's, user's and
// subscription's notes, the key's name), recorded before the create is sent. A create whose answer
// was lost is confirmed only by name AND marker; a same-named resource made out of band leaves the
// record `unknown`: reconcile reports it, rollback never deletes it, `crm adopt` records it. Before a
// delete every snapshot field is compared: a changed resource is skipped (with its fields) unless
// --force, and reconcile names each change as `field: old -> new`. All against the sandbox through
// the built CLI.
import test from 'ava';
import {readFileSync} from 'node:fs';
import path from 'node:path';
import {BatchRecorder, newBatchId, shortId} from '../source/core/records/batch-recorder.js';
import {makeMarker} from '../source/core/records/marker.js';
import {markerSnapshot} from '../source/core/records/provenance.js';
import type {SandboxFaults} from '../source/sandbox/index.js';
import {StateStore} from '../source/store/state-store.js';
import {hostEnv, parseJson, type HostEnv} from './helpers/host-env.js';
import {guardFile} from './helpers/leak-guard.js';

const guard = guardFile(test, 'security-markers');
const MARKER = /\[crm:(b\d{8}-\d{6}-[0-9a-f]{6}):([0-9a-f]{12})\]/;

async function env(t: Parameters<typeof hostEnv>[0], options: Parameters<typeof hostEnv>[1] = {}) {
	const e = await hostEnv(t, options);
	guard.dir(e.data);
	guard.secrets(...e.secrets());
	return e;
}

async function control(e: HostEnv, route: 'faults' | 'oob', body: unknown): Promise<any> {
	const res = await fetch(`${e.sandbox.info.control_url}/${route}`, {
		method: 'POST',
		headers: {'content-type': 'application/json', 'x-api-key': e.sandbox.info.admin_api_key},
		body: JSON.stringify(body),
	});
	if (res.status !== 200) throw new Error(`${route}: ${res.status} ${await res.text()}`);
	return res.json();
}

const setFaults = (e: HostEnv, patch: Partial<SandboxFaults>) => control(e, 'faults', patch);

async function records(e: HostEnv, batchId: string): Promise<any[]> {
	const shown = await e.run(['batch', 'show', batchId, '--json']);
	return parseJson(shown).resources;
}

const idOf = (imp: any, type: string) =>
	Number(imp.resources.find((x: any) => x.resource_type === type).host_resource_id);

test('every created resource shows its record marker on the host, written before the create', async (t) => {
	const e = await env(t);
	const imp = parseJson(await e.importPack('glm'));
	t.is(imp.batch_status, 'succeeded');
	const recs = await records(e, imp.batch_id);
	const s = e.sandbox.snapshot();
	const shown: Record<string, string> = {
		group: s.groups.find((g) => g.id === idOf(imp, 'group'))!.description,
		account: s.accounts.find((a) => a.id === idOf(imp, 'account'))!.notes,
		user: s.users.find((u) => u.id === idOf(imp, 'user'))!.notes,
		api_key: s.api_keys.find((k) => k.id === idOf(imp, 'api_key'))!.name,
		subscription: s.subscriptions.find((x) => x.id === idOf(imp, 'subscription'))!.notes,
	};
	const nonces = new Set<string>();
	for (const r of recs) {
		const m = MARKER.exec(shown[r.resource_type]!);
		t.truthy(m, `${r.resource_type} carries a marker: ${shown[r.resource_type]}`);
		t.is(m![1], imp.batch_id, `${r.resource_type}: the batch id`);
		t.is(m![2], r.snapshot.nonce, `${r.resource_type}: the record's own nonce`);
		t.is(r.snapshot.marker, m![0]);
		nonces.add(m![2]!);
	}
	t.is(nonces.size, 5, 'a nonce per record');
	t.true(shown.api_key!.length <= 100, 'the key name stays within the host limit');
});

test('lost answer before the host acted + a same-named group made out of band: unknown, never deleted, adoptable', async (t) => {
	const e = await env(t);
	await setFaults(e, {lose_create_answer: {type: 'group', when: 'before'}});
	// Self-service: the smoke user waits for the group (in subscription mode it is made beside it, and
	// the batch would hold it too); this batch records the group alone.
	const failed = await e.importPack('deepseek', ['--access', 'self_service']);
	t.is(failed.code, 1);
	const imp = parseJson(failed);
	t.is(imp.stopped_at_step, 'create_group');
	t.deepEqual(
		(await records(e, imp.batch_id)).map((r) => r.resource_type),
		['group'],
	);
	const groupName = imp.resources[0].name;
	t.false(
		e.sandbox.snapshot().groups.some((g) => g.name === groupName),
		'the host made nothing',
	);
	t.is((await records(e, imp.batch_id))[0].status, 'pending');

	// Someone else makes a group of exactly that name.
	const twin = (await control(e, 'oob', {op: 'create', type: 'group', body: {name: groupName}})).row;

	const rec = await e.run(['reconcile', '--batch', imp.batch_id, '--json']);
	t.is(rec.code, 3, 'an unknown record is drift');
	const item = parseJson(rec).items.find((i: any) => i.resource_type === 'group');
	t.is(item.state, 'unknown');
	t.regex(item.detail, new RegExp(`group ${twin.id} lacks this record's marker`));
	t.regex(item.detail, /crm adopt/);
	const [record] = await records(e, imp.batch_id);
	t.is(record.status, 'unknown');
	t.is(record.candidate_id, String(twin.id));
	t.is(record.host_resource_id, null);

	const dry = parseJson(await e.run(['rollback', '--batch', imp.batch_id, '--dry-run', '--json']));
	t.is(dry.plan[0].action, 'keep');
	for (const force of [[], ['--force']]) {
		const rb = await e.run(['rollback', '--batch', imp.batch_id, '--yes', '--json', ...force]);
		t.is(rb.code, 1, 'not rolled back while a record is unknown');
		const doc = parseJson(rb);
		t.is(doc.batch_status, 'partial');
		t.deepEqual(doc.deleted, []);
		t.is(doc.skipped[0].resource_type, 'group');
		t.regex(doc.skipped[0].detail, /unknown/);
		t.truthy(
			e.sandbox.snapshot().groups.find((g) => g.id === twin.id && !g.deleted_at),
			`the out-of-band group is still there (${force.join('') || 'no --force'})`,
		);
	}

	// Adopt: shown first; without --yes and a terminal nothing is recorded (exit 2).
	const args = ['adopt', '--batch', imp.batch_id, '--type', 'group', '--id', String(twin.id), '--json'];
	const noYes = await e.run(args);
	t.is(noYes.code, 2);
	t.is(parseJson(noYes).error.field, '--yes');
	t.is((await records(e, imp.batch_id))[0].status, 'unknown');
	const bad = await e.run([
		'adopt',
		'--batch',
		imp.batch_id,
		'--type',
		'widget',
		'--id',
		'1',
		'--yes',
		'--json',
	]);
	t.is(bad.code, 2);
	t.is(parseJson(bad).error.field, '--type');
	const missing = await e.run(['adopt', '--batch', imp.batch_id, '--type', 'group', '--id', '999', '--yes']);
	t.is(missing.code, 2);
	t.regex(missing.stderr, /--id.*no group 999/);

	const adopted = await e.run([...args, '--yes']);
	t.is(adopted.code, 0, adopted.stderr);
	const a = parseJson(adopted);
	t.true(a.adopted);
	t.true(a.replaces_unknown);
	t.is(a.snapshot.name, groupName);
	t.regex(adopted.stderr, new RegExp(`group #${twin.id} ${groupName} on the host`));
	const [now] = await records(e, imp.batch_id);
	t.is(now.status, 'created');
	t.is(now.host_resource_id, String(twin.id));
	t.truthy(now.adopted_at);
	const again = await e.run([...args, '--yes']);
	t.is(again.code, 2, 'a resource already recorded cannot be adopted twice');

	const inSync = await e.run(['reconcile', '--batch', imp.batch_id, '--json']);
	t.is(inSync.code, 0, 'the adopted group is judged against what it was when adopted');
	const rb = parseJson(await e.run(['rollback', '--batch', imp.batch_id, '--yes', '--json']));
	t.is(rb.batch_status, 'rolled_back');
	t.truthy(e.sandbox.snapshot().groups.find((g) => g.id === twin.id)!.deleted_at, 'adopted, then deleted');
});

test('lost answer before the host acted while someone makes a same-named user: unknown at once, the twin survives rollback', async (t) => {
	const e = await env(t);
	await setFaults(e, {lose_create_answer: {type: 'user', when: 'before', twin: true}});
	const r = await e.importPack('kimi', ['--access', 'self_service']);
	t.is(r.code, 1);
	const imp = parseJson(r);
	t.is(imp.stopped_at_step, 'access_closure');
	t.regex(r.stderr, /recorded as unknown/);
	const user = (await records(e, imp.batch_id)).find((x) => x.resource_type === 'user');
	t.is(user.status, 'unknown');
	const twin = e.sandbox.snapshot().users.find((u) => u.email === user.name && !u.deleted_at)!;
	t.is(user.candidate_id, String(twin.id));
	t.notRegex(twin.notes, MARKER);

	const rec = parseJson(await e.run(['reconcile', '--batch', imp.batch_id, '--json']));
	t.deepEqual(
		rec.items.map((i: any) => `${i.resource_type}:${i.state}`),
		['group:present', 'account:present', 'user:unknown'],
	);
	const rb = parseJson(await e.run(['rollback', '--batch', imp.batch_id, '--yes', '--json']));
	t.deepEqual(rb.deleted.map((d: any) => d.resource_type).sort(), ['account', 'group']);
	t.deepEqual(
		rb.skipped.map((d: any) => d.resource_type),
		['user'],
	);
	t.falsy(e.sandbox.snapshot().users.find((u) => u.id === twin.id)!.deleted_at, 'the twin is not deleted');

	// Its owner removes the twin: nothing of that name is left, so the record is gone and the
	// rollback completes.
	await control(e, 'oob', {op: 'delete', type: 'user', id: twin.id});
	const again = await e.run(['rollback', '--batch', imp.batch_id, '--yes', '--json']);
	t.is(again.code, 0, again.stdout);
	t.is(parseJson(again).batch_status, 'rolled_back');
	t.is((await records(e, imp.batch_id)).find((x) => x.resource_type === 'user').status, 'gone');
});

test('lost answer after the host acted: confirmed by name and marker, and rolled back', async (t) => {
	const e = await env(t);
	for (const type of ['group', 'user', 'api_key', 'subscription'] as const) {
		await setFaults(e, {lose_create_answer: {type, when: 'after'}});
		const r = await e.importPack('step', ['--force']);
		t.is(r.code, 0, `${type}: ${r.stderr}`);
		const imp = parseJson(r);
		t.is(e.sandbox.snapshot().faults.lose_create_answer, null, `${type}: the fault fired`);
		const rec = (await records(e, imp.batch_id)).find((x) => x.resource_type === type);
		t.is(rec.status, 'created', type);
		t.truthy(rec.host_resource_id, type);
		const rb = await e.run(['rollback', '--batch', imp.batch_id, '--yes', '--json']);
		t.is(rb.code, 0, rb.stdout);
		t.true(
			parseJson(rb).deleted.some((d: any) => d.resource_type === type && d.detail === 'deleted'),
			`${type} deleted by rollback`,
		);
	}
	const s = e.sandbox.snapshot();
	const alive = [...s.groups, ...s.accounts, ...s.api_keys].filter(
		(x) => !x.deleted_at && x.name.startsWith('crm-'),
	);
	t.deepEqual(alive, [], 'nothing of the four batches is left');
});

test('adopt: bad flags exit 2 naming the flag, with state.json and the host untouched', async (t) => {
	const e = await env(t);
	const state = () => readFileSync(path.join(e.data, 'state.json'), 'utf8');
	const before = state();
	const requests = e.sandbox.requestLog().length;
	const cases: Array<[string[], string]> = [
		[['--type', 'group', '--id', '1', '--yes'], '--batch'],
		[['--batch', 'b20260101-000000-abcdef', '--id', '1', '--yes'], '--type'],
		[['--batch', 'b20260101-000000-abcdef', '--type', 'keys', '--id', '1', '--yes'], '--type'],
		[['--batch', 'b20260101-000000-abcdef', '--type', 'group', '--yes'], '--id'],
		[['--batch', 'b20260101-000000-abcdef', '--type', 'group', '--id', '1x', '--yes'], '--id'],
		[['--batch', 'b20260101-000000-abcdef', '--type', 'group', '--id', '1'], '--yes'],
		[['--batch', 'b20260101-000000-abcdef', '--type', 'group', '--id', '1', '--yes'], '--batch'],
	];
	for (const [args, field] of cases) {
		const r = await e.run(['adopt', ...args, '--json']);
		t.is(r.code, 2, `${args.join(' ')}: ${r.stdout}`);
		t.is(parseJson(r).error.field, field, args.join(' '));
	}
	t.is(state(), before);
	t.is(e.sandbox.requestLog().length, requests, 'no request reached the host');
});

test('a build that keeps no account notes: a lost-answer account is confirmed by short id and a created_at after its record, else unknown', async (t) => {
	const e = await env(t, {profile: 'old'});
	const batchId = newBatchId();
	const late = `crm-deepseek-${shortId(batchId)}`;
	const early = `${late}-1`;
	// Someone's account of the second name exists before the record is written.
	const before = (await control(e, 'oob', {op: 'create', type: 'account', body: {name: early}})).row;
	await new Promise((r) => setTimeout(r, 20));
	// A run on this data folder recorded two accounts whose create answers were lost.
	const store = await StateStore.open(e.data, {lock: {command: 'test', waitMs: 0}});
	const recorder = await BatchRecorder.create(
		store,
		{
			batch_id: batchId,
			host_id: store.data.hosts[0]!.host_id,
			pack: 'deepseek',
			base_url: e.sandbox.info.upstreams.deepseek!.base_url,
			key_fingerprint: 'sk-…test',
			access_mode: 'self_service',
			batch_status: 'failed',
			access_status: 'broken',
			provider_status: 'broken',
			failure_class: 'network_unreachable',
			stopped_at_step: 'create_account',
			created_at: new Date().toISOString(),
			pid: null,
		},
		{},
	);
	for (const name of [late, early])
		await recorder.pending('account', name, {
			name,
			platform: 'openai',
			...markerSnapshot(makeMarker(batchId)),
		});
	await recorder.flush();
	store.release();
	await new Promise((r) => setTimeout(r, 20));
	const after = (await control(e, 'oob', {op: 'create', type: 'account', body: {name: late}})).row;
	const shown = await fetch(`${e.sandbox.info.host_url}/api/v1/admin/accounts/${after.id}`, {
		headers: {'x-api-key': e.sandbox.info.admin_api_key},
	});
	t.false('notes' in (await shown.json()).data, 'this build shows no account notes');

	const rec = await e.run(['reconcile', '--batch', batchId, '--json']);
	t.is(rec.code, 3, rec.stderr);
	const byName = Object.fromEntries((await records(e, batchId)).map((r) => [r.name, r]));
	t.is(byName[late].status, 'created', 'made after its record: confirmed without a marker field');
	t.is(byName[late].host_resource_id, String(after.id));
	t.is(byName[early].status, 'unknown', 'made before its record: not proven');
	t.is(byName[early].candidate_id, String(before.id));
	const items = parseJson(rec).items.map((i: any) => `${i.name}:${i.state}`);
	t.deepEqual(items.sort(), [`${early}:unknown`, `${late}:present`].sort());
});

// Each snapshot field changed out of band, a round per import: the patch per resource and the
// fields reconcile and rollback must name. `other` is a second group the patches may point at.
type Patch = (ids: Record<string, number>, other: number) => Record<string, unknown>;
const ROUNDS: Array<{access: string; changes: Array<[string, Patch, string[]]>}> = [
	{
		access: 'subscription',
		changes: [
			['group', () => ({subscription_type: 'standard'}), ['subscription_type']],
			['account', () => ({credentials: {base_url: 'http://127.0.0.1:9/v1'}}), ['base_url']],
			['user', () => ({notes: 'taken over by ops'}), ['marker']],
			['api_key', () => ({name: 'renamed by ops'}), ['name', 'marker']],
			['subscription', () => ({user_id: 1}), ['user_id']],
		],
	},
	{
		access: 'self_service',
		changes: [
			['group', () => ({is_exclusive: false}), ['is_exclusive']],
			['account', (ids, other) => ({group_ids: [ids.group!, other]}), ['group_ids']],
			['user', (ids, other) => ({allowed_groups: [ids.group!, other]}), ['allowed_groups']],
			['api_key', (_ids, other) => ({group_id: other}), ['group_id']],
		],
	},
	{
		access: 'subscription',
		changes: [
			['group', () => ({name: 'crm-renamed', description: 'ours now'}), ['name', 'marker']],
			['account', () => ({type: 'oauth', platform: 'gemini', notes: ''}), ['type', 'platform', 'marker']],
			['subscription', (_ids, other) => ({group_id: other, notes: 'ops'}), ['group_id', 'marker']],
		],
	},
];

for (const [n, round] of ROUNDS.entries()) {
	test(`snapshot fields changed out of band (round ${n + 1}): rollback skips them naming the fields, reconcile shows old -> new, --force deletes`, async (t) => {
		const e = await env(t);
		const imp = parseJson(await e.importPack('minimax', ['--access', round.access]));
		t.is(imp.batch_status, 'succeeded');
		const other = (await control(e, 'oob', {op: 'create', type: 'group', body: {name: 'ops-group'}})).row.id;
		const ids: Record<string, number> = {};
		for (const r of imp.resources) ids[r.resource_type] = Number(r.host_resource_id);
		for (const [type, patch] of round.changes)
			await control(e, 'oob', {op: 'update', type, id: ids[type], patch: patch(ids, other)});
		const expected = Object.fromEntries(round.changes.map(([type, , fields]) => [type, fields]));

		const rec = await e.run(['reconcile', '--batch', imp.batch_id, '--json']);
		t.is(rec.code, 3);
		for (const item of parseJson(rec).items) {
			const fields = expected[item.resource_type] ?? [];
			t.deepEqual([...item.fields].sort(), [...fields].sort(), `${item.resource_type}: ${item.detail}`);
			t.is(item.state, fields.length ? 'changed' : 'present');
			for (const f of fields) t.regex(item.detail, new RegExp(`(^|; )${f}: .+ -> .+`), item.detail);
		}

		// The dry run reads each record back and decides as the rollback will, changing nothing.
		const unchanged = e.sandbox.snapshot();
		const dry = parseJson(await e.run(['rollback', '--batch', imp.batch_id, '--dry-run', '--json']));
		t.true(dry.checked_on_host);
		t.deepEqual(e.sandbox.snapshot(), unchanged, 'the dry run changes nothing on the host');
		for (const [type] of round.changes) {
			const item = dry.plan.find((p: any) => p.resource_type === type);
			t.is(item.action, 'keep', `${type}: ${item.reason}`);
		}

		const rb = await e.run(['rollback', '--batch', imp.batch_id, '--yes', '--json']);
		t.is(rb.code, 1);
		const doc = parseJson(rb);
		t.is(doc.batch_status, 'partial');
		const ids_ = (rows: any[]) => rows.map((r) => `${r.resource_type}:${r.host_resource_id}`).sort();
		t.deepEqual(ids_(dry.plan.filter((p: any) => p.action === 'keep')), ids_(doc.skipped), 'kept as planned');
		t.deepEqual(
			ids_(dry.plan.filter((p: any) => p.action === 'delete')),
			ids_(doc.deleted),
			'deleted as planned',
		);
		for (const [type, , fields] of round.changes) {
			const skipped = doc.skipped.find((s: any) => s.resource_type === type);
			t.truthy(skipped, `${type} skipped`);
			t.deepEqual([...skipped.fields].sort(), [...fields].sort(), skipped.detail);
			t.regex(skipped.detail, /no longer matches its record/);
		}
		const changedIds = new Set(round.changes.map(([type]) => `${type}:${ids[type]}`));
		for (const d of doc.deleted) t.false(changedIds.has(`${d.resource_type}:${d.host_resource_id}`));
		const snap = e.sandbox.snapshot();
		const live = (rows: any[], id: number) => rows.find((r) => r.id === id && !r.deleted_at);
		const tables: Record<string, any[]> = {
			group: snap.groups,
			account: snap.accounts,
			user: snap.users,
			api_key: snap.api_keys,
			subscription: snap.subscriptions,
		};
		for (const [type] of round.changes)
			t.truthy(live(tables[type]!, ids[type]!), `${type} is still on the host`);

		const forced = await e.run(['rollback', '--batch', imp.batch_id, '--yes', '--force', '--json']);
		const f = parseJson(forced);
		t.is(forced.code, 0, forced.stdout);
		t.is(f.batch_status, 'rolled_back');
		for (const [type, , fields] of round.changes) {
			const d = f.deleted.find((x: any) => x.resource_type === type);
			t.truthy(d, `${type} deleted with --force`);
			t.deepEqual([...d.fields].sort(), [...fields].sort());
			t.regex(d.detail, /--force/);
		}
		const after = e.sandbox.snapshot();
		const after_: Record<string, any[]> = {
			group: after.groups,
			account: after.accounts,
			user: after.users,
			api_key: after.api_keys,
			subscription: after.subscriptions,
		};
		for (const [type] of round.changes) t.falsy(live(after_[type]!, ids[type]!), `${type} is gone`);
		t.truthy(live(after.groups, other), 'the ops group was never ours');
	});
}

test('an API key whose owner changed out of band: reconcile shows user_id: old -> new, rollback skips it, and --force cannot delete it either (only its owner can)', async (t) => {
	const e = await env(t);
	const imp = parseJson(await e.importPack('minimax', ['--access', 'self_service']));
	t.is(imp.batch_status, 'succeeded');
	const keyId = idOf(imp, 'api_key');
	const userId = idOf(imp, 'user');
	// Another admin moves the key to their own user (user 1, the host's admin).
	await control(e, 'oob', {op: 'update', type: 'api_key', id: keyId, patch: {user_id: 1}});

	const rec = await e.run(['reconcile', '--batch', imp.batch_id, '--json']);
	t.is(rec.code, 3);
	const items = parseJson(rec).items;
	const key = items.find((i: any) => i.resource_type === 'api_key');
	t.is(key.state, 'changed');
	t.deepEqual(key.fields, ['user_id']);
	t.is(key.detail, `user_id: "${userId}" -> "1"`);
	t.true(items.filter((i: any) => i.resource_type !== 'api_key').every((i: any) => i.state === 'present'));

	const dry = parseJson(await e.run(['rollback', '--batch', imp.batch_id, '--dry-run', '--force', '--json']));
	const planned = dry.plan.find((p: any) => p.resource_type === 'api_key');
	t.is(planned.action, 'keep', planned.reason);
	t.regex(planned.reason, /only a key's owner/);

	const rb = await e.run(['rollback', '--batch', imp.batch_id, '--yes', '--json']);
	t.is(rb.code, 1);
	const skipped = parseJson(rb).skipped;
	t.deepEqual(skipped[0].resource_type, 'api_key');
	t.deepEqual(skipped[0].fields, ['user_id']);
	t.regex(
		skipped[0].detail,
		new RegExp(`user_id: "${userId}" -> "1"\\); not deleted, not even with --force`),
	);
	// Its parents stay with it (their delete would cascade to it), changing nothing on the host.
	t.deepEqual(
		skipped.slice(1).map((s: any) => s.resource_type),
		['user', 'group'],
	);
	t.deepEqual(
		parseJson(rb).deleted.map((d: any) => d.resource_type),
		['account'],
	);
	t.is(parseJson(rb).batch_status, 'partial');

	// With --force the rest goes, but not the key: the host would refuse its delete to anyone but its
	// owner, so the tool does not try (no DELETE of it reaches the host) and says why.
	const before = e.sandbox.requestLog().length;
	const forced = await e.run(['rollback', '--batch', imp.batch_id, '--yes', '--force', '--json']);
	t.is(forced.code, 1, forced.stdout);
	const f = parseJson(forced);
	t.is(f.batch_status, 'partial');
	t.deepEqual(f.failed, []);
	t.deepEqual(
		f.skipped.map((s: any) => [s.resource_type, s.host_resource_id, s.fields]),
		[['api_key', String(keyId), ['user_id']]],
	);
	t.regex(f.skipped[0].detail, /not even with --force: the host lets only a key's owner delete it/);
	t.false(
		e.sandbox
			.requestLog()
			.slice(before)
			.some((r) => r.method === 'DELETE' && r.path.endsWith(`/keys/${keyId}`)),
	);
	const snap = e.sandbox.snapshot();
	const liveKey = snap.api_keys.find((k) => k.id === keyId)!;
	t.falsy(liveKey.deleted_at, "the key is still its new owner's");
	t.is(liveKey.user_id, 1);
	t.truthy(snap.users.find((u) => u.id === userId)!.deleted_at, 'the rest of the batch is gone');
});
