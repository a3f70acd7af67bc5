// Where things live on disk (CLI.md "Global"): the data folder and the files inside it.
import path from 'node:path';
import {fileURLToPath} from 'node:url';

/** The folder holding package.json, whether running from source/ (tsx) or dist/ (built). */
export function packageRoot(): string {
	return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
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
	};
}

export type DataPaths = ReturnType<typeof dataPaths>;
