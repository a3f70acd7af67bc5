// Batch import, no network: the file parser, the pack detector's rules and the runner's helpers.
import test from 'ava';
import {
	MAX_ROWS,
	boundedPool,
	checkConcurrency,
	detectRow,
	familiesOf,
	packFromModels,
	packsForUrl,
	parseBatchText,
	rowIdentity,
	type BatchRow,
	type DetectedRow,
} from '../source/core/batch-import/index.js';
import {CrmError} from '../source/lib/errors.js';
import {loadPacks} from '../source/core/packs/packs.js';

const packs = loadPacks();
const KEY = 'sk-unit-0123456789abcdef';

test('packs load for the detector', (t) => {
	t.deepEqual(packs.problems, []);
	t.truthy(packs.packs.find((p) => p.id === 'relay'));
});

test('URL host: each official provider host maps to its pack', (t) => {
	const cases: Array<[string, string]> = [
		['https://api.deepseek.com', 'deepseek'],
		['https://api.deepseek.com/v1', 'deepseek'],
		['https://api.moonshot.cn/v1', 'kimi'],
		['https://api.moonshot.ai/v1', 'kimi'],
		['https://api.minimaxi.com/v1', 'minimax'],
		['https://api.minimax.io/v1', 'minimax'],
		['https://api.minimax.chat/v1', 'minimax'],
		['https://open.bigmodel.cn/api/paas/v4', 'glm'],
		['https://open.bigmodel.cn/api/coding/paas/v4', 'glm'],
		['https://api.z.ai/api/paas/v4', 'glm'],
		['https://dashscope.aliyuncs.com/compatible-mode/v1', 'qwen'],
		['https://dashscope-intl.aliyuncs.com/compatible-mode/v1', 'qwen'],
		['https://coding.dashscope.aliyuncs.com/v1', 'qwen'],
		['https://api.stepfun.com/v1', 'step'],
		['https://API.StepFun.AI/step_plan/v1', 'step'],
	];
	for (const [url, pack] of cases)
		t.deepEqual(
			packsForUrl(url, packs).map((p) => p.id),
			[pack],
			url,
		);
});

test('URL host: relays, look-alikes and suffix tricks match no official pack', (t) => {
	for (const url of [
		'https://relay.example.com/v1',
		'https://api.deepseek.com.evil.example/v1', // the official host as a prefix, not a parent
		'https://notapi.deepseek.com.cn/v1',
		'https://fakeapi.deepseek.com-mirror.net/v1',
		'https://deepseek.com/v1', // the parent of an official host is not it
		'http://127.0.0.1:8080/deepseek',
		'https://api.siliconflow.cn/v1', // an aggregator: no pack of its own
	]) {
		t.deepEqual(packsForUrl(url, packs), [], url);
	}
	// A subdomain of an official host belongs to it.
	t.deepEqual(
		packsForUrl('https://eu.api.deepseek.com/v1', packs).map((p) => p.id),
		['deepseek'],
	);
});

test("models: one family (or one pack's several families) picks that pack", (t) => {
	const ds = packFromModels(['deepseek-flash', 'deepseek-v4-pro', 'deepseek-v4-flash'], packs);
	t.is(ds.pack, 'deepseek');
	t.deepEqual(ds.families, [
		{pack: 'deepseek', count: 3, examples: ['deepseek-flash', 'deepseek-v4-pro', 'deepseek-v4-flash']},
	]);
	// kimi has two families: kimi- and moonshot-
	t.is(packFromModels(['kimi-k3', 'moonshot-v1-8k', 'moonshot-v1-32k'], packs).pack, 'kimi');
	t.is(packFromModels(['MiniMax-M3', 'MiniMax-M2.5'], packs).pack, 'minimax');
	t.is(packFromModels(['qwen3.8-max', 'Qwen3-Coder-Plus'], packs).pack, 'qwen');
	// a few ids of no known family (embeddings, image models) do not make it a relay
	const glm = packFromModels(['glm-5.2', 'glm-5.1', 'glm-4.7-flash', 'embedding-3', 'cogview-4'], packs);
	t.is(glm.pack, 'glm');
	t.is(glm.unmatched, 2);
	t.regex(glm.reason, /3 glm ids .* and 2 of no known family/);
});

