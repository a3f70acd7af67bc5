// Tables show what tells rows apart (at 80x24 and 160x45): columns follow the terminal (a URL grows
// on a wide one and is shortened in the middle on a narrow one, keeping its host and its path's
// end; optional columns show where they fit), Enter on a row opens its full detail, and a changed
// reconcile item reads `field: old -> new` as the CLI prints it.
import test from 'ava';
import {reconcile} from '../source/app/drift.js';
import {Session} from '../source/app/session.js';
import {runImport} from '../source/core/import/run-import.js';
import {loadPacks} from '../source/core/packs/packs.js';
import {startSandbox, type SandboxHandle} from '../source/sandbox/index.js';
import {StateStore} from '../source/store/state-store.js';
import {FAST, fitsWidth, KEY, registerLab, renderTui, SIZES, tempData} from './ui-helpers.js';

const LONG_PATH = '/panels/east-region/relay-for-the-night-shift/admin';

/** The sandbox registered as lab, one deepseek import, its account's status changed on the host. */
async function changedEnv() {
	const sb = await startSandbox();
	const dataDir = tempData();
	const hostId = await registerLab(dataDir, sb);
	const store = await StateStore.open(dataDir, {lock: {command: 'test'}});
	let batchId: string;
	let accountId: string;
	try {
		const up = sb.info.upstreams.deepseek!;
		const result = await runImport({
			store,
			packs: loadPacks(),
			request: {host: hostId, pack: 'deepseek', url: up.base_url, key: up.api_key},
			sink: () => {},
			signal: new AbortController().signal,
			operator: {},
			timing: FAST,
		});
		batchId = result.batch_id;
		accountId = result.resources.find((r) => r.resource_type === 'account')!.host_resource_id!;
	} finally {
		store.release();
	}
	await oob(sb, {op: 'update', type: 'account', id: Number(accountId), patch: {status: 'inactive'}});
	const session = new Session({dataDir, timing: FAST});
	const run = await reconcile(
		session,
		{batch: batchId},
		{sink: () => {}, signal: new AbortController().signal},
	);
	return {sb, dataDir, hostId, batchId, accountId, runId: run.run_id};
}

async function oob(sb: SandboxHandle, body: unknown) {
	const res = await fetch(`${sb.info.control_url}/oob`, {
		method: 'POST',
		headers: {'x-api-key': sb.info.admin_api_key, 'content-type': 'application/json'},
		body: JSON.stringify(body),
	});
	if (!res.ok) throw new Error(`oob ${res.status}: ${await res.text()}`);
}

for (const [columns, rows] of SIZES) {
	const wide = columns >= 160;

	test(`${columns}x${rows}: hosts: the URL follows the width, shortened in the middle; Enter opens the host in full`, async (t) => {
		const sb = await startSandbox();
		const dataDir = tempData();
		await registerLab(dataDir, sb);
		const store = await StateStore.open(dataDir, {lock: {command: 'test'}});
		const url = `${sb.info.host_url}${LONG_PATH}`;
		store.data.hosts[0]!.url = url;
		await store.write();
		store.release();
		const tui = renderTui({dataDir, initialScreen: {id: 'hosts'}});
		tui.resize(columns, rows);
		try {
			const list = await tui.waitFor(wide ? 'LAST PROBE' : '+ Add a host');
			const line = list.split('\n').find((l) => l.startsWith('❯ lab'))!;
			t.deepEqual(fitsWidth(list, columns), []);
			if (wide) t.true(line.trimEnd().endsWith(url), line);
			else {
				t.regex(line, /http:\/\/127\.0\.\S*…\S*\/admin\s*$/, 'its host and its path’s end');
				t.false(line.includes(url));
			}
			await tui.press(KEY.enter);
			const detail = await tui.waitFor('Re-probe');
			t.true(detail.includes(LONG_PATH) || detail.includes('…'), 'the detail names the URL');
			t.regex(detail, /crm › Hosts › lab/);
		} finally {
			await tui.close();
			await sb.close();
		}
	});

	test(`${columns}x${rows}: a changed field reads field: old -> new in the batch's reconcile tab and on the drift screen`, async (t) => {
		const env = await changedEnv();
		const tui = renderTui({dataDir: env.dataDir, initialScreen: {id: 'batches', hostId: env.hostId}});
		tui.resize(columns, rows);
		try {
			const list = await tui.waitFor('newest first');
			t.is(list.includes('CREATED'), wide, 'the created column shows where it fits');
			t.deepEqual(fitsWidth(list, columns), []);
			await tui.press(KEY.enter); // Enter on the row: the batch in full
			await tui.waitFor('[steps]');
			// Two arrows in one chunk (a fast key repeat): each moves one tab.
			tui.stdin.write(KEY.right + KEY.right);
			const tab = await tui.waitFor('[reconcile]');
			t.regex(tab, new RegExp(`${env.runId}\\s+drifted`));
			t.regex(tab, new RegExp(`changed\\s+account #${env.accountId} crm-deepseek-\\w+`));
			t.regex(tab, /^\s+status: "active" -> "inactive"$/m, 'as crm reconcile prints it');
			t.deepEqual(fitsWidth(tab, columns), []);

			tui.unmount();
			const drift = renderTui({
				dataDir: env.dataDir,
				initialScreen: {id: 'drift', hostId: env.hostId, batchId: env.batchId, then: 'reconcile'},
			});
			drift.resize(columns, rows);
			try {
				const frame = await drift.waitFor(/drifted · 1 changed/, 20_000);
				t.regex(frame, /STATE\s+BATCH\s+RESOURCE\s+DETAIL/, 'the CLI’s column names');
				t.regex(
					frame,
					new RegExp(`changed\\s+${env.batchId}\\s+account #${env.accountId}\\S*.*1 field\\(s\\):`),
				);
				t.regex(frame, /^\s+status: "active" -> "inactive"$/m);
				t.deepEqual(fitsWidth(frame, columns), []);
			} finally {
				drift.unmount();
			}
		} finally {
			await tui.close();
			await env.sb.close();
		}
	});
}
