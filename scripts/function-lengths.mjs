#!/usr/bin/env node
// Lists the longest functions in source/ (React components included; source/sandbox left out) and
// fails when one is longer than the limit (docs/architecture.md "Size limits"). Uses the TypeScript
// compiler's parser, so a function is what the language says it is (declarations, methods, arrow
// functions, function expressions), measured from its first line to its last.
//   node scripts/function-lengths.mjs [--limit 150] [--top 10] [--json]
import {readdirSync, readFileSync, statSync} from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const root = path.resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const option = (name, fallback) => {
	const i = args.indexOf(name);
	return i >= 0 && args[i + 1] ? Number(args[i + 1]) : fallback;
};
const LIMIT = option('--limit', 150);
const TOP = option('--top', 10);
const EXCLUDED = [path.join('source', 'sandbox')];

function files(dir) {
	const out = [];
	for (const name of readdirSync(dir)) {
		const full = path.join(dir, name);
		const rel = path.relative(root, full);
		if (EXCLUDED.some((e) => rel === e || rel.startsWith(e + path.sep))) continue;
		if (statSync(full).isDirectory()) out.push(...files(full));
		else if (/\.(ts|tsx|mts)$/.test(name) && !name.endsWith('.d.ts')) out.push(full);
	}
	return out;
}

/** The name a function is known by: its own, else the variable, property or class member holding it. */
function nameOf(node) {
	if (node.name && ts.isIdentifier(node.name)) return node.name.text;
	if (ts.isConstructorDeclaration(node)) return 'constructor';
	const parent = node.parent;
	if (parent && ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name)) return parent.name.text;
	if (parent && ts.isPropertyAssignment(parent) && parent.name) return parent.name.getText();
	if (parent && ts.isPropertyDeclaration(parent) && parent.name) return parent.name.getText();
	if (parent && ts.isCallExpression(parent))
		return `(callback of ${parent.expression.getText().slice(0, 40)})`;
	return '(anonymous)';
}

const FUNCTION_KINDS = new Set([
	ts.SyntaxKind.FunctionDeclaration,
	ts.SyntaxKind.FunctionExpression,
	ts.SyntaxKind.ArrowFunction,
	ts.SyntaxKind.MethodDeclaration,
	ts.SyntaxKind.Constructor,
	ts.SyntaxKind.GetAccessor,
	ts.SyntaxKind.SetAccessor,
]);

export function measure(file) {
	const text = readFileSync(file, 'utf8');
	const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
	const found = [];
	const visit = (node) => {
		if (FUNCTION_KINDS.has(node.kind)) {
			const start = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
			const end = source.getLineAndCharacterOfPosition(node.getEnd()).line + 1;
			found.push({file: path.relative(root, file), name: nameOf(node), start, lines: end - start + 1});
		}
		ts.forEachChild(node, visit);
	};
	visit(source);
	return found;
}

const all = files(path.join(root, 'source'))
	.flatMap(measure)
	.sort((a, b) => b.lines - a.lines);
const over = all.filter((f) => f.lines > LIMIT);
if (args.includes('--json')) {
	process.stdout.write(JSON.stringify({limit: LIMIT, longest: all.slice(0, TOP), over}, null, 2) + '\n');
} else {
	process.stdout.write(`longest functions (limit ${LIMIT} lines; source/sandbox not counted):\n`);
	for (const f of all.slice(0, TOP))
		process.stdout.write(`${String(f.lines).padStart(5)}  ${f.file}:${f.start}  ${f.name}\n`);
	if (over.length > 0)
		process.stderr.write(
			`${over.length} function(s) longer than ${LIMIT} lines: ${over.map((f) => `${f.file}:${f.start} ${f.name} (${f.lines})`).join(', ')}\n`,
		);
}
process.exitCode = over.length > 0 ? 1 : 0;
