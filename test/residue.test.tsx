// Residue (docs/cli.md `crm residue`): what looks like the tool's on the host but has no live record,
// with age and reason; --delete --yes removes only what a marker proves the tool made (children
// first), never what a live record's resource hangs from, and lists the rest untouched. The TUI
// shows the same list and deletes after a typed confirmation.
import test from 'ava';
import {existsSync} from 'node:fs';
import {control} from './sandbox-helpers.js';
import {hostEnv, parseJson, type HostEnv} from './helpers/host-env.js';
import {KEY, renderTui} from './ui-helpers.js';

async function seed(env: HostEnv, body: Record<string, unknown>) {
	const r = await control(env.sandbox, 'POST', '/oob', {op: 'seed_residue', ...body});
	if (r.status !== 200) throw new Error(r.text);
	return r.json as {
		group_id: number;
		account_id: number;
		user_id: number;
		api_key_id: number;
		subscription_id: number;
	};
}

const alive = (rows: Array<{id: number; deleted_at?: string | null; status?: string}>, id: number) =>
	rows.some((r) => r.id === id && !r.deleted_at && r.status !== 'revoked');

test('residue: listed with age and reason; --delete --yes removes only what a marker proves, children first', async (t) => {
	const env = await hostEnv(t);
	const imported = parseJson(await env.importPack('deepseek'));
	t.is(imported.batch_status, 'succeeded');
	// An earlier run of another data folder, 40 days ago, with markers; someone's look-alikes without.
	const marked = await seed(env, {batch_id: 'b20250101-000000-abcdef', age_days: 40, stem: 'old-run'});
	const unmarked = await seed(env, {batch_id: null, stem: 'look-alike'});
	// A marked group that a live record's key is bound to: never deleted (it would unbind that key).
	const guarded = await seed(env, {batch_id: imported.batch_id, stem: 'guarded'});
	const liveKey = imported.resources.find((r: any) => r.resource_type === 'api_key');
	await control(env.sandbox, 'POST', '/oob', {
		op: 'update',
		type: 'api_key',
		id: Number(liveKey.host_resource_id),
		patch: {group_id: guarded.group_id},
	});

	const logged = env.sandbox.requestLog().filter((l) => l.method !== 'GET').length;
	const list = await env.run(['residue', '--host', 'sb', '--json']);
	t.is(list.code, 0, list.stderr);
	const {items} = parseJson(list);
	t.is(
		env.sandbox.requestLog().filter((l) => l.method !== 'GET').length,
		logged,
		'listing changes nothing on the host',
	);
	t.deepEqual(Object.keys(items[0]).slice(0, 7), [
		'resource_type',
		'host_resource_id',
		'name',
		'created_at',
		'marker_batch_id',
		'deletable',
		'reason',
	]);
	const ids = new Set(imported.resources.map((r: any) => `${r.resource_type}|${r.host_resource_id}`));
	t.false(
		items.some((i: any) => ids.has(`${i.resource_type}|${i.host_resource_id}`)),
		'nothing a live record holds',
	);
	const find = (type: string, id: number) =>
		items.find((i: any) => i.resource_type === type && i.host_resource_id === String(id));
	for (const [type, id] of Object.entries({
		group: marked.group_id,
		account: marked.account_id,
		user: marked.user_id,
		api_key: marked.api_key_id,
		subscription: marked.subscription_id,
	})) {
		const i = find(type, id);
		t.truthy(i, type);
		t.true(i.deletable, type);
		t.is(i.marker_batch_id, 'b20250101-000000-abcdef');
		t.is(i.age_days, 40);
		t.regex(
			i.reason,
			/marker proves the tool made it; batch b20250101-000000-abcdef is not in this data folder/,
		);
	}
	for (const type of ['group', 'account', 'user', 'subscription'] as const) {
		const id = (unmarked as any)[`${type}_id`];
		const i = find(type, id);
		t.false(i.deletable, type);
		t.is(i.marker_batch_id, null);
		t.regex(i.reason, /carries no marker: a name is not proof/);
	}
	t.regex(
		find('group', guarded.group_id).reason,
		/batch .* of this data folder \(succeeded\) holds no live record/,
	);

	const unconfirmed = await env.run(['residue', '--host', 'sb', '--delete', '--json']);
	t.is(unconfirmed.code, 2);
	t.is(parseJson(unconfirmed).error.field, '--yes');

	const del = await env.run(['residue', '--host', 'sb', '--delete', '--yes', '--json']);
	t.is(del.code, 0, del.stderr);
	const done = parseJson(del);
	t.true(existsSync(done.record), 'a record of what was deleted is kept');
	const action = (type: string, id: number) =>
		done.items.find((i: any) => i.resource_type === type && i.host_resource_id === String(id))?.action;
	t.is(action('subscription', marked.subscription_id), 'deleted');
	t.is(action('user', marked.user_id), 'deleted');
	t.is(action('api_key', marked.api_key_id), 'deleted_with_user');
	t.is(action('account', marked.account_id), 'deleted');
	t.is(action('group', marked.group_id), 'deleted');
	t.is(action('group', unmarked.group_id), 'kept');
	t.is(action('group', guarded.group_id), 'kept');
	t.regex(
		done.items.find(
			(i: any) => i.host_resource_id === String(guarded.group_id) && i.resource_type === 'group',
		).detail,
		/a live record's key .* is bound to this group/,
	);
	// Children first: the subscription went before the user, the user before the group.
	const deletes = env.sandbox.requestLog().filter((l) => l.method === 'DELETE');
	const at = (p: string) => deletes.findIndex((l) => l.path === p);
	t.true(
		at(`/api/v1/admin/subscriptions/${marked.subscription_id}`) < at(`/api/v1/admin/users/${marked.user_id}`),
	);
	t.true(at(`/api/v1/admin/users/${marked.user_id}`) < at(`/api/v1/admin/groups/${marked.group_id}`));

	const snap = env.sandbox.snapshot();
	t.false(alive(snap.groups, marked.group_id));
	t.false(alive(snap.accounts, marked.account_id));
	t.false(alive(snap.users, marked.user_id));
	t.true(alive(snap.groups, unmarked.group_id), 'unmarked look-alikes are untouched');
	t.true(alive(snap.users, unmarked.user_id));
	t.true(alive(snap.groups, guarded.group_id));
	const stillThere = imported.resources.every((r: any) => {
		const table = {
			group: 'groups',
			account: 'accounts',
			user: 'users',
			api_key: 'api_keys',
			subscription: 'subscriptions',
		}[r.resource_type as string] as keyof typeof snap;
		return alive(snap[table] as any, Number(r.host_resource_id));
	});
	t.true(stillThere, "the live import's resources are all still there");

	const again = parseJson(await env.run(['residue', '--host', 'sb', '--json']));
	t.false(again.items.some((i: any) => i.marker_batch_id === 'b20250101-000000-abcdef'));
	t.true(again.items.some((i: any) => i.host_resource_id === String(unmarked.group_id)));
	const human = await env.run(['residue', '--host', 'sb']);
	t.regex(human.stdout, /DELETABLE\s+TYPE\s+HOST ID\s+NAME\s+AGE\s+MARKER BATCH\s+REASON/);
});

