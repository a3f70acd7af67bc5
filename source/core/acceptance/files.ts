// The numbering of an acceptance run's evidence folder, DIR/acceptance/<run_id>/ (docs/domain.md "Evidence").
// The seed's names are kept where it had them (05-import.json, 07-access-status.json,
// 21-summary.json); the first access mode takes the plain name, the second adds its mode, so a
// single-mode run looks exactly like the seed's and a two-mode run stays unambiguous.
import {readFileSync} from 'node:fs';
import path from 'node:path';
import type {AccessMode} from '../packs/packs.js';
import {packageRoot} from '../../store/paths.js';

export const FILES = {
	hostProbe: '01-host-probe.json',
	runInput: '02-run-input.json',
	accessStatus: '07-access-status.json',
	summary: '21-summary.json',
	readme: 'README.md',
} as const;

/** 05-import.json for the first mode, 06-import-<mode>.json for the second. */
export function importFile(index: number, mode: AccessMode): string {
	return index === 0 ? '05-import.json' : `06-import-${mode}.json`;
}

/** That import's own per-step evidence (copied from DIR/artifacts/<batch_id>/). */
export function importStepsDir(index: number, mode: AccessMode): string {
	return index === 0 ? '05-import-steps' : `06-import-${mode}-steps`;
}

/** 08-reconcile.json for the first mode's batch, 09-reconcile-<mode>.json for the second. */
export function reconcileFile(index: number, mode: AccessMode): string {
	return index === 0 ? '08-reconcile.json' : `09-reconcile-${mode}.json`;
}

/** What each file holds, for the run's README.md. */
export const FILE_GUIDE: Array<[string, string]> = [
	['01-host-probe.json', 'the host probe (reads only): capabilities, host version, tool version'],
	['02-run-input.json', 'what was asked: host, pack, base URL, key fingerprint, access modes, timings'],
	['05-import.json', 'the import in the first access mode (subscription when both were asked)'],
	['05-import-steps/', "that import's per-step evidence (01-preflight … 10-summary, 11-batch-summary)"],
	['06-import-<mode>.json', 'the import in the second access mode (only with --access both)'],
	['06-import-<mode>-steps/', "that import's numbered per-step evidence"],
	[
		'07-access-status.json',
		'access status per mode and the host+provider status (fully_ready = both modes ready)',
	],
	['08-reconcile.json', "reconcile of the first mode's batch (recorded resources vs the live host)"],
	['09-reconcile-<mode>.json', "reconcile of the second mode's batch"],
	['21-summary.json', 'the result (ready or the failure class), versions, batches and the file list'],
];

export const TOOL_NAME = 'sub2api-cn-relay-manager';

let cachedVersion: string | null = null;

/** The tool's version, from its own package.json. */
export function toolVersion(): string {
	if (cachedVersion) return cachedVersion;
	try {
		const pkg = JSON.parse(readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as {
			version?: string;
		};
		cachedVersion = pkg.version ?? 'unknown';
	} catch {
		cachedVersion = 'unknown';
	}
	return cachedVersion;
}
