// Lint gate: typescript-eslint's recommended rules plus React hooks rules, zero warnings allowed, and
// the layer boundaries of docs/architecture.md ("Layers") as import rules.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

/** Relative imports into these folders of source/ (any depth of `../`). */
const into = (...folders) => `^(\\.\\./)+(${folders.join('|')})/`;

/**
 * One boundary: files under `files` may not import from `folders` (type-only imports allowed when
 * `types` is set: a view may name a core type, never call core code).
 */
const boundary = (files, folders, why, types = false) => ({
	files,
	rules: {
		'@typescript-eslint/no-restricted-imports': [
			'error',
			{patterns: [{regex: into(...folders), message: why, allowTypeImports: types}]},
		],
	},
});

export default tseslint.config(
	{ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'data/**']},
	js.configs.recommended,
	...tseslint.configs.recommended,
	{languageOptions: {globals: {...globals.node}}},
	{
		files: ['**/*.{ts,tsx}'],
		plugins: {'react-hooks': reactHooks},
		rules: {
			...reactHooks.configs.recommended.rules,
			// Unused names prefixed with _ are deliberate (callback signatures, destructuring to omit).
			'@typescript-eslint/no-unused-vars': [
				'error',
				{argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_'},
			],
		},
	},
	{
		// Tests and the sandbox parse arbitrary JSON from the wire; `any` there is the honest type.
		files: ['test/**', 'source/sandbox/**'],
		rules: {'@typescript-eslint/no-explicit-any': 'off'},
	},
	// ---- Layers (docs/architecture.md "Layers"). Later blocks for the same files replace earlier ones.
	boundary(
		['source/lib/**'],
		['[^/]+'],
		'source/lib is the leaf: it imports nothing from the project (docs/architecture.md "Layers")',
	),
	boundary(
		['source/store/**'],
		['core', 'app', 'ui', 'commands', 'server', 'host', 'upstream', 'sandbox'],
		'source/store keeps state only: it imports lib, never core, app or a view (docs/architecture.md "Layers")',
	),
	boundary(
		['source/host/**', 'source/upstream/**'],
		['core', 'app', 'ui', 'commands', 'server', 'store', 'sandbox'],
		'the host and upstream clients import lib only (docs/architecture.md "Layers")',
	),
	boundary(
		['source/core/**'],
		['app', 'ui', 'commands', 'server', 'sandbox'],
		'source/core is UI-free: it never imports the app layer or a view (docs/architecture.md "Layers")',
	),
	boundary(
		['source/app/**'],
		['ui', 'commands', 'server'],
		'source/app is what the views call: it never imports one (docs/architecture.md "Layers")',
	),
	boundary(
		['source/ui/**', 'source/commands/**', 'source/server/**'],
		['core', 'store', 'host', 'upstream', 'sandbox'],
		'a view calls source/app (and lib); from core, store, host it imports types only (docs/architecture.md "Views")',
		true,
	),
);