test('TUI: Drift & rollback › Residue: the same list, deleted only after the host name is typed', async (t) => {
	const env = await hostEnv(t);
	const marked = await seed(env, {batch_id: 'b20250101-000000-abcdef', age_days: 3, stem: 'tui-old'});
	const unmarked = await seed(env, {batch_id: null, stem: 'tui-other'});
	const hostId = parseJson(await env.run(['host', 'show', 'sb', '--json'])).host_id;
	const tui = renderTui({dataDir: env.data, initialScreen: {id: 'drift', hostId}});
	try {
		await tui.waitFor("Residue: what looks like the tool's but has no record");
		await tui.press(KEY.end, KEY.enter);
		const listed = await tui.waitFor(/10 item\(s\) · 5 deletable/);
		t.regex(listed, /Residue › sb/);
		t.regex(listed, /yes\s+group\s+\d+\s+crm-tui-old\s+3d/);
		t.regex(listed, /no\s+group\s+\d+\s+crm-tui-other/);
		await tui.type('wrong');
		await tui.press(KEY.enter);
		await tui.waitFor('type the host name exactly as shown');
		t.true(alive(env.sandbox.snapshot().groups, marked.group_id), 'nothing deleted on a wrong name');
		for (let i = 0; i < 5; i++) await tui.press(KEY.backspace);
		await tui.type('sb');
		await tui.press(KEY.enter);
		const done = await tui.waitFor(/5 deleted · 5 kept · 0 failed/, 30_000);
		t.regex(done, /Residue › sb › delete/);
		const snap = env.sandbox.snapshot();
		t.false(alive(snap.groups, marked.group_id));
		t.true(alive(snap.groups, unmarked.group_id));
	} finally {
		tui.unmount();
	}
});
