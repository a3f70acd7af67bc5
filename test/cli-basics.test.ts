import test from 'ava';
import {readFileSync} from 'node:fs';
import path from 'node:path';
import {parseJson, repoRoot, runCli, tempDataDir} from './helpers/cli.js';

const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));

test('--version prints the package version', async (t) => {
	const result = await runCli(['--version']);
	t.is(result.code, 0);
	t.is(result.stdout.trim(), pkg.version);
});

test('--help lists every command of docs/cli.md', async (t) => {
	const result = await runCli(['--help']);
	t.is(result.code, 0);
	for (const command of [
		'sandbox',
		'host add',
		'packs',
		'import',
		'import-batch',
		'batches',
		'batch show',
		'status',
		'reconcile',
		'rollback',
		'accept',
		'matrix',
	]) {
		t.true(result.stdout.includes(command), command);
	}
});

test('no command and no terminal: help pointer, exit 2', async (t) => {
	const result = await runCli([]);
	t.is(result.code, 2);
	t.regex(result.stderr, /no terminal/);
});

test('an unknown command exits 2; with --json the error document is the only stdout', async (t) => {
	const result = await runCli(['frobnicate', '--json']);
	t.is(result.code, 2);
	const doc = parseJson(result);
	t.deepEqual(Object.keys(doc.error).sort(), ['exit_code', 'field', 'kind', 'message']);
	t.is(doc.error.exit_code, 2);
});

test('an unknown flag exits 2', async (t) => {
	const result = await runCli(['packs', '--no-such-flag']);
	t.is(result.code, 2);
});

test('host list on an empty data folder: empty list, nothing written', async (t) => {
	const data = tempDataDir();
	const result = await runCli(['host', 'list', '--json', '--data', data]);
	t.is(result.code, 0);
	t.deepEqual(parseJson(result), {hosts: []});
});

test('host show of an unknown host: exit 2 naming the field', async (t) => {
	const data = tempDataDir();
	const result = await runCli(['host', 'show', 'nope', '--json', '--data', data]);
	t.is(result.code, 2);
	t.is(parseJson(result).error.field, 'HOST');
});
