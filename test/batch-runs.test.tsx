// Batch import as a record (docs/cli.md): each run is saved (crm batch-runs, crm batch-run show RUN,
// the TUI reopens a past run's table); the fifth column smoke_model serves relays whose /models is
// missing; detection follows docs/domain.md rule 15 (a listing with other vendors' ids or several
// families is a relay, and the relay keeps every listed model).
import test from 'ava';
import {createHash} from 'node:crypto';
import {writeFileSync} from 'node:fs';
import path from 'node:path';
import {hostEnv, liveOurs, parseJson} from './helpers/host-env.js';
import {KEY, renderTui} from './ui-helpers.js';

test('import-batch: run_id, the run saved and shown again; smoke_model column; relays keep every model', async (t) => {
	const env = await hostEnv(t);
	const up = env.sandbox.info.upstreams;
	const text = [
		'url,key,pack,access,smoke_model',
		`${up.relay!.base_url},${up.relay!.api_key}`,
		// DashScope-like: no /models at all. As a relay it would list nothing; the fifth column names the model.
		`${up.qwen!.base_url},${up.qwen!.api_key},relay,self_service,qwen3.8-flash`,
		`${up.deepseek!.base_url},${up.deepseek!.api_key}`,
		'',
	].join('\n');
	const file = path.join(env.data, 'keys.csv');
	writeFileSync(file, text, {mode: 0o600});
	const r = await env.run(['import-batch', '--host', 'sb', '--file', file, '--concurrency', '1', '--json']);
	t.is(r.code, 0, r.stderr);
	const doc = parseJson(r);
	t.regex(doc.run_id, /^r\d{8}-\d{6}-[0-9a-f]{6}$/);
	const [relay, qwen, deepseek] = doc.results;
	t.like(relay, {pack: 'relay', detected_by: 'fallback', batch_status: 'succeeded'});
	t.regex(relay.detection.reason, /mixed families/);
	t.like(qwen, {pack: 'relay', detected_by: 'column', batch_status: 'succeeded'});
	t.like(deepseek, {pack: 'deepseek', detected_by: 'models', batch_status: 'succeeded'});
	const qwenBatch = parseJson(await env.run(['batch', 'show', qwen.batch_id, '--json']));
	t.is(qwenBatch.summary.smoke_model, 'qwen3.8-flash', 'the fifth column was the smoke model');
	// The relay keeps every model its /models lists, including the other vendor's.
	const relayAccount = liveOurs(env.sandbox).accounts.find((a) =>
		String((a.credentials as any).base_url).endsWith('/relay/v1'),
	)!;
	t.deepEqual(Object.keys((relayAccount.credentials as any).model_mapping).sort(), [
		'deepseek-flash',
		'glm-5.1',
		'gpt-4o-mini',
		'qwen3.8-flash',
	]);

	const runs = parseJson(await env.run(['batch-runs', '--json'])).runs;
	t.is(runs.length, 1);
	t.like(runs[0], {
		run_id: doc.run_id,
		file_sha256: createHash('sha256').update(text).digest('hex'),
		rows: 3,
		totals: {succeeded: 3, failed: 0, skipped: 0},
	});
	t.truthy(runs[0].finished_at);
	const shown = await env.run(['batch-run', 'show', doc.run_id, '--json']);
	t.is(shown.code, 0);
	t.deepEqual(parseJson(shown), doc, 'the document import-batch printed');
	const human = await env.run(['batch-run', 'show', doc.run_id]);
	t.regex(human.stdout, /3 succeeded · 0 failed · 0 skipped · run r/);
	const unknown = await env.run(['batch-run', 'show', 'r20990101-000000-abcdef', '--json']);
	t.is(unknown.code, 2);
	t.is(parseJson(unknown).error.field, 'RUN');

	// The same file again: every row skipped, a second run saved.
	const again = parseJson(await env.run(['import-batch', '--host', 'sb', '--file', file, '--json']));
	t.not(again.run_id, doc.run_id);
	t.is(again.totals.skipped, 3);
	t.deepEqual(
		parseJson(await env.run(['batch-runs', '--json'])).runs.map((x: any) => x.run_id),
		[again.run_id, doc.run_id],
		'newest first',
	);

	// The TUI: Status › Past batch-import runs › a run's table.
	const tui = renderTui({dataDir: env.data, initialScreen: {id: 'status'}});
	try {
		await tui.waitFor('Past batch-import runs (2)');
		await tui.press(KEY.down, KEY.enter);
		await tui.waitFor(again.run_id);
		await tui.press(KEY.down, KEY.enter);
		const table = await tui.waitFor('3 succeeded · 0 failed · 0 skipped');
		t.true(table.includes(`Batch-import run › ${doc.run_id}`));
		t.regex(table, /3\s+\S+\s+relay\s+column\s+succeeded · self_service_ready/);
		t.regex(table, /4\s+\S+\s+deepseek\s+models\s+succeeded/);
	} finally {
		tui.unmount();
	}
});

test('the fifth column is checked like --smoke-model; six columns are refused; nothing runs', async (t) => {
	const env = await hostEnv(t);
	const up = env.sandbox.info.upstreams.relay!;
	const file = path.join(env.data, 'bad.csv');
	writeFileSync(
		file,
		[`${up.base_url},${up.api_key},relay,,bad model!`, `${up.base_url},${up.api_key},relay,,m,extra`].join(
			'\n',
		),
		{mode: 0o600},
	);
	const r = await env.run(['import-batch', '--host', 'sb', '--file', file, '--json']);
	t.is(r.code, 2);
	const message = parseJson(r).error.message;
	t.regex(message, /line 1: smoke_model: smoke_model .* is not a model id/);
	t.regex(
		message,
		/line 2: line: expected at most 5 columns \(url,key,pack,access,smoke_model\) but found 6/,
	);
	t.false(message.includes(up.api_key));
	t.deepEqual(parseJson(await env.run(['batch-runs', '--json'])).runs, [], 'no run was recorded');
	t.deepEqual(parseJson(await env.run(['batches', '--json'])).batches, []);
});
