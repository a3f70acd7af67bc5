// What the views show about state, computed once here (docs/architecture.md "Reads"): per host and
// provider status and health, batch lists, one batch in full, the validation matrix, the packs.
// Each read has two forms: over a session (reads state.json, never locks), and over a state snapshot
// the TUI already holds (the `…Of` functions), so both views show the same facts.
import {hostStatuses, batchList, liveBatches, type HostStatus, type LiveBatch} from '../core/reads/status.js';
import {resolveHost} from '../core/hosts/lookup.js';
import {NEXT_STEP} from '../core/pipeline/failure.js';
import {loadPacks, packsDir, packView, type Pack, type PackSet} from '../core/packs/packs.js';
import type {FailureClass, State} from '../store/schema.js';
import type {Session} from './session.js';

export type {HostStatus, LiveBatch, Pack, PackSet};
export type {ProviderRow, HostHealth} from '../core/reads/status.js';
export type {BatchDetail} from '../core/reads/batch.js';
export type BatchListItem = ReturnType<typeof batchList>[number];

/** What the operator should look at for a failure class (docs/domain.md "Failure classes"). */
export function nextStep(failureClass: FailureClass | string | null): string {
	return NEXT_STEP[(failureClass ?? 'unknown') as FailureClass] ?? NEXT_STEP.unknown;
}

export interface StatusInput {
	/** A host id or name; every host when left out. */
	host?: string;
}

export function statusOf(state: State, input: StatusInput = {}): HostStatus[] {
	const hostId = input.host !== undefined ? resolveHost(state, input.host).host_id : undefined;
	return hostStatuses(state, hostId);
}

export async function status(session: Session, input: StatusInput = {}): Promise<HostStatus[]> {
	return statusOf((await session.read()).data, input);
}

export interface BatchesInput {
	host?: string;
	pack?: string;
	baseUrl?: string;
}

export function batchesOf(state: State, input: BatchesInput = {}): BatchListItem[] {
	const hostId = input.host !== undefined ? resolveHost(state, input.host).host_id : undefined;
	return batchList(state, {hostId, pack: input.pack, baseUrl: input.baseUrl});
}

export async function listBatches(session: Session, input: BatchesInput = {}): Promise<BatchListItem[]> {
	return batchesOf((await session.read()).data, input);
}

/** The batches holding resources on a host, newest first, with their last reconcile. */
export function liveBatchesOf(state: State, input: {host: string}): LiveBatch[] {
	return liveBatches(state, resolveHost(state, input.host).host_id);
}

export async function showBatch(session: Session, input: {batch: string | undefined}) {
	const {batchDetail} = await import('../core/reads/batch.js');
	return batchDetail(await session.read(), input.batch);
}

/** The packs folder read afresh: the packs, and the files that failed their schema (file and field). */
export function listPacks(): PackSet & {views: Array<ReturnType<typeof packView>>; dir: string} {
	const set = loadPacks();
	return {...set, views: set.packs.map(packView), dir: packsDir()};
}
