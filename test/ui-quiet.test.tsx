// Nothing but the UI on the screen (TUI at 80x24 and 160x45): several batch imports and imports in
// one TUI session raise no Node warning (abort listeners are removed when a run ends; before, a
// MaxListenersExceeded warning came after a few batch imports), and what libraries write to stderr
// never lands in the Ink frame.
import {getEventListeners} from 'node:events';
import {chmodSync, writeFileSync} from 'node:fs';
import {Writable} from 'node:stream';
import path from 'node:path';
import test from 'ava';
import {detectPacks, importRows, readImportFile} from '../source/app/import-batch.js';
import {Session} from '../source/app/session.js';
import {registerSecret} from '../source/lib/secrets.js';
import {holdStderr} from '../source/ui/hold-stderr.js';
import {startSandbox} from '../source/sandbox/index.js';
import {
	FAST,
	fitsWidth,
	importThroughForm,
	KEY,
	registerLab,
	renderTui,
	SIZES,
	tempData,
} from './ui-helpers.js';

const PACKS = ['deepseek', 'kimi', 'glm', 'minimax', 'step', 'qwen'];

for (const [columns, rows] of SIZES) {
	test.serial(
		`${columns}x${rows}: four batch imports and two imports in one session, no Node warning`,
		async (t) => {
			t.timeout(240_000);
			const warnings: string[] = [];
			const onWarning = (w: Error) => warnings.push(`${w.name}: ${w.message}`);
			process.on('warning', onWarning);
			const stderr: string[] = [];
			const write = process.stderr.write.bind(process.stderr);
			process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
				stderr.push(String(chunk));
				return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
			}) as typeof process.stderr.write;
			const sb = await startSandbox();
			const dataDir = tempData();
			const hostId = await registerLab(dataDir, sb);
			const up = sb.info.upstreams;
			const tui = renderTui({dataDir, initialScreen: {id: 'home'}});
			tui.resize(columns, rows);
			try {
				for (let n = 0; n < 4; n++) {
					// each run imports packs not imported before (and one row already imported: skipped)
					const file = path.join(tempData('crm-csv'), `run-${n}.csv`);
					const lines = PACKS.map(
						(p) => `${up[p]!.base_url},${up[p]!.api_key},${p},${n % 2 ? 'self_service' : 'subscription'}`,
					);
					writeFileSync(file, ['url,key,pack,access', ...lines].join('\n') + '\n');
					chmodSync(file, 0o600);
					await tui.waitFor('❯ Import a provider');
					await tui.choose('Batch import');
					await tui.waitFor('File:');
					await tui.press('\u0015'); // Ctrl-U: clear the remembered path
					await tui.type(file);
					await tui.press(KEY.enter);
					await tui.waitFor('❯ Detect the packs');
					await tui.press(KEY.enter);
					await tui.waitFor(/❯ Import \d row\(s\) into lab/, 20_000);
					await tui.press(KEY.enter);
					const done = await tui.waitFor(/\d succeeded · \d failed/, 60_000);
					t.deepEqual(fitsWidth(done, columns), []);
					await tui.press(KEY.escape);
				}
				for (let n = 0; n < 2; n++) {
					await tui.waitFor('❯ Import a provider');
					await tui.press(KEY.enter);
					await tui.waitFor('Into which host?');
					await tui.press(KEY.enter);
					// a key the provider refuses: a new import each time, failed at upstream_probe
					await importThroughForm(tui, up.deepseek!, `sk-refused-key-${n}0000000000`);
					await tui.waitFor('finished', 60_000);
					await tui.press(KEY.escape);
					await tui.waitFor('crm › Home', 5000).catch(async () => {
						await tui.press(KEY.escape);
						await tui.waitFor('crm › Home');
					});
				}
				t.deepEqual(warnings, [], 'no Node warning');
				t.false(
					tui.frames.some((f) => /Warning:|MaxListeners|ExperimentalWarning|\(node:\d+\)/.test(f)),
					'no warning text in a frame',
				);
				t.deepEqual(
					stderr.filter((s) => /Warning|MaxListeners/.test(s)),
					[],
					'nothing written to stderr either',
				);
				t.truthy(hostId);
			} finally {
				process.off('warning', onWarning);
				process.stderr.write = write;
				await tui.close();
				await sb.close();
			}
		},
	);
}

test.serial('a batch run leaves no abort listener on its signal, at any concurrency', async (t) => {
	const warnings: string[] = [];
	const onWarning = (w: Error) => warnings.push(`${w.name}: ${w.message}`);
	process.on('warning', onWarning);
	const sb = await startSandbox();
	const dataDir = tempData();
	await registerLab(dataDir, sb);
	const up = sb.info.upstreams;
	const file = path.join(tempData('crm-csv'), 'all.csv');
	const lines = PACKS.flatMap((p) =>
		['subscription', 'self_service'].map((a) => `${up[p]!.base_url},${up[p]!.api_key},${p},${a}`),
	);
	writeFileSync(file, ['url,key,pack,access', ...lines].join('\n') + '\n');
	chmodSync(file, 0o600);
	const app = new Session({dataDir, timing: FAST});
	try {
		const read = await readImportFile(app, {file});
		const controller = new AbortController();
		const run = {sink: () => {}, signal: controller.signal};
		const rows = await detectPacks(app, {rows: read.rows, concurrency: 12}, run);
		t.is(getEventListeners(controller.signal, 'abort').length, 0, 'detection left no listener');
		const result = await importRows(app, {host: 'lab', rows, concurrency: 12}, run);
		t.is(result.totals.succeeded, 12);
		t.is(getEventListeners(controller.signal, 'abort').length, 0, 'the run left no listener');
		t.deepEqual(warnings, []);
	} finally {
		process.off('warning', onWarning);
		await sb.close();
	}
});

test('while the TUI runs, stderr is held off the screen and written out, redacted, when it ends', (t) => {
	const written: string[] = [];
	const stream = new Writable({
		write(chunk: Buffer, _encoding, done) {
			written.push(chunk.toString('utf8'));
			done();
		},
	}) as unknown as NodeJS.WriteStream;
	const secret = 'sk-held-secret-0123456789abcdef';
	registerSecret(secret);
	const held = holdStderr(stream);
	stream.write('(node:1) SomeLibrary: a message\n');
	stream.write(`a library quoting ${secret}\n`);
	t.deepEqual(written, [], 'nothing reaches the terminal while the TUI is on it');
	t.regex(held.held(), /SomeLibrary/);
	held.release();
	t.is(written.length, 1);
	t.regex(written[0]!, /SomeLibrary: a message/);
	t.false(written[0]!.includes(secret), 'redacted like every byte the process prints');
	stream.write('after\n');
	t.is(written[1], 'after\n', 'the stream writes directly again');
});
