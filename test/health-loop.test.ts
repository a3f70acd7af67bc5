// The watch loop through the application layer (source/app): each batch again every interval, never
// two checks of one batch at once even when a check outlasts the interval, never more than the
// per-host bound against the host; the summary and history are written when it stops. A second
// watch on the same data folder is refused (exit 4) naming the first.
import test from 'ava';
import {copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {importProvider} from '../source/app/import.js';
import {Session} from '../source/app/session.js';
import {watch} from '../source/app/watch.js';
import {batchHealth, healthSummary} from '../source/app/health.js';
import {Watcher} from '../source/core/health/watcher.js';
import {registerHost} from '../source/core/hosts/register.js';
import {startSandbox} from '../source/sandbox/index.js';
import {CrmError} from '../source/lib/errors.js';
import {repoRoot} from './helpers/cli.js';

const FAST = {requestTimeoutMs: 5000, smokeRetryMs: 2000, smokeRetryIntervalMs: 100};

test('the loop: every interval, no overlap for one batch, at most N checks at once per host', async (t) => {
	const sb = await startSandbox();
	t.teardown(() => sb.close());
	const session = new Session({dataDir: mkdtempSync(path.join(tmpdir(), 'crm-loop-')), timing: FAST});
	await session.withLock('host add', (store) =>
		registerHost(
			store,
			{name: 'sb', url: sb.info.host_url, credential: {type: 'admin_api_key', key: sb.info.admin_api_key}},
			{operator: {}},
		),
	);
	const run = {sink: () => {}, signal: new AbortController().signal};
	const ids: string[] = [];
	for (const pack of ['deepseek', 'kimi', 'step', 'glm']) {
		const up = sb.info.upstreams[pack]!;
		const r = await importProvider(session, {host: 'sb', pack, url: up.base_url, key: up.api_key}, run);
		t.is(r.batch_status, 'succeeded');
		ids.push(r.batch_id);
	}
	// Every host and upstream answer takes 120 ms: a check (models and chat at once) outlasts the
	// 50 ms interval, so without the guard a batch would be checked again while its check runs.
	sb.setFaults({latency_ms: 120});
	const stop = new AbortController();
	const seen: Array<{batch: string; at: number; latency: number}> = [];
	const watcher = new Watcher(
		{
			dataDir: session.dataDir,
			read: () => session.read(),
			withLock: (fn) => session.withLock('watch', fn),
			packs: session.packs,
			timing: session.timing,
			onCheck: (c) => seen.push({batch: c.batch_id, at: Date.parse(c.at), latency: c.latency_ms ?? 0}),
		},
		{intervalMs: 50, jitterRatio: 0, perHostConcurrency: 2},
	);
	const looping = watcher.loop(stop.signal, 20);
	await new Promise((r) => setTimeout(r, 2500));
	stop.abort();
	const result = await looping;
	t.is(result.checks.length, 4, 'the last check of each batch');
	t.true(result.checks.every((c) => c.health === 'ok'));
	for (const id of ids) {
		const mine = seen.filter((s) => s.batch === id);
		t.true(mine.length >= 2, `${id} checked ${mine.length} times`);
		for (let i = 1; i < mine.length; i++)
			t.true(mine[i]!.at - mine[i - 1]!.at >= mine[i - 1]!.latency, 'a batch is never checked twice at once');
	}
	t.is(watcher.peakPerHost, 2, 'at most two checks at once against the host');
	t.true(
		sb.snapshot().max_in_flight <= 2 * 2 + 1,
		`host saw ${sb.snapshot().max_in_flight} requests at once`,
	);
	const summary = await healthSummary(session);
	t.deepEqual(Object.keys(summary).sort(), [...ids].sort());
	t.true((await batchHealth(session, {batchId: ids[0]})).checks.length >= 2);
});

test('one watch per data folder: a second is refused naming the first', async (t) => {
	const session = new Session({dataDir: mkdtempSync(path.join(tmpdir(), 'crm-loop-')), timing: FAST});
	const stop = new AbortController();
	const first = watch(session, {}, {sink: () => {}, signal: stop.signal});
	await new Promise((r) => setTimeout(r, 300));
	const second = await t.throwsAsync(
		watch(session, {once: true}, {sink: () => {}, signal: new AbortController().signal}),
	);
	t.true(second instanceof CrmError);
	t.is((second as CrmError).exitCode, 4);
	t.regex(second!.message, /another watch runs on this data folder: pid \d+ .*crm watch/);
	stop.abort();
	t.deepEqual((await first).checks, []);
});

test.serial(
	'models mode from the pack; the gateway address first, the admin address when it is unreachable',
	async (t) => {
		const packs = mkdtempSync(path.join(tmpdir(), 'crm-packs-'));
		for (const f of readdirSync(path.join(repoRoot, 'packs')))
			copyFileSync(path.join(repoRoot, 'packs', f), path.join(packs, f));
		const step = JSON.parse(readFileSync(path.join(packs, 'step.json'), 'utf8'));
		writeFileSync(path.join(packs, 'step.json'), JSON.stringify({...step, health: {mode: 'models'}}));
		const before = process.env.CRM_PACKS_DIR;
		process.env.CRM_PACKS_DIR = packs;
		t.teardown(() => {
			if (before === undefined) delete process.env.CRM_PACKS_DIR;
			else process.env.CRM_PACKS_DIR = before;
		});
		const sb = await startSandbox();
		t.teardown(() => sb.close());
		const session = new Session({dataDir: mkdtempSync(path.join(tmpdir(), 'crm-loop-')), timing: FAST});
		await session.withLock('host add', (store) =>
			registerHost(
				store,
				{name: 'sb', url: sb.info.host_url, credential: {type: 'admin_api_key', key: sb.info.admin_api_key}},
				{operator: {}},
			),
		);
		const run = {sink: () => {}, signal: new AbortController().signal};
		const up = sb.info.upstreams.step!;
		t.is(
			(await importProvider(session, {host: 'sb', pack: 'step', url: up.base_url, key: up.api_key}, run))
				.batch_status,
			'succeeded',
		);
		const setGateway = (url: string) =>
			session.withLock('test', async (store) => {
				(store.data.hosts[0] as {gateway_url?: string}).gateway_url = url;
				await store.write();
			});

		const chats = () => sb.snapshot().upstream_log.filter((e) => e.path.endsWith('/chat/completions')).length;
		const chatsBefore = chats();
		const viaLocalhost = sb.info.host_url.replace('127.0.0.1', 'localhost');
		await setGateway(viaLocalhost);
		const models = (await watch(session, {once: true}, run)).checks[0]!;
		t.like(models, {
			mode: 'models',
			health: 'ok',
			completion_ok: null,
			models_ok: true,
			gateway_used: viaLocalhost,
		});
		t.is(chats(), chatsBefore, 'models mode sends no completion');

		await setGateway('http://127.0.0.1:1');
		const fallback = (await watch(session, {once: true}, run)).checks[0]!;
		t.like(fallback, {health: 'ok', gateway_used: sb.info.host_url});
		t.regex(
			fallback.message,
			/gateway address http:\/\/127\.0\.0\.1:1 is unreachable from here; checked through the admin address/,
		);

		sb.setFaults({host_down: true});
		const skipped = (await watch(session, {once: true}, run)).checks[0]!;
		t.is(skipped.health, 'skipped', 'a host unreachable from here is skipped, not failing');
		t.regex(skipped.message, /host unreachable from here/);
		sb.setFaults({host_down: false});
	},
);
