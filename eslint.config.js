// Lint gate: typescript-eslint's recommended rules plus React hooks rules, zero warnings allowed.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

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
);
