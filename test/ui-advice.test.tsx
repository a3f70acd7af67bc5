// One cause, one piece of advice (TUI at 80x24 and 160x45, and the CLI): a row whose provider has
// no /models says so and how to give a smoke model; a refused connection reads network_unreachable
// and a provider that never answers upstream_unavailable (a timeout), never `unknown`.
import {chmodSync, writeFileSync} from 'node:fs';
import {createServer, type Server} from 'node:http';
import {createServer as createTcpServer, type Server as TcpServer, type Socket} from 'node:net';
import path from 'node:path';
import test from 'ava';
import {startSandbox} from '../source/sandbox/index.js';
import {runCli} from './helpers/cli.js';
import {fitsWidth, KEY, registerLab, renderTui, SIZES, tempData} from './ui-helpers.js';

interface Peers {
	noModels: string;
	refused: string;
	stalled: string;
	close: () => Promise<void>;
}

/** A provider answering 404 to everything, a closed port, and one that accepts and never answers. */
async function peers(): Promise<Peers> {
	const http: Server = createServer((_req, res) => {
		res.writeHead(404, {'content-type': 'application/json'});
		res.end('{"error":{"message":"no such route"}}');
	});
	const sockets: Socket[] = [];
	const tcp: TcpServer = createTcpServer((s) => sockets.push(s));
	const closed = createTcpServer();
	const port = (s: Server | TcpServer) =>
		new Promise<number>((resolve) =>
			s.listen(0, '127.0.0.1', () => resolve((s.address() as {port: number}).port)),
		);
	const [a, b, c] = [await port(http), await port(tcp), await port(closed)];
	await new Promise((resolve) => closed.close(resolve));
	return {
		noModels: `http://127.0.0.1:${a}/v1`,
		stalled: `http://127.0.0.1:${b}/v1`,
		refused: `http://127.0.0.1:${c}/v1`,
		close: async () => {
			for (const s of sockets) s.destroy();
			http.closeAllConnections();
			await Promise.all([
				new Promise((resolve) => http.close(resolve)),
				new Promise((resolve) => tcp.close(resolve)),
			]);
		},
	};
}

function listFile(p: Peers): string {
	const file = path.join(tempData('crm-csv'), 'relays.csv');
	writeFileSync(
		file,
		[
			'url,key,pack',
			`${p.noModels},sk-relay-no-models-0001,relay`,
			`${p.refused},sk-relay-refused-00002,relay`,
			`${p.stalled},sk-relay-stalled-00003,relay`,
		].join('\n') + '\n',
	);
	chmodSync(file, 0o600);
	return file;
}

const TIMING = {requestTimeoutMs: 1500};

for (const [columns, rows] of SIZES) {
	test(`${columns}x${rows}: no /models says how to give a smoke model; refused and stalled have their own classes`, async (t) => {
		const sb = await startSandbox();
		const p = await peers();
		t.teardown(async () => {
			await p.close();
			await sb.close();
		});
		const dataDir = tempData();
		await registerLab(dataDir, sb);
		const tui = renderTui({dataDir, initialScreen: {id: 'batch-import'}, timing: TIMING});
		tui.resize(columns, rows);
		try {
			await tui.waitFor('File:');
			await tui.type(listFile(p));
			await tui.press(KEY.enter);
			await tui.waitFor('❯ Detect the packs');
			await tui.press(KEY.enter);
			await tui.waitFor('❯ Import 3 row(s) into lab', 20_000);
			await tui.press(KEY.enter);
			const done = await tui.waitFor(/0 succeeded · 3 failed/, 60_000);
			const line = (n: number) =>
				done.split('\n').find((l) => new RegExp(`^[❯ ]\\s*${n}\\s+http`).test(l)) ?? '';
			t.regex(line(2), /failed\s+invalid_input/);
			t.regex(line(3), /failed\s+network_unreachable/);
			t.regex(line(4), /failed\s+upstream_unavailable/);
			t.notRegex(done, /\bunknown\b/);
			t.regex(done, /has no usable \/models/);
			t.regex(done, /smoke model/);
			t.deepEqual(fitsWidth(done, columns), []);
			await tui.press(KEY.down);
			const refused = await tui.waitFor('network_unreachable: an address could not be reached');
			t.deepEqual(fitsWidth(refused, columns), []);
			await tui.press(KEY.down);
			await tui.waitFor('upstream_unavailable: the provider answered with errors (5xx) or timed out');
		} finally {
			await tui.close();
		}
	});
}

test('the CLI gives the same classes and the same advice', async (t) => {
	const sb = await startSandbox();
	const p = await peers();
	t.teardown(async () => {
		await p.close();
		await sb.close();
	});
	const dataDir = tempData();
	await registerLab(dataDir, sb);
	const result = await runCli(['import-batch', '--host', 'lab', '--file', listFile(p), '--data', dataDir], {
		env: {CRM_TIMEOUT_S: '2'},
	});
	t.is(result.code, 1, result.stderr);
	t.regex(result.stdout, /failed\s+none\s+invalid_input/);
	t.regex(result.stdout, /failed\s+none\s+network_unreachable/);
	t.regex(result.stdout, /failed\s+none\s+upstream_unavailable/);
	t.regex(result.stderr, /has no usable \/models .* smoke model/);
	t.notRegex(result.stdout, /\bunknown\b/);
});