test('models: mixed families, no known family, mostly unknown ids or an empty list fall back', (t) => {
	const mixed = packFromModels(['deepseek-flash', 'qwen3.8-flash', 'glm-5.1', 'gpt-4o-mini'], packs);
	t.is(mixed.pack, null);
	t.regex(mixed.reason, /mixed families/);
	t.deepEqual(mixed.families.map((f) => f.pack).sort(), ['deepseek', 'glm', 'qwen']);
	t.is(mixed.unmatched, 1);
	t.is(packFromModels(['gpt-4o-mini', 'claude-sonnet-5'], packs).pack, null);
	t.is(packFromModels([], packs).pack, null);
	// one family, but a minority: a relay serving mostly other models
	const minority = packFromModels(['deepseek-flash', 'embed-a', 'embed-b', 'rerank-c'], packs);
	t.is(minority.pack, null);
	t.regex(minority.reason, /only 1 of 4/);
	// docs/domain.md rule 15: one id of another vendor makes it a relay, however few
	const vendor = packFromModels(
		['deepseek-v4-flash', 'deepseek-v4-pro', 'deepseek-flash', 'gpt-4o-mini'],
		packs,
	);
	t.is(vendor.pack, null);
	t.deepEqual(vendor.foreign, ['gpt-4o-mini']);
	t.regex(vendor.reason, /1 listed id is of other vendors \(gpt-4o-mini\) beside deepseek ×3: a relay/);
	for (const id of ['claude-sonnet-5', 'gemini-3-pro', 'o3-mini', 'o1', 'o4-mini', 'openai/gpt-5'])
		t.is(packFromModels(['glm-5.1', 'glm-5.2', 'glm-4.7-flash', id], packs).pack, null, id);
	t.is(
		packFromModels(['glm-5.1', 'glm-5.2', 'omni-embed'], packs).pack,
		'glm',
		'o-words that are not o1/o3/o4',
	);
});

test('models: aggregator ids with an organisation prefix are judged by their last segment', (t) => {
	const f = familiesOf(['deepseek-ai/DeepSeek-V4-Pro', 'Pro/MiniMaxAI/MiniMax-M2.5', 'Qwen/Qwen3-8B'], packs);
	t.deepEqual(f.families.map((x) => x.pack).sort(), ['deepseek', 'minimax', 'qwen']);
	t.is(
		packFromModels(['deepseek-ai/DeepSeek-V4-Pro', 'deepseek-ai/DeepSeek-V4-Flash'], packs).pack,
		'deepseek',
	);
});

const row = (over: Partial<BatchRow> = {}): BatchRow => ({
	line: 1,
	url: 'https://api.deepseek.com',
	key: KEY,
	key_hint: 'sk-…cdef',
	pack: null,
	access: null,
	...over,
});

test('detectRow: the column wins, then the official host; neither calls the network', async (t) => {
	// An unroutable key and URL: a network call would fail, so these prove none is made.
	const column = await detectRow(
		row({url: 'https://relay.invalid/v1', pack: 'glm', access: 'self_service'}),
		{
			packs,
			timeoutMs: 200,
		},
	);
	t.is(column.pack, 'glm');
	t.is(column.detected_by, 'column');
	t.is(column.access_mode, 'self_service');
	const url = await detectRow(row({url: 'https://api.moonshot.cn/v1'}), {packs, timeoutMs: 200});
	t.is(url.pack, 'kimi');
	t.is(url.detected_by, 'url');
	t.is(url.access_mode, 'subscription'); // the pack's default
	t.deepEqual(url.evidence.url_matches, ['kimi']);
	t.is(url.evidence.models_url, null);
	t.regex(url.evidence.reason, /api\.moonshot\.cn is .*official host/);
});

test('detectRow: an unreachable URL that is no official host falls back to relay with the error kept', async (t) => {
	// A refused connection answers at once; the timeout is generous so that a busy machine's stalled
	// event loop cannot fire it before the refusal is read.
	const d = await detectRow(row({url: 'http://127.0.0.1:9/v1'}), {packs, timeoutMs: 10_000});
	t.is(d.pack, 'relay');
	t.is(d.detected_by, 'fallback');
	t.is(d.access_mode, 'self_service');
	t.is(d.evidence.models_error?.kind, 'network');
	t.false(JSON.stringify(d).includes(KEY));
});

test('parse: comments, header, blank lines, BOM, CRLF, quotes, trailing commas; lines numbered as in the file', (t) => {
	const text =
		'\uFEFFurl,key,pack,access\r\n' +
		'# a comment\r\n' +
		'\r\n' +
		'https://api.deepseek.com/,sk-aaaaaaaaaaaa1111\r\n' +
		'"https://relay.example.com/v1","sk-with,comma#hash0001",relay,subscription\r\n' +
		'  https://api.moonshot.cn/v1 , sk-bbbbbbbbbbbb2222 ,,\r\n' +
		',,,\r\n' +
		'https://api.stepfun.com/v1,sk-cccccccccccc3333,,self_service';
	const parsed = parseBatchText(text, packs);
	t.deepEqual(parsed.problems, []);
	t.is(parsed.records, 4);
	t.deepEqual(
		parsed.rows.map((r) => [r.line, r.url, r.pack, r.access]),
		[
			[4, 'https://api.deepseek.com', null, null],
			[5, 'https://relay.example.com/v1', 'relay', 'subscription'],
			[6, 'https://api.moonshot.cn/v1', null, null],
			[8, 'https://api.stepfun.com/v1', null, 'self_service'],
		],
	);
	t.is(parsed.rows[1]!.key, 'sk-with,comma#hash0001');
	t.is(parsed.rows[0]!.key_hint, 'sk-…1111');
});

