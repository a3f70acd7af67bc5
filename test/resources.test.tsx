// The host-wide resource list (docs/cli.md `crm resources`): every resource the tool recorded on a
// host, across batches, active / deleted / unknown; and the same list in the TUI's status drill-down.
import test from 'ava';
import {readFileSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {hostEnv, parseJson} from './helpers/host-env.js';
import {KEY, renderTui} from './ui-helpers.js';

test('crm resources: every recorded resource of the host, with its batch and state; reads only', async (t) => {
	const env = await hostEnv(t);
	const a = parseJson(await env.importPack('deepseek'));
	const b = parseJson(await env.importPack('kimi', ['--access', 'self_service']));
	t.is(b.batch_status, 'succeeded');
	t.is((await env.run(['rollback', '--batch', a.batch_id, '--yes'])).code, 0);
	// A record whose create answer was never recorded reads `unknown`.
	const file = path.join(env.data, 'batches', `${b.batch_id}.json`);
	const batch = JSON.parse(readFileSync(file, 'utf8'));
	const key = batch.resources.find((r: any) => r.resource_type === 'api_key');
	key.status = 'pending';
	writeFileSync(file, JSON.stringify(batch));

	const logged = env.sandbox.requestLog().length;
	const r = await env.run(['resources', '--host', 'sb', '--json']);
	t.is(r.code, 0, r.stderr);
	const {resources} = parseJson(r);
	t.is(env.sandbox.requestLog().length, logged, 'nothing was asked of the host');
	t.deepEqual(Object.keys(resources[0]).slice(0, 6), [
		'batch_id',
		'resource_type',
		'host_resource_id',
		'name',
		'state',
		'created_at',
	]);
	const of = (id: string) => resources.filter((x: any) => x.batch_id === id);
	t.is(of(a.batch_id).length, 5);
	t.true(
		of(a.batch_id).every((x: any) => x.state === 'deleted'),
		'the rolled-back batch',
	);
	t.is(of(b.batch_id).length, 4, 'self_service: no subscription');
	t.is(of(b.batch_id).find((x: any) => x.resource_type === 'api_key').state, 'unknown');
	t.true(
		of(b.batch_id)
			.filter((x: any) => x.resource_type !== 'api_key')
			.every((x: any) => x.state === 'active'),
	);
	const times = resources.map((x: any) => x.created_at);
	t.deepEqual(times, [...times].sort().reverse(), 'newest first');

	const human = await env.run(['resources', '--host', 'sb']);
	t.regex(human.stdout, /STATE\s+TYPE\s+HOST ID\s+NAME\s+BATCH/);
	t.regex(human.stdout, /3 active · 5 deleted · 1 unknown/);
	const missing = await env.run(['resources', '--json']);
	t.is(missing.code, 2);
	t.is(parseJson(missing).error.field, '--host');

	// The TUI: Status › host › "Every resource the tool recorded on this host".
	const hostId = parseJson(await env.run(['host', 'show', 'sb', '--json'])).host_id;
	const tui = renderTui({dataDir: env.data, initialScreen: {id: 'status-host', hostId}});
	try {
		await tui.waitFor('Every resource the tool recorded on this host');
		await tui.press(KEY.up, KEY.up, KEY.enter); // the second-to-last item
		const frame = await tui.waitFor('3 active · 5 deleted · 1 unknown');
		t.regex(frame, /Status › sb › resources/);
		t.regex(frame, /unknown\s+api_key/);
		t.regex(frame, /deleted\s+group/);
		t.true(frame.includes(b.batch_id));
		await tui.press(KEY.enter);
		await tui.waitFor(`Batch ${b.batch_id}`);
	} finally {
		tui.unmount();
	}
});
