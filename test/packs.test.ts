import test from 'ava';
import {mkdtempSync, readFileSync, writeFileSync, readdirSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {loadPacks, packsDir} from '../source/core/packs/packs.js';
import {parseJson, runCli} from './helpers/cli.js';

const realPacks = readdirSync(packsDir()).filter((f) => f.endsWith('.json'));

test('every real pack is valid and all seven load', (t) => {
	const {packs, problems} = loadPacks();
	t.deepEqual(problems, []);
	t.deepEqual(packs.map((p) => p.id).sort(), ['deepseek', 'glm', 'kimi', 'minimax', 'qwen', 'relay', 'step']);
	t.is(realPacks.length, 7);
	for (const pack of packs.filter((p) => p.kind === 'official')) {
		t.truthy(pack.base_url?.startsWith('https://'), pack.id);
		t.true(
			pack.models.some((m) => m.id === pack.smoke_test_model),
			`${pack.id} smoke model is one of its models`,
		);
		t.true(pack.group_template.rate_multiplier > 0);
	}
	const relay = packs.find((p) => p.id === 'relay')!;
	t.is(relay.base_url, null);
	t.deepEqual(relay.models, []);
});

function packDirWith(files: Record<string, unknown>): string {
	const dir = mkdtempSync(path.join(tmpdir(), 'packs-'));
	for (const f of realPacks) writeFileSync(path.join(dir, f), readFileSync(path.join(packsDir(), f)));
	for (const [name, content] of Object.entries(files)) {
		writeFileSync(path.join(dir, name), typeof content === 'string' ? content : JSON.stringify(content));
	}
	return dir;
}

const deepseek = () => JSON.parse(readFileSync(path.join(packsDir(), 'deepseek.json'), 'utf8'));

test('a broken pack is reported by file and field, and the others still load', (t) => {
	const wrongType = {...deepseek(), id: 'broken', group_template: {rate_multiplier: 'one', description: ''}};
	const badUrl = {...deepseek(), id: 'badurl', base_url: 'ftp://example.com'};
	const badSmoke = {...deepseek(), id: 'badsmoke', smoke_test_model: 'not-a-listed-model'};
	const dir = packDirWith({
		'broken.json': wrongType,
		'badurl.json': badUrl,
		'badsmoke.json': badSmoke,
		'notjson.json': '{"id": ',
		'mismatch.json': {...deepseek(), id: 'other'},
	});
	const {packs, problems} = loadPacks(dir);
	t.is(packs.length, 7);
	const byFile = (file: string) => problems.filter((p) => p.file === file).map((p) => p.field);
	t.deepEqual(byFile('broken.json'), ['group_template.rate_multiplier']);
	t.deepEqual(byFile('badurl.json'), ['base_url']);
	t.deepEqual(byFile('badsmoke.json'), ['smoke_test_model']);
	t.deepEqual(byFile('notjson.json'), ['(file)']);
	t.deepEqual(byFile('mismatch.json'), ['id']);
});

test('crm packs --json lists the packs in the docs/cli.md shape; a bad file is warned about on stderr', async (t) => {
	const dir = packDirWith({'broken.json': {...deepseek(), id: 'broken', models: 'x'}});
	const result = await runCli(['packs', '--json'], {env: {CRM_PACKS_DIR: dir}});
	t.is(result.code, 0);
	const doc = parseJson(result);
	t.is(doc.packs.length, 7);
	const ds = doc.packs.find((p: any) => p.id === 'deepseek');
	t.deepEqual(Object.keys(ds).sort(), [
		'access_mode',
		'base_url',
		'id',
		'models',
		'name',
		'smoke_test_model',
	]);
	t.deepEqual(ds.models[0], {id: 'deepseek-v4-flash', upstream: 'deepseek-v4-flash'});
	t.regex(result.stderr, /broken\.json skipped: models/);
});

test('crm packs prints a table for people', async (t) => {
	const result = await runCli(['packs']);
	t.is(result.code, 0);
	t.regex(result.stdout, /^PACK\s+NAME/);
	t.regex(result.stdout, /relay\s+Third-party.*\(operator supplies\)/);
});
