// The provider validation matrix: per host, pack and endpoint (the provider's official host, or each
// relay URL, as the original keyed its evidence: an official MiniMax result and a MiniMax relay
// result are two rows), the latest acceptance result that finished (ready, or its failure class
// such as upstream_key_quota_issue or host_compatibility_gap), when, and where its evidence is.
// Reads state only.
import type {DataPaths} from '../../store/paths.js';
import type {State} from '../../store/schema.js';
import {findPack, isOfficialUrl, type PackSet} from '../packs/packs.js';
import {acceptanceRuns, runDir} from './runs.js';
import type {MatrixRow} from './types.js';

/** Results that say nothing about the provider: left out of the matrix. */
const NO_VERDICT = new Set(['running', 'interrupted', 'stopped']);

/** `official` when the run's URL is on one of the pack's official hosts, else `relay` (keyed by URL). */
export function endpointOf(packs: PackSet, pack: string, baseUrl: string): 'official' | 'relay' {
	const p = findPack(packs, pack);
	return p && isOfficialUrl(p, baseUrl) ? 'official' : 'relay';
}

export function matrixRows(state: State, paths: DataPaths, packs: PackSet): MatrixRow[] {
	const latest = new Map<string, ReturnType<typeof acceptanceRuns>[number]>();
	for (const run of acceptanceRuns(state)) {
		if (NO_VERDICT.has(run.result)) continue;
		const endpoint = endpointOf(packs, run.pack, run.base_url);
		const key = `${run.host_id}|${run.pack}|${endpoint === 'official' ? 'official' : run.base_url}`;
		const prev = latest.get(key);
		if (!prev || prev.started_at < run.started_at) latest.set(key, run);
	}
	return [...latest.values()]
		.map((run) => ({
			host: state.hosts.find((h) => h.host_id === run.host_id)?.name ?? run.host,
			host_id: run.host_id,
			pack: run.pack,
			endpoint: endpointOf(packs, run.pack, run.base_url),
			base_url: run.base_url,
			result: run.result,
			access_status: run.access_status,
			failure_class: run.failure_class,
			at: run.finished_at ?? run.started_at,
			evidence_dir: runDir(paths, run),
			run_id: run.run_id,
			access: run.access,
			final: run.final,
		}))
		.sort(
			(a, b) =>
				a.host.localeCompare(b.host) ||
				a.pack.localeCompare(b.pack) ||
				a.endpoint.localeCompare(b.endpoint) ||
				a.base_url.localeCompare(b.base_url),
		);
}

/** Packs with no acceptance verdict on a host yet (the human matrix names them). */
export function unvalidatedPacks(rows: MatrixRow[], hostIds: string[], packIds: string[]) {
	return hostIds.map((hostId) => ({
		host_id: hostId,
		packs: packIds.filter((p) => !rows.some((r) => r.host_id === hostId && r.pack === p)),
	}));
}
