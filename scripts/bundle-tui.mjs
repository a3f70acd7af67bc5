#!/usr/bin/env node
// Bundles the TUI entry (dist/ui/run.js, already compiled by tsc) into a few ESM chunks, so starting
// `crm` on a terminal reads ~5 files instead of ~700 (Ink alone pulls in hundreds of small modules).
// Screens stay separate chunks, loaded when first opened. The CLI commands are not bundled.
import {build} from 'esbuild';
import {mkdirSync, writeFileSync} from 'node:fs';

mkdirSync('dist/ui/stubs', {recursive: true});
// Ink imports react-devtools-core only when DEV=true; the bundle leaves it out.
writeFileSync('dist/ui/stubs/empty.js', 'export default {};\n');

await build({
	entryPoints: ['dist/ui/run.js'],
	bundle: true,
	splitting: true,
	platform: 'node',
	format: 'esm',
	target: 'node20',
	outdir: 'dist/ui',
	allowOverwrite: true,
	sourcemap: true,
	logLevel: 'warning',
	alias: {'react-devtools-core': './dist/ui/stubs/empty.js'},
	// React's production build: the development build checks every render and keeps a stack per
	// fibre (a third of the Status screen's first frame at 10,000 batches, docs/benchmarks.md).
	define: {'process.env.NODE_ENV': '"production"'},
	banner: {
		js: "import {createRequire as __crmRequire} from 'node:module'; const require = __crmRequire(import.meta.url);",
	},
	chunkNames: 'chunks/[name]-[hash]',
});
