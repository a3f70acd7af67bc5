// `crm host list` / `host show` on a host the built-in sandbox registered: `sandbox` is "stopped" once
// the crm process that started it has ended, "running" while it runs, null for a host added by hand;
// the table's SANDBOX column and host show's line say the same words as the TUI.
import test from 'ava';
import {registerHost} from '../source/core/hosts/register.js';
import {startSandbox} from '../source/sandbox/index.js';
import {StateStore} from '../source/store/state-store.js';
import {earlierSandboxRun} from './helpers/earlier-sandbox.js';
import {parseJson, runCli} from './helpers/cli.js';

interface Listed {
	name: string;
	url: string;
	sandbox: string | null;
}

test('host list and host show mark the sandbox that stopped with the previous run', async (t) => {
	const earlier = await earlierSandboxRun({imports: false});
	const live = await startSandbox();
	t.teardown(() => live.close());
	const store = await StateStore.open(earlier.data, {lock: {command: 'test'}});
	const credential = {type: 'admin_api_key' as const, key: live.info.admin_api_key};
	try {
		// This test process plays a TUI still running its sandbox; `plain` was added by hand.
		const stamp = {
			pid: process.pid,
			session: 'a-live-run',
			started_at: new Date().toISOString(),
			profile: 'recent',
		};
		await registerHost(
			store,
			{name: 'live', url: live.info.host_url, credential, sandbox: stamp},
			{operator: {}},
		);
		await registerHost(store, {name: 'plain', url: live.info.host_url, credential}, {operator: {}});
		// A pid now held by a process that started after the sandbox did: not the process that ran it.
		const reused = {...stamp, session: 'a-reused-pid', started_at: '2000-01-01T00:00:00.000Z'};
		await registerHost(
			store,
			{name: 'reused', url: live.info.host_url, credential, sandbox: reused},
			{operator: {}},
		);
	} finally {
		store.release();
	}
	const data = ['--data', earlier.data];

	const listed = parseJson<{hosts: Listed[]}>(await runCli(['host', 'list', '--json', ...data])).hosts;
	t.deepEqual(
		listed.map((h) => [h.name, h.sandbox]),
		[
			['sandbox', 'stopped'],
			['live', 'running'],
			['plain', null],
			['reused', 'stopped'],
		],
	);
	const table = await runCli(['host', 'list', ...data]);
	t.is(table.code, 0);
	const rows = table.stdout.trim().split('\n');
	t.regex(rows[0]!, /LAST PROBE\s+SANDBOX$/);
	t.regex(
		rows.find((r) => r.includes(' sandbox '))!,
		/\sstopped$/,
	);
	t.regex(
		rows.find((r) => r.includes(' live '))!,
		/\srunning$/,
	);
	t.regex(
		rows.find((r) => r.includes(' plain '))!,
		/\s-$/,
	);

	const shown = parseJson<Listed>(await runCli(['host', 'show', 'sandbox', '--json', ...data]));
	t.is(shown.sandbox, 'stopped');
	t.is(shown.url, earlier.oldUrl, 'the record still names the stopped sandbox’s address');
	const text = await runCli(['host', 'show', 'sandbox', ...data]);
	t.regex(text.stdout, /sandbox: +stopped: the sandbox that stopped with the previous run/);
	const plain = await runCli(['host', 'show', 'plain', ...data]);
	t.false(plain.stdout.includes('sandbox:'), 'a host added by hand has no sandbox line');
	t.is(parseJson<Listed>(await runCli(['host', 'show', 'plain', '--json', ...data])).sandbox, null);
});

test('host remove on the stopped sandbox with a batch recorded: exit 2 saying why, then --force forgets it', async (t) => {
	const earlier = await earlierSandboxRun();
	const data = ['--data', earlier.data];
	const refused = await runCli(['host', 'remove', 'sandbox', ...data]);
	t.is(refused.code, 2);
	t.regex(refused.stderr, /the sandbox that stopped with the previous run/);
	t.regex(refused.stderr, /resources are gone with it/);
	t.is(parseJson<{hosts: Listed[]}>(await runCli(['host', 'list', '--json', ...data])).hosts.length, 1);
	const removed = await runCli(['host', 'remove', 'sandbox', '--force', '--json', ...data]);
	t.is(removed.code, 0, removed.stderr);
	t.deepEqual(parseJson(removed), {removed: earlier.hostId});
	t.deepEqual(parseJson<{hosts: Listed[]}>(await runCli(['host', 'list', '--json', ...data])).hosts, []);
});
