// Batch imports over HTTP against the sandbox, through the built CLI's `crm serve`: 202 with a run id
// at once, the run's progress while it runs and then `crm import-batch --json`'s document (the same
// as the CLI prints for the same rows), a good row ready and a bad-key row upstream_auth_issue, each
// row's batch streaming its steps; bad bodies (400 naming rows.N.field), a locked data folder (409
// naming the holder), an unknown run (404); and no key in any answer, event or log line.
import test from 'ava';
import {chmodSync, readFileSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {acquireLock} from '../source/store/lock.js';
import {dataPaths} from '../source/store/paths.js';
import {runCli, tempDataDir} from './helpers/cli.js';
import {FAST, hostEnv, parseJson, type HostEnv} from './helpers/host-env.js';
import {scanForSecrets} from './helpers/scan.js';
import {readEvents, seen, startService, type Service} from './helpers/serve.js';

const BAD_KEY = 'sk-not-the-step-key-over-http-0000';

const rowsOf = (env: HostEnv) => [
	{
		url: env.sandbox.info.upstreams.deepseek!.base_url,
		key: env.sandbox.info.upstreams.deepseek!.api_key,
		pack: 'deepseek',
	},
	{url: env.sandbox.info.upstreams.step!.base_url, key: BAD_KEY},
];

async function finished(svc: Service, runId: string): Promise<any> {
	const deadline = Date.now() + 90_000;
	for (;;) {
		const answer = await svc.api('GET', `/api/v1/import-batches/${runId}`);
		if (answer.status !== 200) throw new Error(answer.text);
		if (answer.json.state !== 'running') return answer.json;
		if (Date.now() > deadline) throw new Error(`still running: ${answer.text}`);
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
}

/** What differs between two runs of the same rows: batch ids, durations, and the texts naming them. */
function comparable(doc: any): any {
	return {
		...doc,
		run_id: typeof doc.run_id,
		results: doc.results.map(({batch_id, duration_ms, message, ...rest}: any) => ({
			...rest,
			batch_id: typeof batch_id,
			duration_ms: typeof duration_ms,
			message: String(message).replaceAll(batch_id ?? '\0', 'BATCH'),
		})),
	};
}

test('an import-batch over HTTP: 202 at once, progress, then the CLI document; the good row ready, the bad key upstream_auth_issue', async (t) => {
	const env = await hostEnv(t);
	const svc = await startService(t, env.data);
	const started = await svc.api('POST', '/api/v1/import-batches', {
		host: 'sb',
		rows: rowsOf(env),
		concurrency: 2,
	});
	t.is(started.status, 202, started.text);
	t.deepEqual(Object.keys(started.json), ['run_id']);
	const early = await svc.api('GET', `/api/v1/import-batches/${started.json.run_id}`);
	t.is(early.status, 200);
	t.like(early.json, {run_id: started.json.run_id, host: 'sb', concurrency: 2});
	t.is(early.json.progress.total, 2);
	t.deepEqual(
		early.json.progress.rows.map((r: any) => [r.line, r.url]),
		rowsOf(env).map((r, i) => [i + 1, r.url]),
	);

	const run = await finished(svc, started.json.run_id);
	t.is(run.state, 'finished', JSON.stringify(run.error));
	t.is(run.progress.done, 2);
	t.true(run.progress.rows.every((r: any) => r.state === 'done'));
	const [good, bad] = run.result.results;
	t.like(good, {line: 1, pack: 'deepseek', batch_status: 'succeeded', failure_class: null, skipped: false});
	t.regex(good.access_status, /_ready$/);
	t.like(bad, {line: 2, batch_status: 'failed', failure_class: 'upstream_auth_issue'});
	t.like(run.result.totals, {succeeded: 1, failed: 1, skipped: 0});
	t.is(run.progress.rows[0].batch_id, good.batch_id);
	t.is(parseJson(await env.run(['batch', 'show', good.batch_id, '--json'])).batch_status, 'succeeded');
	// The run's record keeps the id the service answered with: crm batch-run show reopens it.
	t.is(run.result.run_id, started.json.run_id);
	const shown = await env.run(['batch-run', 'show', started.json.run_id, '--json']);
	t.is(shown.code, 0, shown.stderr);
	t.deepEqual(parseJson(shown).totals, run.result.totals);

	// Each row's batch streams its steps, as a single import's does, ending with the row's result.
	const stream = await readEvents(`${svc.url}/api/v1/batches/${good.batch_id}/events`, svc.token);
	t.is(stream.status, 200);
	t.true(stream.events.filter((e) => e.event === 'step').length >= 4);
	t.is(stream.events.at(-1)!.event, 'end');
	t.like(JSON.parse(stream.events.at(-1)!.data), {line: 1, batch_id: good.batch_id});

	// The CLI, given the same rows in a file (on a fresh data folder of the same host), prints the same document.
	const data2 = tempDataDir('crm-data-cli');
	const added = await runCli(
		[
			'host',
			'add',
			'--name',
			'sb',
			'--url',
			env.sandbox.info.host_url,
			'--admin-key-env',
			'CRM_ADMIN_KEY',
			'--json',
			'--data',
			data2,
		],
		{env: env.env},
	);
	t.is(added.code, 0, added.stderr);
	const file = path.join(tempDataDir('crm-batch-file'), 'rows.csv');
	writeFileSync(
		file,
		rowsOf(env)
			.map((r) => [r.url, r.key, r.pack ?? ''].join(','))
			.join('\n') + '\n',
	);
	chmodSync(file, 0o600);
	const cli = await runCli(
		['import-batch', '--host', 'sb', '--file', file, '--concurrency', '2', '--json', '--data', data2],
		{env: {...FAST, ...env.env}},
	);
	t.is(cli.code, 1, cli.stderr);
	t.deepEqual(comparable(run.result), comparable(parseJson(cli)));

	const unknown = await svc.api('GET', '/api/v1/import-batches/r20250101-000000-abcdef');
	t.is(unknown.status, 404);
	t.is(unknown.json.error.field, 'run');
	t.regex(svc.stderr(), /^POST \/api\/v1\/import-batches 202 \d+ ms$/m);
	t.regex(svc.stderr(), /^GET \/api\/v1\/import-batches\/:run 200 \d+ ms$/m);
	t.deepEqual(
		scanForSecrets([env.data], [...seen, svc.stderr()], [...env.secrets(), BAD_KEY], {allowStateFile: true}),
		[],
	);
});

test('import-batches: bad bodies 400 naming rows.N.field, an unknown host 400, a locked folder 409 naming the holder; nothing runs', async (t) => {
	const env = await hostEnv(t);
	const svc = await startService(t, env.data);
	const [row, other] = rowsOf(env);
	const stateBefore = readFileSync(dataPaths(env.data).state, 'utf8');
	const cases: Array<[unknown, string]> = [
		[{host: 'sb', rows: []}, 'rows'],
		[{rows: [row]}, 'host'],
		[{host: 'sb', rows: [row, {url: other!.url}]}, 'rows.1.key'],
		[{host: 'sb', rows: [{...row, extra: 1}]}, 'rows.0.extra'],
		[{host: 'sb', rows: [row, {...other, url: 'ftp://example.com'}]}, 'rows.1.url'],
		[{host: 'sb', rows: [{...row, pack: 'nope'}]}, 'rows.0.pack'],
		[{host: 'sb', rows: [{...row, access: 'everyone'}]}, 'rows.0.access'],
		[{host: 'sb', rows: [{...row, smoke_model: 'no spaces allowed'}]}, 'rows.0.smoke_model'],
		[{host: 'sb', rows: [row], concurrency: 0}, 'concurrency'],
		[{host: 'nope', rows: [row]}, 'host'],
	];
	for (const [body, field] of cases) {
		const answer = await svc.api('POST', '/api/v1/import-batches', body);
		t.is(answer.status, 400, `${field}: ${answer.text}`);
		t.is(answer.json.error.kind, 'invalid_input');
		t.is(answer.json.error.field, field, answer.text);
	}
	const held = await acquireLock(dataPaths(env.data).lock, 'crm import-batch (test holder)');
	const locked = await svc.api('POST', '/api/v1/import-batches', {host: 'sb', rows: [row]});
	t.is(locked.status, 409, locked.text);
	t.is(locked.json.error.kind, 'state_locked');
	t.regex(locked.json.error.message, new RegExp(`pid ${process.pid} .*crm import-batch \\(test holder\\)`));
	await held.release();
	t.is(readFileSync(dataPaths(env.data).state, 'utf8'), stateBefore, 'no change to state');
	t.deepEqual(
		env.sandbox.snapshot().groups.filter((g) => g.name.startsWith('crm-')),
		[],
	);
	t.deepEqual(
		scanForSecrets([env.data], [...seen, svc.stderr()], [...env.secrets(), BAD_KEY], {allowStateFile: true}),
		[],
	);
});
