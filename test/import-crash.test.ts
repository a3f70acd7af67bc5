import test from 'ava';
import {hostEnv, liveOurs, parseJson, recordedResources} from './helpers/host-env.js';
import {killDuring} from './helpers/kill.js';

const STEPS = ['create_group', 'create_account', 'account_test', 'access_closure', 'access_smoke'];

test('an import killed mid-step leaves nothing on the host that state does not know; the next run resolves it', async (t) => {
	const env = await hostEnv(t, {latencyMs: 40});
	const up = env.sandbox.info.upstreams.deepseek!;
	const args = [
		'import',
		'--host',
		'sb',
		'--pack',
		'deepseek',
		'--url',
		up.base_url,
		'--key-env',
		'KEY_DEEPSEEK',
		'--force',
		'--data',
		env.data,
	];
	let kills = 0;
	for (const step of STEPS) {
		for (const delay of [5, 45]) {
			const outcome = await killDuring(args, env.env, step, delay);
			if (outcome.signal !== 'SIGKILL') continue; // finished before the kill landed
			kills += 1;
			const records = await recordedResources(env.data);
			const live = liveOurs(env.sandbox);
			const knows = (type: string, id: number, name: string) =>
				records.some(
					(r) =>
						r.resource_type === type &&
						(r.host_resource_id === String(id) || (r.status === 'pending' && r.name === name)),
				);
			for (const g of live.groups)
				t.true(knows('group', g.id, g.name), `group ${g.name} after a kill in ${outcome.killedDuring}`);
			for (const a of live.accounts)
				t.true(knows('account', a.id, a.name), `account ${a.name} after a kill in ${outcome.killedDuring}`);
			for (const u of live.users)
				t.true(knows('user', u.id, u.email), `user ${u.email} after a kill in ${outcome.killedDuring}`);
			for (const k of live.api_keys)
				t.true(knows('api_key', k.id, k.name), `key ${k.name} after a kill in ${outcome.killedDuring}`);
		}
	}
	t.true(kills >= STEPS.length, `kill points that landed: ${kills}`);

	// The dead runs read failed with the step they died in, and a host-wide reconcile finds no residue.
	const reconcile = await env.run(['reconcile', '--host', 'sb', '--json']);
	const run = parseJson(reconcile);
	t.deepEqual(
		run.items.filter((i: any) => i.state === 'unmanaged'),
		[],
	);
	const batches = parseJson(await env.run(['batches', '--json'])).batches;
	t.true(batches.length >= kills);
	for (const b of batches) t.not(b.batch_status, 'running');
	const records = await recordedResources(env.data);
	t.deepEqual(
		records.filter((r) => r.status === 'pending'),
		[],
		'every pending record was resolved',
	);

	// Rolling back every batch leaves no resource of this tool on the host.
	for (const b of batches) {
		const rb = await env.run(['rollback', '--batch', b.batch_id, '--yes', '--json']);
		t.true([0, 1].includes(rb.code ?? -1));
		if (rb.code === 1) t.regex(rb.stdout, /recorded no resources/);
	}
	const left = liveOurs(env.sandbox);
	t.deepEqual(
		[left.groups.length, left.accounts.length, left.users.length, left.api_keys.length],
		[0, 0, 0, 0],
	);
});
