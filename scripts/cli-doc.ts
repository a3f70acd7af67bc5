// `npm run docs:cli`: rewrites the generated parts of docs/cli.md from the definitions the program
// itself runs on, so the reference cannot drift from the code:
//   <!-- generated: commands --> … <!-- end generated -->  from source/commands/usage.ts (the one
//     command table behind `crm --help`, every `crm <command> --help` and the unknown-flag check);
//   <!-- generated: routes --> … <!-- end generated -->    from the service's OpenAPI document
//     (source/server: the same zod schemas that validate the requests).
// Everything outside the markers is written by hand and left as it is. The result is formatted with
// the project's prettier settings, so `prettier --check` and test/docs-cli.test.ts (which fails when
// the file differs from what this script makes now) agree.
//   npx tsx scripts/cli-doc.ts [--check]
import {readFileSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {pathToFileURL} from 'node:url';
import prettier from 'prettier';
import {
	COMMANDS,
	FLAGS,
	SECRET_FLAGS,
	flagName,
	type CommandSpec,
	type FlagKey,
} from '../source/commands/usage.js';
import {createServiceApp} from '../source/server/app.js';
import type {ServiceDeps} from '../source/server/deps.js';

export const repoRoot = path.resolve(import.meta.dirname, '..');
export const DOC = path.join(repoRoot, 'docs', 'cli.md');

/** What the generated parts are made from; a test passes another command list to see the doc change. */
export interface Sources {
	commands: CommandSpec[];
}

const END = '<!-- end generated -->';
const START = /<!-- generated: ([a-z-]+) -->/g;

// ---- text helpers ----

/** A table cell: pipes escaped (also inside code spans, as GitHub reads them), no line breaks. */
function cell(text: string): string {
	return text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
}

/** Text from usage.ts with its flags and env names as code. */
function prose(text: string): string {
	return text.replace(/(^|[\s(,;])(--[a-z][a-z-]*)/g, '$1`$2`').replace(/\b((?:CRM|S2A)_[A-Z_]+)\b/g, '`$1`');
}

/** A sentence from usage.ts (a summary, a note): its first letter capital. */
function sentence(text: string): string {
	const coded = prose(text);
	return coded.charAt(0).toUpperCase() + coded.slice(1);
}

/** The heading anchor GitHub makes for "`crm host add`". */
function anchor(name: string): string {
	return `crm-${name.replace(/ /g, '-')}`;
}

function table(head: string[], rows: string[][]): string[] {
	return [
		`| ${head.join(' | ')} |`,
		`| ${head.map(() => '---').join(' | ')} |`,
		...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
	];
}

// ---- commands ----

function flagRow(key: FlagKey): string[] {
	const spec = FLAGS[key] as {value?: string; help: string};
	return [`\`${flagName(key)}\``, spec.value ? `\`${spec.value}\`` : '', prose(spec.help)];
}

function commandSection(c: CommandSpec): string[] {
	return [
		`### \`crm ${c.name}\``,
		'',
		'```sh',
		`crm ${c.name}${c.synopsis ? ` ${c.synopsis}` : ''}`,
		'```',
		'',
		`${sentence(c.summary)}.`,
		...(c.notes?.length ? ['', ...c.notes.map((n) => `- ${sentence(n)}.`)] : []),
		'',
		...table(['flag', 'value', 'meaning'], c.flags.map(flagRow)),
		'',
	];
}

/** Which commands take a flag: all of them, all but a few, or the list. */
function takenBy(key: FlagKey, commands: CommandSpec[]): string {
	const users = commands.filter((c) => c.flags.includes(key)).map((c) => c.name);
	if (users.length === commands.length) return 'every command';
	const others = commands.filter((c) => !c.flags.includes(key)).map((c) => c.name);
	if (users.length > commands.length / 2 && others.length <= 4)
		return `every command but ${others.join(', ')}`;
	return users.join(', ') || '(none)';
}

export function commandsPart(sources: Sources): string {
	const {commands} = sources;
	const lines = [
		`${commands.length} commands. Every one also takes \`--help\` (or \`-h\`), anywhere on the line: it`,
		"prints that command's usage and runs nothing. A flag not listed for a command is refused (exit 2).",
		'',
		...table(
			['command', 'what it does'],
			commands.map((c) => [`[\`crm ${c.name}\`](#${anchor(c.name)})`, sentence(c.summary)]),
		),
		'',
		...commands.flatMap(commandSection),
		'### Every flag',
		'',
		...table(
			['flag', 'value', 'meaning', 'taken by'],
			(Object.keys(FLAGS) as FlagKey[]).map((key) => [...flagRow(key), takenBy(key, commands)]),
		),
		'',
		'### Flags refused as secrets',
		'',
		'A secret given as a flag value would land in shell history and the process list. These flags are',
		'refused (exit 2, naming the flag, never echoing its value), pointing at the way crm takes that secret:',
		'',
		...table(
			['refused flag', 'give it with'],
			Object.entries(SECRET_FLAGS).map(([flag, ways]) => [`\`${flag}\``, prose(ways)]),
		),
	];
	return lines.join('\n');
}

// ---- service routes ----

interface Operation {
	summary?: string;
	parameters?: Array<{in: string; name: string; required?: boolean}>;
	requestBody?: {content?: Record<string, {schema?: {$ref?: string; properties?: object}}>};
	responses?: Record<string, unknown>;
}

interface OpenApiDoc {
	paths?: Record<string, Record<string, Operation>>;
	components?: {schemas?: Record<string, {properties?: Record<string, unknown>; required?: string[]}>};
}

/** The service's OpenAPI document, made the way `GET /openapi.json` makes it (no listening, no state). */
export function openApiDocument(): OpenApiDoc {
	const deps = {version: 'docs', log: () => undefined} as unknown as ServiceDeps;
	const app = createServiceApp(deps);
	return app.getOpenAPI31Document({
		openapi: '3.1.0',
		info: {title: 'crm serve', version: 'docs'},
	}) as OpenApiDoc;
}

function bodyFields(doc: OpenApiDoc, op: Operation): string[] {
	const schema = op.requestBody?.content?.['application/json']?.schema;
	if (!schema) return [];
	const name = schema.$ref?.split('/').pop();
	const resolved = name
		? doc.components?.schemas?.[name]
		: (schema as {properties?: Record<string, unknown>});
	const required = new Set((resolved as {required?: string[]} | undefined)?.required ?? []);
	return Object.keys(resolved?.properties ?? {}).map((f) => `\`${f}\`${required.has(f) ? '' : '?'}`);
}

function inputOf(doc: OpenApiDoc, op: Operation): string {
	const params = op.parameters ?? [];
	const query = params.filter((p) => p.in === 'query').map((p) => `\`${p.name}\``);
	const header = params.filter((p) => p.in === 'header').map((p) => `\`${p.name}\``);
	const body = bodyFields(doc, op);
	const parts = [
		body.length ? `body ${body.join(', ')}` : '',
		query.length ? `query ${query.join(', ')}` : '',
		header.length ? `header ${header.join(', ')}` : '',
	].filter(Boolean);
	return parts.join('; ') || '—';
}

export function routesPart(doc: OpenApiDoc = openApiDocument()): string {
	const rows: string[][] = [];
	for (const [route, ops] of Object.entries(doc.paths ?? {}))
		for (const [method, op] of Object.entries(ops)) {
			const token = route.startsWith('/api/v1') ? 'yes' : 'no';
			rows.push([
				`\`${method.toUpperCase()} ${route.replace(/\{(\w+)\}/g, ':$1')}\``,
				op.summary ?? '',
				inputOf(doc, op),
				Object.keys(op.responses ?? {}).join(', '),
				token,
			]);
		}
	return [
		`${rows.length} routes (\`?\` marks a body field that may be left out).`,
		'',
		...table(['route', 'what it does', 'input', 'answers', 'token'], rows),
	].join('\n');
}

// ---- the file ----

export const PARTS: Record<string, (sources: Sources) => string> = {
	commands: commandsPart,
	routes: () => routesPart(),
};

/** The generated parts of a docs/cli.md text, by name (what test/docs-cli.test.ts compares). */
export function generatedParts(text: string): Record<string, string> {
	const out: Record<string, string> = {};
	for (const m of text.matchAll(START)) {
		const from = m.index + m[0].length;
		const to = text.indexOf(END, from);
		if (to < 0) throw new Error(`docs/cli.md: "${m[0]}" has no "${END}" after it`);
		out[m[1]!] = text.slice(from, to).trim();
	}
	return out;
}

/** The file with every generated part made again from `sources`, formatted as prettier formats it. */
export async function render(text: string, sources: Sources = {commands: COMMANDS}): Promise<string> {
	const found = Object.keys(generatedParts(text));
	const missing = Object.keys(PARTS).filter((name) => !found.includes(name));
	if (missing.length > 0)
		throw new Error(`docs/cli.md has no "<!-- generated: ${missing[0]} -->" … "${END}" markers`);
	const out = text.replace(
		/(<!-- generated: ([a-z-]+) -->)[\s\S]*?(<!-- end generated -->)/g,
		(_all, start: string, name: string, end: string) => {
			const make = PARTS[name];
			if (!make) throw new Error(`docs/cli.md: no generator for "${start}" (known: ${Object.keys(PARTS)})`);
			return `${start}\n\n${make(sources)}\n\n${end}`;
		},
	);
	const options = (await prettier.resolveConfig(DOC)) ?? {};
	return prettier.format(out, {...options, filepath: DOC});
}

async function main(): Promise<number> {
	const before = readFileSync(DOC, 'utf8');
	const after = await render(before);
	if (process.argv.includes('--check')) {
		if (after === before) return 0;
		process.stderr.write('docs/cli.md is out of date: run npm run docs:cli\n');
		return 1;
	}
	if (after !== before) writeFileSync(DOC, after);
	process.stderr.write(after === before ? 'docs/cli.md is up to date\n' : 'docs/cli.md rewritten\n');
	return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) process.exitCode = await main();
