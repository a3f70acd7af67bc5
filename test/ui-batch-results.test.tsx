// Batch import results explain themselves (TUI at 80x24 and 160x45, and the CLI's table): each row
// has its failure class and batch (the highlighted row's batch under the table where the terminal is
// narrow), Enter opens the row's batch, rows stopped by Ctrl-C read `stopped`, invalid lines are
// counted as invalid (not skipped), the preview names the rows the run will skip as already
// imported or repeated, and the file's path is offered again on the next run.
import {chmodSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import test from 'ava';
import {startSandbox, type SandboxHandle} from '../source/sandbox/index.js';
import {StateStore} from '../source/store/state-store.js';
import {runCli} from './helpers/cli.js';
import {importDirect} from './helpers/setup.js';
import {fitsWidth, KEY, registerLab, renderTui, SIZES, tempData, type Tui} from './ui-helpers.js';

function writeFile(lines: string[]): string {
	const file = path.join(tempData('crm-csv'), 'providers.csv');
	writeFileSync(file, ['url,key,pack,access', ...lines].join('\n') + '\n');
	chmodSync(file, 0o600);
	return file;
}

/** line 2 deepseek (already imported), 3 kimi, 4 kimi again, 5 invalid, 6 glm (its key refused). */
function mixedFile(sb: SandboxHandle): string {
	const up = sb.info.upstreams;
	return writeFile([
		`${up.deepseek!.base_url},${up.deepseek!.api_key}`,
		`${up.kimi!.base_url},${up.kimi!.api_key},kimi`,
		`${up.kimi!.base_url},${up.kimi!.api_key},kimi`,
		'not-a-url,sk-abcdef123456',
		`${up.glm!.base_url},${up.glm!.api_key},glm`,
	]);
}

async function openFile(tui: Tui, file: string): Promise<void> {
	await tui.waitFor('File:');
	await tui.type(file);
	await tui.press(KEY.enter);
	await tui.waitFor('Leave out the invalid lines');
	await tui.press(KEY.enter);
}

const lineOf = (frame: string, n: number) =>
	frame.split('\n').find((l) => new RegExp(`^\\S?\\s*${n}\\s+http`).test(l.trimStart().replace(/^❯/, ''))) ??
	'';

for (const [columns, rows] of SIZES) {
	test(`${columns}x${rows}: preview of skipped rows, failure class and batch per row, Enter opens it, invalid counted as invalid`, async (t) => {
		const sb = await startSandbox();
		const dataDir = tempData();
		const hostId = await registerLab(dataDir, sb);
		const earlier = await importDirect(dataDir, sb, hostId, 'deepseek');
		sb.setFaults({upstream: {glm: 'auth'}});
		const file = mixedFile(sb);
		const tui = renderTui({dataDir, initialScreen: {id: 'batch-import'}});
		tui.resize(columns, rows);
		t.teardown(() => sb.close());
		try {
			await openFile(tui, file);
			const preview = await tui.waitFor('Import 2 row(s) into lab (2 will be skipped)', 20_000);
			t.regex(preview, new RegExp(`line 2: already imported by batch ${earlier.batch_id}`));
			t.regex(preview, /line 4: same provider, key and access mode as line 3/);
			t.regex(preview, /will skip: already imported/);
			t.deepEqual(fitsWidth(preview, columns), []);
			await tui.press(KEY.enter);
			const done = await tui.waitFor(/1 succeeded · 1 failed · 2 skipped · 1 invalid/, 30_000);
			t.notRegex(done, /3 skipped/, 'an invalid line is not counted as skipped');
			const state = (await StateStore.open(dataDir)).data;
			const glm = state.batches.find((b) => b.pack === 'glm')!;
			t.regex(lineOf(done, 6), /failed\s+upstream_auth_issue/);
			t.regex(lineOf(done, 2), /skipped \(already imported\)/);
			t.regex(lineOf(done, 4), /skipped \(same as line 3\)/);
			t.regex(done, /\b5\s+-\s+-\s+invalid/);
			if (columns >= 160) t.regex(lineOf(done, 6), /\bnone$/, 'a failed row never reads access pending');
			if (columns >= 160) t.true(lineOf(done, 6).includes(glm.batch_id), 'the batch column');
			t.deepEqual(fitsWidth(done, columns), []);
			// highlight line 6: its batch and its class are explained under the table
			for (let i = 0; i < 4; i++) await tui.press(KEY.down);
			const detail = await tui.waitFor(`batch ${glm.batch_id} (Enter opens it)`);
			t.regex(detail, /upstream_auth_issue: the provider refused the key/);
			t.regex(detail, /failed: the import of this row failed/);
			t.deepEqual(fitsWidth(detail, columns), []);
			await tui.press(KEY.enter);
			const opened = await tui.waitFor(`Batch ${glm.batch_id}`);
			t.regex(opened, /upstream_probe/);
			t.false(
				tui.frames.some((f) => f.includes('sk-abcdef123456') || f.includes(sb.info.upstreams.glm!.api_key)),
				'no key on screen',
			);
			t.is((await StateStore.open(dataDir)).data.tui?.batch_file, file, 'the file is remembered');
		} finally {
			await tui.close();
		}
		// the next run offers the same file
		const again = renderTui({dataDir, initialScreen: {id: 'batch-import'}});
		again.resize(columns, rows);
		try {
			const field = await again.waitFor('File:');
			t.true(field.includes(path.basename(file)), field);
			await again.press(KEY.enter);
			await again.waitFor('valid line(s), 1 invalid');
		} finally {
			await again.close();
		}
	});

	test(`${columns}x${rows}: a row stopped by Ctrl-C reads stopped; rows not started read not run`, async (t) => {
		const sb = await startSandbox({latencyMs: 150});
		const dataDir = tempData();
		await registerLab(dataDir, sb);
		const up = sb.info.upstreams;
		const file = writeFile(
			['deepseek', 'kimi', 'glm', 'minimax', 'step'].map((p) => `${up[p]!.base_url},${up[p]!.api_key},${p}`),
		);
		const tui = renderTui({dataDir, initialScreen: {id: 'batch-import'}});
		tui.resize(columns, rows);
		try {
			await tui.waitFor('File:');
			await tui.type(file);
			await tui.press(KEY.enter);
			await tui.waitFor('❯ Detect the packs');
			await tui.press(KEY.enter);
			await tui.waitFor('❯ Import 5 row(s) into lab', 20_000);
			// four rows run at once (the default): Ctrl-C stops those and never starts the fifth
			await tui.press(KEY.enter);
			await tui.waitFor(/create_group|create_account|host_probe|upstream_probe/, 20_000, {settle: false});
			tui.stdin.write(KEY.ctrlC);
			const done = await tui.waitFor(/0 succeeded · 0 failed · 4 stopped · 0 skipped · 1 not run/, 30_000);
			t.regex(done, /\b6\s+\S+\s+step\s+not run/);
			t.notRegex(done, /\bfailed\s+(unknown|-)/);
			t.deepEqual(fitsWidth(done, columns), []);
			const detail = await tui.waitFor('stopped: stopped by the operator (Ctrl-C) while it ran');
			t.regex(detail, /stopped by the operator during/);
		} finally {
			await tui.close();
			await sb.close();
		}
	});
}

test('the CLI table says the same: failure class, batch, stopped/invalid words, totals', async (t) => {
	const sb = await startSandbox();
	const dataDir = tempData();
	const hostId = await registerLab(dataDir, sb);
	await importDirect(dataDir, sb, hostId, 'deepseek');
	sb.setFaults({upstream: {glm: 'auth'}});
	try {
		const result = await runCli([
			'import-batch',
			'--host',
			'lab',
			'--file',
			mixedFile(sb),
			'--skip-invalid',
			'--data',
			dataDir,
		]);
		t.is(result.code, 1, result.stderr);
		const glm = (await StateStore.open(dataDir)).data.batches.find((b) => b.pack === 'glm')!;
		t.regex(result.stdout, /LINE\s+URL\s+PACK\s+BY\s+STATUS\s+ACCESS\s+FAILURE\s+BATCH/);
		t.regex(result.stdout, new RegExp(`failed\\s+\\S+\\s+upstream_auth_issue\\s+${glm.batch_id}`));
		t.regex(result.stdout, /skipped \(already imported\)/);
		t.regex(result.stdout, /skipped \(same as line 3\)/);
		t.regex(result.stdout, /\binvalid\b/);
		t.regex(result.stdout, /1 succeeded · 1 failed · 2 skipped · 1 invalid/);
	} finally {
		await sb.close();
	}
});
