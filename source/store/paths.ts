// Where things live on disk (docs/cli.md "Global options"): the data folder and the files inside it.
import {accessSync, constants, existsSync, readFileSync, statSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {invalidInput} from '../lib/errors.js';

let root: string | null = null;

/**
 * The folder holding this package's package.json, whether running from source/ (tsx), dist/ (tsc)
 * or a bundled chunk of dist/ui/ (esbuild): walk up from this module until it is found.
 */
export function packageRoot(): string {
	if (root) return root;
	let dir = path.dirname(fileURLToPath(import.meta.url));
	for (;;) {
		const candidate = path.join(dir, 'package.json');
		if (existsSync(candidate)) {
			try {
				if (
					(JSON.parse(readFileSync(candidate, 'utf8')) as {name?: string}).name === 'sub2api-cn-relay-manager'
				) {
					root = dir;
					return dir;
				}
			} catch {
				/* not ours: keep walking */
			}
		}
		const parent = path.dirname(dir);
		if (parent === dir) break;
		dir = parent;
	}
	root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
	return root;
}

/** `--data DIR`, else `CRM_DATA_DIR`, else `data/` in the package's own folder. */
export function resolveDataDir(flag?: string | null): string {
	const chosen = flag || process.env.CRM_DATA_DIR;
	return chosen ? path.resolve(chosen) : path.join(packageRoot(), 'data');
}

function can(p: string, mode: number): boolean {
	try {
		accessSync(p, mode);
		return true;
	} catch {
		return false;
	}
}

/**
 * Refuses a data folder crm cannot use, before anything in it is touched (exit 2 naming --data):
 * a file or anything else that is not a folder, a folder it cannot read, and, for commands that
 * write, a folder it cannot write or cannot create.
 */
export function checkDataDir(dir: string, options: {write: boolean}): void {
	const bad = (why: string) =>
		invalidInput(
			'--data',
			`--data ${dir} ${why}; give a folder crm can read and write (--data DIR or CRM_DATA_DIR)`,
		);
	let isDir: boolean;
	try {
		isDir = statSync(dir).isDirectory();
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		if (code !== 'ENOENT') throw bad(`cannot be used (${code ?? 'unreadable'})`);
		if (!options.write) return; // reading an absent folder reads an empty state
		// It will be created: the nearest existing folder above it must let us.
		let parent = path.dirname(dir);
		while (!existsSync(parent) && path.dirname(parent) !== parent) parent = path.dirname(parent);
		let parentIsDir = false;
		try {
			parentIsDir = statSync(parent).isDirectory();
		} catch {
			/* reported below */
		}
		if (!parentIsDir) throw bad(`cannot be created: ${parent} is not a folder`);
		if (!can(parent, constants.W_OK | constants.X_OK))
			throw bad(`cannot be created: ${parent} is not writable`);
		return;
	}
	if (!isDir) throw bad('is not a folder');
	if (!can(dir, constants.R_OK | constants.X_OK)) throw bad('cannot be read');
	if (options.write && !can(dir, constants.W_OK)) throw bad('is not writable');
}

export function dataPaths(dataDir: string) {
	return {
		dir: dataDir,
		state: path.join(dataDir, 'state.json'),
		lock: path.join(dataDir, 'state.lock'),
		batches: path.join(dataDir, 'batches'),
		batchFile: (batchId: string) => path.join(dataDir, 'batches', `${batchId}.json`),
		reconciles: path.join(dataDir, 'reconciles'),
		reconcileFile: (runId: string) => path.join(dataDir, 'reconciles', `${runId}.json`),
		artifacts: (batchId: string) => path.join(dataDir, 'artifacts', batchId),
		acceptance: path.join(dataDir, 'acceptance'),
		acceptanceArchive: path.join(dataDir, 'acceptance', 'archive'),
		/** Health history, one append-only file a batch, and the watch's summary (no secrets). */
		health: path.join(dataDir, 'health'),
		healthFile: (batchId: string) => path.join(dataDir, 'health', `${batchId}.jsonl`),
		healthSummary: path.join(dataDir, 'health', 'summary.json'),
		watchLock: path.join(dataDir, 'health', 'watch.lock'),
		/** `crm serve`'s token (0600) and, while it runs, where it listens. */
		serveToken: path.join(dataDir, 'serve.token'),
		serveRecord: path.join(dataDir, 'serve.json'),
	};
}

export type DataPaths = ReturnType<typeof dataPaths>;
