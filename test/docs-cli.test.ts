// docs/cli.md's generated parts (the commands and flags from source/commands/usage.ts, the service's
// routes from its OpenAPI document) must be what scripts/cli-doc.ts makes from the code now: a command,
// flag or route added without `npm run docs:cli` fails here.
import test from 'ava';
import {readFileSync} from 'node:fs';
import {COMMANDS, FLAGS, flagName, type CommandSpec} from '../source/commands/usage.js';
import {DOC, generatedParts, openApiDocument, render} from '../scripts/cli-doc.js';

const text = readFileSync(DOC, 'utf8');

test('docs/cli.md: the generated parts are what npm run docs:cli makes from the code now', async (t) => {
	const now = generatedParts(await render(text));
	const file = generatedParts(text);
	t.deepEqual(Object.keys(file).sort(), ['commands', 'routes'], 'both generated parts are marked');
	t.is(file.commands, now.commands, 'the commands part is out of date: run npm run docs:cli');
	t.is(file.routes, now.routes, 'the routes part is out of date: run npm run docs:cli');
});

test('docs/cli.md names every command, every flag and every route of the code', (t) => {
	const {commands, routes} = generatedParts(text);
	for (const c of COMMANDS) t.true(commands!.includes(`### \`crm ${c.name}\``), `crm ${c.name}`);
	for (const key of Object.keys(FLAGS)) t.true(commands!.includes(`\`${flagName(key)}\``), flagName(key));
	const doc = openApiDocument();
	for (const [route, ops] of Object.entries(doc.paths ?? {}))
		for (const method of Object.keys(ops)) {
			const shown = `${method.toUpperCase()} ${route.replace(/\{(\w+)\}/g, ':$1')}`;
			t.true(routes!.includes(`\`${shown}\``), shown);
		}
});

test('a command added to the table changes the generated part (so the first test fails until regenerated)', async (t) => {
	const added: CommandSpec = {
		name: 'residue',
		synopsis: '--host HOST [--delete --yes]',
		summary: 'host resources that look like crm made them but no record knows',
		flags: ['host', 'yes', 'json'],
		notes: ['only items whose marker proves crm made them are deleted'],
	};
	const now = generatedParts(await render(text)).commands!;
	const more = generatedParts(await render(text, {commands: [...COMMANDS, added]})).commands!;
	t.not(more, now);
	t.regex(more, /### `crm residue`/);
	t.regex(more, /\| `--host` +\| `HOST` +\| a host id or name/);
	t.regex(more, /- Only items whose marker proves crm made them are deleted\./);
	t.regex(more, new RegExp(`^${COMMANDS.length + 1} commands\\.`));
});

test('the generator refuses a page without its markers, and leaves the hand-written text as it is', async (t) => {
	await t.throwsAsync(render('# cli\n\nno markers here\n'), {message: /no "<!-- generated: commands -->"/});
	const hand =
		'# cli\n\nHand text.\n\n<!-- generated: commands -->\nold\n<!-- end generated -->\n\nMore hand text.\n';
	await t.throwsAsync(render(hand), {message: /no "<!-- generated: routes -->"/});
	const both = `${hand}\n<!-- generated: routes -->\n<!-- end generated -->\n`;
	const out = await render(both);
	t.true(out.startsWith('# cli\n\nHand text.\n\n<!-- generated: commands -->\n'));
	t.true(out.includes('\nMore hand text.\n'));
	t.false(out.includes('\nold\n'), 'the stale generated text is replaced');
});
