// Checking by hand (at 80x24 and 160x45): a batch's evidence files and an acceptance run's files
// open in the TUI and scroll (drawn through the one Text: no secret, no control character); a run
// exports as a bundle from the TUI (the app's evidence export); the finished import shows its smoke
// as a ready-to-paste curl, the user key state.json keeps masked until asked, and that curl works.
import {execFile, execFileSync} from 'node:child_process';
import {promisify} from 'node:util';
import {existsSync, readdirSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import test from 'ava';
import {runAcceptance} from '../source/core/acceptance/index.js';
import {loadPacks} from '../source/core/packs/packs.js';
import {maskSecret, registerSecret} from '../source/lib/secrets.js';
import {startSandbox} from '../source/sandbox/index.js';
import {StateStore} from '../source/store/state-store.js';
import {redactingStdout} from '../source/ui/run.js';
import {reveal} from '../source/ui/reveal.js';
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

const run = promisify(execFile);

for (const [columns, rows] of SIZES) {
	test(`${columns}x${rows}: the finished import's smoke as a curl: key masked, shown on request, and it works`, async (t) => {
		const sb = await startSandbox();
		const dataDir = tempData();
		const hostId = await registerLab(dataDir, sb);
		const tui = renderTui({dataDir, initialScreen: {id: 'import', hostId}});
		tui.resize(columns, rows);
		try {
			await importThroughForm(tui, sb.info.upstreams.deepseek!);
			await tui.waitFor(/access subscription_ready/, 60_000);
			const state = (await StateStore.open(dataDir)).data;
			const batchId = state.batches[0]!.batch_id;
			const userKey = state.batch_secrets[batchId]!.user_key!;
			t.truthy(userKey, 'the batch keeps its smoke user key in state.json');
			await tui.choose('Show the smoke as a curl');
			const masked = await tui.waitFor('The smoke by hand');
			const flat = (f: string) => f.replace(/\s+/g, ' ');
			t.true(flat(masked).includes(`KEY='${maskSecret(userKey)}'`), 'masked by default');
			t.false(flat(masked).includes(userKey));
			t.regex(flat(masked), /curl -sS 'http:\/\/127\.0\.0\.1:\d+\/v1\/chat\/completions'/);
			t.regex(flat(masked), /"model": "deepseek[\w-]*"/);
			t.deepEqual(fitsWidth(masked, columns), []);
			await tui.choose('Show the key');
			const shown = await tui.waitFor((f) => f.includes('Hide the key') && !f.includes(maskSecret(userKey)));
			const lines = shown.split('\n');
			const from = lines.findIndex((l) => l.startsWith('KEY='));
			const command = lines.slice(from, from + 6).join('\n');
			t.regex(command, /\}\]\}'$/, 'six lines, each whole');
			t.true(command.startsWith(`KEY='${userKey}'\n`), 'the key, on request');
			// the command as drawn works against the host
			// (asynchronously: the sandbox answering it runs in this process)
			const {stdout: answer} = await run('sh', ['-c', command], {encoding: 'utf8'});
			t.regex(answer, /pong/);
			await tui.choose('Hide the key');
			const hidden = await tui.waitFor((f) => f.includes('Show the key') && f.includes(maskSecret(userKey)));
			t.false(flat(hidden).includes(userKey), 'hidden again');
			await tui.choose('Close');
			const closed = await tui.waitFor(
				(f) => f.includes('Open the batch') && !f.includes('The smoke by hand'),
			);
			t.false(closed.includes(userKey));
		} finally {
			await tui.close();
			await sb.close();
		}
	});

	test(`${columns}x${rows}: evidence files open and scroll; a run exports as a bundle from the TUI`, async (t) => {
		const sb = await startSandbox();
		const dataDir = tempData();
		await registerLab(dataDir, sb);
		const store = await StateStore.open(dataDir, {lock: {command: 'test'}});
		let run;
		try {
			run = await runAcceptance({
				store,
				packs: loadPacks(),
				hostRef: 'lab',
				pack: 'deepseek',
				url: sb.info.upstreams.deepseek!.base_url,
				key: sb.info.upstreams.deepseek!.api_key,
				access: 'subscription',
				sink: () => undefined,
				signal: new AbortController().signal,
				operator: {},
				timing: FAST,
			});
		} finally {
			store.release();
		}
		const state = (await StateStore.open(dataDir)).data;
		const runView = state.acceptance_runs![0]!;
		const batchId = state.batches[0]!.batch_id;
		// a file that carries a control sequence and the provider key is read safely
		const planted = path.join(dataDir, 'artifacts', batchId, '99-by-hand.txt');
		writeFileSync(
			planted,
			[
				'first line',
				`key ${sb.info.upstreams.deepseek!.api_key}`,
				'\u001B[2Jcleared?',
				...Array.from({length: 80}, (_, i) => `line ${i + 4}`),
			].join('\n'),
		);
		const tui = renderTui({dataDir, initialScreen: {id: 'batch', batchId}});
		tui.resize(columns, rows);
		try {
			await tui.waitFor('[steps]');
			// One tab at a time, each drawn before the next key (three arrows in one chunk can lose one).
			for (const tab of ['[resources]', '[reconcile]', '[evidence]']) {
				await tui.press(KEY.right);
				await tui.waitFor(tab);
			}
			await tui.waitFor('Enter read the file');
			await tui.choose('99-by-hand.txt');
			const file = await tui.waitFor('first line');
			t.regex(file, /Batch .* › 99-by-hand\.txt/);
			t.regex(file, /key \[redacted\]/);
			t.false(file.includes(sb.info.upstreams.deepseek!.api_key));
			t.false(file.includes('\u001B[2J'));
			t.deepEqual(fitsWidth(file, columns), []);
			await tui.press(KEY.pageDown);
			const later = await tui.waitFor((f) => !f.includes('first line') && /lines \d+–\d+ of 83/.test(f));
			t.regex(later, /line \d+/);
			await tui.press(KEY.end);
			await tui.waitFor('line 83');
			await tui.press(KEY.escape);
			await tui.waitFor('[evidence]');
			tui.unmount();

			const out = path.join(tempData('crm-export'), 'bundle.tar.gz');
			const ev = renderTui({dataDir, initialScreen: {id: 'evidence', runId: runView.run_id}});
			ev.resize(columns, rows);
			try {
				await ev.waitFor(`Evidence › ${runView.run_id}`);
				const first = readdirSync(
					runView.folder ? path.join(dataDir, runView.folder) : run!.evidence_dir,
				).sort()[0]!;
				await ev.choose(`Read ${first}`);
				const read = await ev.waitFor(/lines 1–\d+ of \d+/);
				t.true(read.includes(`› ${first}`));
				t.regex(read, /lines 1–\d+ of \d+/);
				t.deepEqual(fitsWidth(read, columns), []);
				await ev.press(KEY.escape);
				await ev.choose('Export it as a bundle (.tar.gz)…');
				await ev.waitFor('Bundle file:');
				for (let i = 0; i < 300; i++) ev.stdin.write(KEY.backspace);
				await ev.waitFor('Bundle file: █');
				await ev.type(`${out}\n`);
				const done = await ev.waitFor('✓ exported');
				t.regex(done.replace(/\n/g, ''), /exported \d+ file\(s\), \d+ bytes, to/);
				t.true(existsSync(out));
				const listed = execFileSync('tar', ['-tzf', out], {encoding: 'utf8'});
				t.true(listed.includes(`${runView.run_id}/`));
			} finally {
				ev.unmount();
			}
		} finally {
			await tui.close();
			await sb.close();
		}
	});
}

test('a secret shown on request passes the screen redaction only while it is shown', (t) => {
	const written: string[] = [];
	const stream = {
		write: (chunk: string) => written.push(chunk),
		columns: 80,
	} as unknown as NodeJS.WriteStream;
	const secret = 'sk-shown-on-request-000123';
	const other = 'sk-never-shown-0000456';
	registerSecret(secret);
	registerSecret(other);
	const out = redactingStdout(stream);
	out.write(`a ${secret} b ${other}`);
	const hide = reveal(secret);
	out.write(`a ${secret} b ${other}`);
	hide();
	out.write(`a ${secret} b ${other}`);
	t.deepEqual(written, [
		'a [redacted] b [redacted]',
		`a ${secret} b [redacted]`,
		'a [redacted] b [redacted]',
	]);
});
