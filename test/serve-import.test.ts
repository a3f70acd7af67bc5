// Imports over HTTP against the sandbox: 202 with the batch id at once, the SSE stream delivers every
// step event in order and ends with the import output; a client that connects late gets the earlier
// steps first (and Last-Event-ID resumes); a batch the CLI ran replays from its record; SIGTERM during
// an import stops it at a step boundary, ends its stream and exits 0; no secret in any answer or event.
import test from 'ava';
import {existsSync} from 'node:fs';
import path from 'node:path';
import {dataPaths} from '../source/store/paths.js';
import {StateStore} from '../source/store/state-store.js';
import {hostEnv, parseJson} from './helpers/host-env.js';
import {scanForSecrets} from './helpers/scan.js';
import {readEvents, seen, startService, type SseEvent} from './helpers/serve.js';

const STEPS = [
	'preflight',
	'host_probe',
	'upstream_probe',
	'plan',
	'create_group',
	'create_account',
	'account_test',
	'access_closure',
	'access_smoke',
	'summary',
];

/**
 * The pipeline's order where steps run side by side: the host and upstream probes (either may end
 * first), and in subscription mode the access closure beside create_group, create_account and the
 * account test (docs/architecture.md: the closure starts once the plan is made).
 */
const SIDE_BY_SIDE: Record<string, string> = {
	host_probe: 'probe',
	upstream_probe: 'probe',
	create_group: 'build',
	create_account: 'build',
	account_test: 'build',
	access_closure: 'build',
};
const pipelineOrder = (names: string[]) => names.map((n) => SIDE_BY_SIDE[n] ?? n);
const STEP_ORDER = pipelineOrder(STEPS);

const parsed = (events: SseEvent[]) =>
	events.filter((e) => e.event === 'step').map((e) => JSON.parse(e.data));

test('an import over HTTP reaches ready; its stream has every step in order, then end with the output', async (t) => {
	const env = await hostEnv(t, {latencyMs: 40});
	const svc = await startService(t, env.data);
	const key = env.sandbox.info.upstreams.deepseek!.api_key;
	const started = await svc.api('POST', '/api/v1/imports', {
		host: 'sb',
		pack: 'deepseek',
		url: env.sandbox.info.upstreams.deepseek!.base_url,
		key,
		access: 'subscription',
	});
	t.is(started.status, 202, started.text);
	const {batch_id: batchId, events_url: eventsUrl} = started.json;
	t.is(eventsUrl, `/api/v1/batches/${batchId}/events`);
	const stream = await readEvents(svc.url + eventsUrl, svc.token);
	t.is(stream.status, 200);
	t.regex(stream.contentType ?? '', /^text\/event-stream/);
	const events = stream.events;
	t.is(events.at(-1)!.event, 'end');
	t.is(events.filter((e) => e.event === 'end').length, 1);
	// ids increase by one from 1: nothing lost, nothing reordered.
	t.deepEqual(
		events.map((e) => Number(e.id)),
		events.map((_, i) => i + 1),
	);
	const steps = parsed(events);
	const ends = steps.filter((s) => s.type === 'end');
	t.deepEqual(pipelineOrder(ends.map((s) => s.step)), STEP_ORDER);
	t.deepEqual(ends.map((s) => s.step).sort(), [...STEPS].sort());
	// What the data forces: the account after its group, its test after the account.
	const endOf = (name: string) => ends.findIndex((s) => s.step === name);
	t.true(endOf('create_group') < endOf('create_account') && endOf('create_account') < endOf('account_test'));
	t.true(ends.every((s) => s.status === 'ok' || s.status === 'warn'));
	// Every step started before it ended, and the CLI's event fields are all there.
	for (const name of STEPS) {
		const startAt = steps.findIndex((s) => s.type === 'start' && s.step === name);
		const endAt = steps.findIndex((s) => s.type === 'end' && s.step === name);
		t.true(startAt >= 0 && startAt < endAt, name);
	}
	t.deepEqual(Object.keys(ends[0]).sort(), [
		'duration_ms',
		'failure_class',
		'message',
		'status',
		'step',
		'type',
	]);
	const output = JSON.parse(events.at(-1)!.data);
	t.is(output.batch_id, batchId);
	t.is(output.batch_status, 'succeeded');
	t.is(output.access_status, 'subscription_ready');
	t.true(output.completion_ok);
	t.deepEqual(
		output.steps.map((s: any) => s.name),
		STEPS,
	);
	// The same batch as the CLI sees it, and the status answer shows the provider ready.
	const show = parseJson(await env.run(['batch', 'show', batchId, '--json']));
	t.is(show.batch_status, 'succeeded');
	const status = await svc.api('GET', '/api/v1/status');
	t.is(status.json.hosts[0].providers[0].access_status, 'subscription_ready');
	const list = await svc.api('GET', '/api/v1/imports');
	t.like(list.json.imports[0], {batch_id: batchId, state: 'finished', pack: 'deepseek'});
	// The lock was held only while it ran.
	t.false(existsSync(dataPaths(env.data).lock));
	t.deepEqual(
		scanForSecrets([env.data], [...seen, svc.stderr(), svc.stdout()], [...env.secrets(), key], {
			allowStateFile: true,
		}),
		[],
	);
});

