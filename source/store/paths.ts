// Where things live on disk (CLI.md "Global"): the data folder and the files inside it.
import {existsSync, readFileSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

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
		/** `crm serve`'s token (0600) and, while it runs, where it listens. */
		serveToken: path.join(dataDir, 'serve.token'),
		serveRecord: path.join(dataDir, 'serve.json'),
	};
}

export type DataPaths = ReturnType<typeof dataPaths>;
