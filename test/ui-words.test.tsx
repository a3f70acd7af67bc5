// Words that mean what they say (TUI at 80x24 and 160x45, and the CLI): a failed batch reads
// `access none`, never `pending`; one host-wide reconcile marks drifted only the provider whose batch
// drifted; `fully_ready` is withdrawn once reconcile finds part of its access missing; every status
// word on a screen is explained there and in the `?` help, from the one table the CLI uses too.
import test from 'ava';
import {Session} from '../source/app/session.js';
import {reconcile} from '../source/app/drift.js';
import {startSandbox, type SandboxHandle} from '../source/sandbox/index.js';
import {runCli} from './helpers/cli.js';
import {FAST, idOf, importDirect, oob} from './helpers/setup.js';
import {fitsWidth, KEY, registerLab, renderTui, SIZES, tempData} from './ui-helpers.js';

interface History {
	sb: SandboxHandle;
	dataDir: string;
	hostId: string;
}

/**
 * deepseek in both modes (fully_ready), kimi in one, qwen failed before anything was made; then the
 * deepseek subscription batch's key deleted on the host and one host-wide reconcile.
 */
async function history(): Promise<History> {
	const sb = await startSandbox();
	const dataDir = tempData();
	const hostId = await registerLab(dataDir, sb);
	const sub = await importDirect(dataDir, sb, hostId, 'deepseek', 'subscription');
	await importDirect(dataDir, sb, hostId, 'deepseek', 'self_service');
	await importDirect(dataDir, sb, hostId, 'kimi', 'subscription');
	sb.setFaults({upstream: {qwen: 'auth'}});
	const failed = await importDirect(dataDir, sb, hostId, 'qwen', 'subscription');
	if (failed.batch_status !== 'failed') throw new Error('the qwen import should fail');
	await oob(sb, {op: 'delete', type: 'api_key', id: idOf(sub, 'api_key')});
	const app = new Session({dataDir, timing: FAST});
	const run = await reconcile(app, {host: hostId}, {sink: () => {}, signal: new AbortController().signal});
	if (run.reconcile_status !== 'drifted') throw new Error('the host reconcile should drift');
	return {sb, dataDir, hostId};
}

for (const [columns, rows] of SIZES) {
	test(`${columns}x${rows}: per-provider drift, fully_ready withdrawn, no access pending, words explained`, async (t) => {
		const h = await history();
		const tui = renderTui({dataDir: h.dataDir, initialScreen: {id: 'status-host', hostId: h.hostId}});
		tui.resize(columns, rows);
		try {
			const frame = await tui.waitFor('PROVIDER');
			const line = (pack: string) => frame.split('\n').find((l) => l.includes(` ${pack} `)) ?? '';
			t.regex(
				line('deepseek'),
				/self_service_ready\s+drifted/,
				'fully_ready withdrawn; its own batch drifted',
			);
			t.notRegex(frame, /fully_ready/);
			t.regex(line('kimi'), /subscription_ready\s+in_sync/, 'the host-wide run did not drift kimi');
			t.regex(line('qwen'), /\bnone\b/);
			t.notRegex(frame, /pending/);
			// the highlighted row's words are explained on the screen
			t.regex(frame, /self_service_ready: a normal user with balance can call/);
			t.regex(frame, /drifted: something recorded is missing or changed/);
			t.deepEqual(fitsWidth(frame, columns), []);
			await tui.press('?');
			const help = await tui.waitFor('Words on this screen');
			t.regex(help, /self_service_ready a normal user with balance/);
			t.deepEqual(fitsWidth(help, columns), []);
			await tui.press('?');
			// the failed batch: access none, explained
			await tui.press(KEY.down, KEY.down);
			await tui.waitFor(/❯ \S+\s+qwen/);
			await tui.press(KEY.enter);
			const batches = await tui.waitFor('newest first');
			t.regex(batches, /failed\s+none/);
			t.regex(batches, /none: no access was proven/);
			t.deepEqual(fitsWidth(batches, columns), []);
		} finally {
			await tui.close();
			await h.sb.close();
		}
	});
}

test('CLI: status and batches say the same words, explained, with host names', async (t) => {
	const h = await history();
	try {
		const status = await runCli(['status', '--data', h.dataDir]);
		t.is(status.code, 0, status.stderr);
		const line = (pack: string) => status.stdout.split('\n').find((l) => l.startsWith(pack)) ?? '';
		t.regex(line('deepseek'), /self_service_ready\s+b\S+\s+drifted/);
		t.regex(line('kimi'), /subscription_ready\s+b\S+\s+in_sync/);
		t.regex(line('qwen'), /\bnone\b/);
		t.regex(status.stdout, /words:\n(.*\n)*\s+drifted: something recorded is missing or changed/);
		const json = JSON.parse((await runCli(['status', '--json', '--data', h.dataDir])).stdout);
		const deepseek = json.hosts[0].providers.find((p: any) => p.pack === 'deepseek');
		t.is(deepseek.access_status, 'self_service_ready');
		t.deepEqual(deepseek.modes_ready, ['self_service']);
		const batches = await runCli(['batches', '--data', h.dataDir]);
		t.regex(batches.stdout, /lab\s+qwen\s+subscription\s+failed\s+none/);
		t.notRegex(batches.stdout, /pending/);
		t.regex(batches.stdout, /none: no access was proven/);
	} finally {
		await h.sb.close();
	}
});