test('a late SSE client gets the steps so far first, then the rest; Last-Event-ID resumes; a CLI batch replays', async (t) => {
	const env = await hostEnv(t, {latencyMs: 120});
	const svc = await startService(t, env.data);
	const started = await svc.api('POST', '/api/v1/imports', {
		host: 'sb',
		pack: 'kimi',
		url: env.sandbox.info.upstreams.kimi!.base_url,
		key: env.sandbox.info.upstreams.kimi!.api_key,
	});
	t.is(started.status, 202, started.text);
	const url = svc.url + started.json.events_url;
	// The first client reads until three steps have ended, then leaves.
	const early = await readEvents(url, svc.token, {
		until: (e) =>
			e.event === 'step' && JSON.parse(e.data).type === 'end' && JSON.parse(e.data).step === 'upstream_probe',
	});
	t.true(early.events.length >= 3);
	t.not(early.events.at(-1)!.event, 'end', 'the import is still running when the late client comes');
	const late = await readEvents(url, svc.token);
	t.is(late.events.at(-1)!.event, 'end');
	// The late client got everything the early one saw, in the same order and with the same ids first.
	t.deepEqual(late.events.slice(0, early.events.length), early.events);
	t.deepEqual(
		pipelineOrder(
			parsed(late.events)
				.filter((s) => s.type === 'end')
				.map((s) => s.step),
		),
		STEP_ORDER,
	);
	// Resuming after event 3 gives exactly the rest.
	const resumed = await readEvents(url, svc.token, {lastEventId: '3'});
	t.deepEqual(resumed.events, late.events.slice(3));

	// A batch the CLI ran (not this service): its recorded steps, then end with the batch document.
	const cli = await env.importPack('glm');
	t.is(cli.code, 0, cli.stderr);
	const cliBatch = parseJson(cli).batch_id;
	const replay = await readEvents(`${svc.url}/api/v1/batches/${cliBatch}/events`, svc.token);
	t.deepEqual(pipelineOrder(parsed(replay.events).map((s) => s.step)), STEP_ORDER);
	const end = JSON.parse(replay.events.at(-1)!.data);
	t.is(end.batch_id, cliBatch);
	t.is(end.batch_status, 'succeeded');
	t.deepEqual(scanForSecrets([env.data], seen, env.secrets(), {allowStateFile: true}), []);
});

