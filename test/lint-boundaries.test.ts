// The layer boundaries of docs/architecture.md are lint rules (eslint.config.js): a deliberate
// violation in a scratch file at each layer's place fails `npm run lint`, and the allowed form of the
// same import passes, so the rule cannot be vacuous.
import path from 'node:path';
import test from 'ava';
import {ESLint} from 'eslint';

const root = path.resolve(import.meta.dirname, '..');
const eslint = new ESLint({cwd: root});

/** The boundary messages ESLint reports for `code` as if it were the file at `file`. */
async function boundaryErrors(file: string, code: string): Promise<string[]> {
	const [result] = await eslint.lintText(code, {filePath: path.join(root, file)});
	return (result?.messages ?? [])
		.filter((m) => m.ruleId === '@typescript-eslint/no-restricted-imports')
		.map((m) => m.message);
}

const cases: Array<{file: string; bad: string; good: string; says: RegExp}> = [
	{
		file: 'source/core/drift/__scratch__.ts',
		bad: "import {Session} from '../../app/session.js';\nexport const s = Session;\n",
		good: "import {CrmError} from '../../lib/errors.js';\nexport const e = CrmError;\n",
		says: /source\/core is UI-free/,
	},
	{
		file: 'source/store/__scratch__.ts',
		bad: "import {resolveHost} from '../core/hosts/lookup.js';\nexport const r = resolveHost;\n",
		good: "import {CrmError} from '../lib/errors.js';\nexport const e = CrmError;\n",
		says: /source\/store keeps state only/,
	},
	{
		file: 'source/lib/__scratch__.ts',
		bad: "import {dataPaths} from '../store/paths.js';\nexport const p = dataPaths;\n",
		good: "import {scrub} from './secrets.js';\nexport const s = scrub;\n",
		says: /source\/lib is the leaf/,
	},
	{
		file: 'source/ui/screens/__scratch__.tsx',
		bad: "import {runReconcile} from '../../core/drift/reconcile.js';\nexport const r = runReconcile;\n",
		good: "import {reconcile} from '../../app/drift.js';\nimport type {ReconcileResult} from '../../core/drift/reconcile.js';\nexport const r = reconcile;\nexport type R = ReconcileResult;\n",
		says: /a view calls source\/app/,
	},
	{
		file: 'source/commands/__scratch__.ts',
		bad: "import {StateStore} from '../store/state-store.js';\nexport const s = StateStore;\n",
		good: "import {listBatches} from '../app/reads.js';\nexport const l = listBatches;\n",
		says: /a view calls source\/app/,
	},
	{
		file: 'source/app/__scratch__.ts',
		bad: "import {Output} from '../commands/output.js';\nexport const o = Output;\n",
		good: "import {resolveHost} from '../core/hosts/lookup.js';\nexport const r = resolveHost;\n",
		says: /source\/app is what the views call/,
	},
];

for (const c of cases) {
	test(`boundary: ${path.dirname(c.file)} refuses the import across its layer`, async (t) => {
		const bad = await boundaryErrors(c.file, c.bad);
		t.is(bad.length, 1, `the violation in ${c.file} is reported`);
		t.regex(bad[0] ?? '', c.says);
		t.regex(bad[0] ?? '', /docs\/architecture\.md/, 'the message points at the rule');
		t.deepEqual(await boundaryErrors(c.file, c.good), [], `the allowed import in ${c.file} passes`);
	});
}

test('the real tree passes its boundaries', async (t) => {
	const results = await eslint.lintFiles(['source/**/*.ts', 'source/**/*.tsx']);
	const crossings = results.flatMap((r) =>
		r.messages
			.filter((m) => m.ruleId === '@typescript-eslint/no-restricted-imports')
			.map((m) => `${path.relative(root, r.filePath)}:${m.line} ${m.message}`),
	);
	t.deepEqual(crossings, []);
});

/** The project's modules and what each imports at run time (type-only imports erase). */
function importGraph(files: Map<string, string>): Map<string, string[]> {
	const graph = new Map<string, string[]>();
	for (const [file, code] of files) {
		const deps: string[] = [];
		for (const m of code.matchAll(/^(?:import|export)\s+(?!type\b)[^'"]*?from\s+'(\.[^']+)'/gm)) {
			const base = path.join(path.dirname(file), m[1]!).replace(/\.js$/, '');
			const found = [`${base}.ts`, `${base}.tsx`].find((f) => files.has(f));
			if (found) deps.push(found);
		}
		graph.set(file, deps);
	}
	return graph;
}

/** Every import cycle found by a depth-first walk (each as the files around it). */
function cyclesOf(graph: Map<string, string[]>): string[][] {
	const state = new Map<string, 'open' | 'done'>();
	const cycles: string[][] = [];
	const visit = (file: string, trail: string[]) => {
		state.set(file, 'open');
		trail.push(file);
		for (const dep of graph.get(file) ?? []) {
			if (state.get(dep) === 'open') cycles.push([...trail.slice(trail.indexOf(dep)), dep]);
			else if (!state.has(dep)) visit(dep, trail);
		}
		trail.pop();
		state.set(file, 'done');
	};
	for (const file of graph.keys()) if (!state.has(file)) visit(file, []);
	return cycles;
}

test('no import cycle in source (the UI state context once imported the step hook that imports it)', async (t) => {
	const {readdir, readFile} = await import('node:fs/promises');
	const names = (await readdir(path.join(root, 'source'), {recursive: true})).filter((f) =>
		/\.tsx?$/.test(f),
	);
	const files = new Map<string, string>();
	for (const name of names) files.set(name, await readFile(path.join(root, 'source', name), 'utf8'));
	t.true(files.size > 100, 'the walk saw the tree');
	t.deepEqual(cyclesOf(importGraph(files)), []);
	// The walk finds a cycle when there is one: a copy of the tree with the old context -> step-hook import.
	const planted = new Map(files);
	const context = path.join('ui', 'context.tsx');
	const steps = [...files.keys()].find((f) => files.get(f)!.includes("from '../context.js'"))!;
	const spec = `./${path.relative(path.dirname(context), steps).replace(/\.tsx?$/, '.js')}`;
	planted.set(context, `import {x} from '${spec}';\n${files.get(context)}`);
	t.true(cyclesOf(importGraph(planted)).length > 0, `a planted cycle through ${steps} is found`);
});