test('parse: every bad line is reported with its number and column, and no message quotes a key', (t) => {
	const secret = 'sk-secret-value-ABCDEFGH';
	const text = [
		'https://ok.example/v1,sk-fine-key-00000001', // 1 ok
		'https://only-url.example/v1', // 2 one column
		`not a url,${secret}`, // 3 url
		`${secret},https://swapped.example/v1`, // 4 key pasted in the URL column
		`https://a.example/v1,${secret},nopack`, // 5 pack
		`https://a.example/v1,${secret},${secret}`, // 6 key pasted in the pack column
		`https://a.example/v1,${secret},,both`, // 7 access
		`https://a.example/v1,${secret},,${secret}`, // 8 key pasted in the access column
		`"https://a.example/v1","${secret}"x`, // 9 CSV quote error
		'https://a.example/v1,sk has space', // 10 key
		`https://user:${secret}@a.example/v1,${secret}`, // 11 credentials in the URL
		`https://a.example/v1,${secret},relay,subscription,model,extra`, // 12 six columns
		`"https://a.example/v1","sk-multi`, // 13-14: a quoted key over two lines: both lines are bad
		`line"`,
	].join('\n');
	const parsed = parseBatchText(text, packs);
	t.deepEqual(
		parsed.rows.map((r) => r.line),
		[1],
	);
	t.deepEqual(
		parsed.problems.map((p) => [p.line, p.field]),
		[
			[2, 'line'],
			[3, 'url'],
			[4, 'url'],
			[5, 'pack'],
			[6, 'pack'],
			[7, 'access'],
			[8, 'access'],
			[9, 'line'],
			[10, 'key'],
			[11, 'url'],
			[12, 'line'],
			[13, 'line'],
			[14, 'line'],
		],
	);
	for (const p of parsed.problems) {
		t.false(p.message.includes(secret), `line ${p.line}: ${p.message}`);
		t.false(p.message.includes('ABCDEFGH'), `line ${p.line}: ${p.message}`);
	}
	t.regex(parsed.problems.find((p) => p.line === 4)!.message, /sk-…EFGH/);
});

test('parse: more rows than MAX_ROWS is one problem for the whole file', (t) => {
	const text = Array.from(
		{length: MAX_ROWS + 1},
		(_, i) => `https://r${i}.example/v1,sk-key-${String(i).padStart(8, '0')}`,
	).join('\n');
	const parsed = parseBatchText(text, packs);
	t.is(parsed.problems[0]?.line, 0);
	t.regex(parsed.problems[0]!.message, /at most 5000/);
});

test('--concurrency: default 4, whole numbers 1..32 only', (t) => {
	t.is(checkConcurrency(undefined), 4);
	t.is(checkConcurrency(1), 1);
	t.is(checkConcurrency(32), 32);
	for (const bad of [0, 33, -1, 2.5, Number.NaN, 'x']) {
		const error = t.throws(() => checkConcurrency(bad), {instanceOf: CrmError});
		t.is(error?.exitCode, 2);
		t.is(error?.field, '--concurrency');
	}
});

test('boundedPool: never more than the limit at once, in list order; stops taking items once aborted', async (t) => {
	let running = 0;
	let peak = 0;
	const started: number[] = [];
	await boundedPool([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 3, new AbortController().signal, async (n) => {
		started.push(n);
		running += 1;
		peak = Math.max(peak, running);
		await new Promise((r) => setTimeout(r, 5 + (n % 3) * 5));
		running -= 1;
	});
	t.is(peak, 3);
	t.deepEqual(started, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);

	const controller = new AbortController();
	const done: number[] = [];
	await boundedPool([1, 2, 3, 4, 5, 6], 2, controller.signal, async (n) => {
		if (n === 2) controller.abort();
		await new Promise((r) => setTimeout(r, 5));
		done.push(n);
	});
	t.deepEqual(done.sort(), [1, 2]);
});

test('row identity: pack, normalised URL, key fingerprint and access mode', (t) => {
	const base: DetectedRow = {
		...row(),
		detection: {
			pack: 'deepseek',
			detected_by: 'url',
			access_mode: 'subscription',
			duration_ms: 0,
			evidence: {
				url_host: 'api.deepseek.com',
				url_matches: ['deepseek'],
				models_url: null,
				models_count: null,
				families: [],
				unmatched: 0,
				models_error: null,
				reason: '',
			},
		},
	};
	const same = {
		...base,
		line: 9,
		key_hint: 'other',
		detection: {...base.detection, detected_by: 'column' as const},
	};
	t.is(rowIdentity(base), rowIdentity(same));
	t.not(rowIdentity(base), rowIdentity({...base, key: `${KEY}x`}));
	t.not(
		rowIdentity(base),
		rowIdentity({...base, detection: {...base.detection, access_mode: 'self_service'}}),
	);
	t.not(rowIdentity(base), rowIdentity({...base, detection: {...base.detection, pack: 'relay'}}));
	t.false(rowIdentity(base).includes(KEY));
});