test('GET /api/v1/imports/events: an import event when each import starts and when it finishes, in order; a client that comes mid-import gets it as running first', async (t) => {
	const env = await hostEnv(t, {latencyMs: 150});
	const svc = await startService(t, env.data);
	const importEvents = (e: SseEvent[]) =>
		e.map((x) => {
			const info = JSON.parse(x.data);
			return [x.event, info.batch_id, info.state, info.pack];
		});
	const finishedCount = (n: number) => {
		let seenFinished = 0;
		return (e: SseEvent) =>
			e.event === 'import' && JSON.parse(e.data).state === 'finished' && ++seenFinished === n;
	};
	// Connected before anything runs: nothing to replay, then the live starts and finishes.
	let opened: () => void = () => {};
	const open = new Promise<void>((resolve) => (opened = resolve));
	const early = readEvents(`${svc.url}/api/v1/imports/events`, svc.token, {
		until: finishedCount(2),
		onOpen: opened,
	});
	early.catch(() => {}); // awaited below
	await open;
	const start = async (pack: string) => {
		const started = await svc.api('POST', '/api/v1/imports', {
			host: 'sb',
			pack,
			url: env.sandbox.info.upstreams[pack]!.base_url,
			key: env.sandbox.info.upstreams[pack]!.api_key,
		});
		t.is(started.status, 202, started.text);
		return started.json as {batch_id: string; events_url: string};
	};
	const first = await start('deepseek');
	const firstEnd = await readEvents(svc.url + first.events_url, svc.token);
	t.is(firstEnd.events.at(-1)!.event, 'end');
	const second = await start('step');
	// A client that comes while the second import runs gets it as running, then its finish.
	const mid = await readEvents(`${svc.url}/api/v1/batches/${second.batch_id}/events`, svc.token, {
		until: (e) => e.event === 'step' && JSON.parse(e.data).type === 'start',
	});
	t.not(mid.events.at(-1)!.event, 'end');
	const late = await readEvents(`${svc.url}/api/v1/imports/events`, svc.token, {until: finishedCount(1)});
	const all = await early;
	t.is(all.status, 200);
	t.regex(all.contentType ?? '', /^text\/event-stream/);
	t.deepEqual(importEvents(all.events), [
		['import', first.batch_id, 'running', 'deepseek'],
		['import', first.batch_id, 'finished', 'deepseek'],
		['import', second.batch_id, 'running', 'step'],
		['import', second.batch_id, 'finished', 'step'],
	]);
	t.deepEqual(importEvents(late.events), [
		['import', second.batch_id, 'running', 'step'],
		['import', second.batch_id, 'finished', 'step'],
	]);
	t.is(JSON.parse(all.events[0]!.data).events_url, first.events_url);
	// The stream's finish is the batch's: it is succeeded when the event says finished.
	t.is(parseJson(await env.run(['batch', 'show', second.batch_id, '--json'])).batch_status, 'succeeded');
	const noToken = await fetch(`${svc.url}/api/v1/imports/events`);
	t.is(noToken.status, 401);
	t.deepEqual(scanForSecrets([env.data], seen, env.secrets(), {allowStateFile: true}), []);
});

test('SIGTERM during an import: it stops at a step boundary, its stream ends, the service exits 0', async (t) => {
	const env = await hostEnv(t, {latencyMs: 300});
	const svc = await startService(t, env.data);
	const started = await svc.api('POST', '/api/v1/imports', {
		host: 'sb',
		pack: 'minimax',
		url: env.sandbox.info.upstreams.minimax!.base_url,
		key: env.sandbox.info.upstreams.minimax!.api_key,
	});
	t.is(started.status, 202, started.text);
	const batchId = started.json.batch_id;
	const events: SseEvent[] = [];
	const stream = readEvents(svc.url + started.json.events_url, svc.token, {
		until: (e) => {
			events.push(e);
			if (e.event === 'step' && JSON.parse(e.data).type === 'end' && JSON.parse(e.data).step === 'plan')
				svc.child.kill('SIGTERM');
			return false;
		},
	});
	t.is(await svc.exited, 0, svc.stderr());
	const read = await stream;
	t.is(read.events.at(-1)!.event, 'end');
	const output = JSON.parse(read.events.at(-1)!.data);
	t.is(output.batch_id, batchId);
	t.not(output.batch_status, 'running');
	t.not(output.batch_status, 'succeeded');
	t.regex(svc.stderr(), /SIGTERM: stopping/);
	// State is consistent: the batch is marked where it stopped; no lock, no serve.json left.
	const store = await StateStore.open(env.data);
	const batch = store.data.batches.find((b) => b.batch_id === batchId)!;
	t.not(batch.batch_status, 'running');
	t.truthy(batch.stopped_at_step);
	t.false(existsSync(dataPaths(env.data).lock));
	t.false(existsSync(path.join(env.data, 'serve.json')));
	const steps = parsed(read.events).filter((s) => s.type === 'end');
	t.false(steps.some((s) => s.step === 'summary' && s.status === 'ok'));
});
