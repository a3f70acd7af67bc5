// The TUI's start-up graph stays small (the first frame within 400 ms of bare Node): what `crm` loads
// before Home draws is app.tsx, context.tsx and the application session (source/app/session.ts) and
// their static imports. The engine modules (import, reconcile, rollback, repair, batch import,
// acceptance, host registration, the sandbox, the host client) and the other screens load with
// `import()` when first used. This walks the static, value (not type-only) imports of the sources,
// as tsc emits them.
import {existsSync, readFileSync} from 'node:fs';
import path from 'node:path';
import test from 'ava';
import ts from 'typescript';

const root = path.resolve(import.meta.dirname, '..');
const ENTRIES = ['source/ui/app.tsx', 'source/ui/context.tsx', 'source/app/session.ts'];

/** The static imports of one file that survive compilation (type-only ones are erased). */
function valueImports(file: string): string[] {
	const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, false);
	const out: string[] = [];
	for (const node of source.statements) {
		if (ts.isImportDeclaration(node)) {
			const clause = node.importClause;
			if (clause?.isTypeOnly) continue;
			const named = clause?.namedBindings;
			const onlyTypes =
				clause &&
				!clause.name &&
				named &&
				ts.isNamedImports(named) &&
				named.elements.length > 0 &&
				named.elements.every((e) => e.isTypeOnly);
			if (onlyTypes) continue;
			out.push((node.moduleSpecifier as ts.StringLiteral).text);
		} else if (ts.isExportDeclaration(node) && node.moduleSpecifier && !node.isTypeOnly) {
			const named = node.exportClause;
			if (named && ts.isNamedExports(named) && named.elements.every((e) => e.isTypeOnly)) continue;
			out.push((node.moduleSpecifier as ts.StringLiteral).text);
		}
	}
	return out;
}

function resolveSource(from: string, specifier: string): string {
	const base = path.resolve(path.dirname(from), specifier.replace(/\.js$/, ''));
	for (const ext of ['.ts', '.tsx']) if (existsSync(base + ext)) return base + ext;
	throw new Error(`cannot resolve ${specifier} from ${from}`);
}

function startupGraph(): {files: string[]; packages: string[]} {
	const files = new Set<string>();
	const packages = new Set<string>();
	const queue = ENTRIES.map((e) => path.join(root, e));
	while (queue.length > 0) {
		const file = queue.pop()!;
		if (files.has(file)) continue;
		files.add(file);
		for (const specifier of valueImports(file)) {
			if (specifier.startsWith('.')) queue.push(resolveSource(file, specifier));
			else if (!specifier.startsWith('node:'))
				packages.add(
					specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!,
				);
		}
	}
	return {files: [...files].map((f) => path.relative(root, f)).sort(), packages: [...packages].sort()};
}

test('start-up graph: Home only, no engine module, no other screen', (t) => {
	const {files, packages} = startupGraph();
	const screens = files.filter((f) => f.startsWith('source/ui/screens/'));
	t.deepEqual(screens, ['source/ui/screens/home.tsx', 'source/ui/screens/no-raw-mode.tsx']);
	const heavy = [
		'source/core/import/run-import.ts',
		'source/core/drift/reconcile.ts',
		'source/core/drift/rollback.ts',
		'source/core/drift/repair.ts',
		'source/core/drift/smoke-again.ts',
		'source/core/hosts/register.ts',
		'source/core/batch-import/index.ts',
		'source/core/acceptance/index.ts',
		'source/sandbox/index.ts',
		'source/host/client.ts',
	];
	t.deepEqual(
		files.filter((f) => heavy.includes(f)),
		[],
	);
	t.false(
		files.some(
			(f) =>
				f.startsWith('source/sandbox/') || f.startsWith('source/host/') || f.startsWith('source/upstream/'),
		),
		files.join('\n'),
	);
	// Ink and React draw; the store reads state.json (lowdb, zod); nothing that talks HTTP or writes archives.
	for (const p of ['got', 'tar', 'csv-parse', 'eventsource-parser', 'openai'])
		t.false(packages.includes(p), `${p} is in the start-up graph`);
	t.true(packages.includes('ink'));
});
