// What the views show about state, computed once here (docs/architecture.md "Reads"): per host and
// provider status and health, batch lists, one batch in full, the validation matrix, the packs.
// Each read has two forms: over a session (reads state.json, never locks), and over a state snapshot
// the TUI already holds (the `…Of` functions), so both views show the same facts.
import {
	batchList,
	hostStatuses,
	liveBatches,
	providerRows,
	type HostStatus,
	type LiveBatch,
	type ProviderRow,
} from '../core/reads/status.js';
import type {BatchDetail} from '../core/reads/batch.js';
import type {StateStore} from '../store/state-store.js';
import {resolveHost} from '../core/hosts/lookup.js';
import {NEXT_STEP} from '../core/pipeline/next-step.js';
import type {Pack, PackSet, packView} from '../core/packs/packs.js';
import type {FailureClass, State} from '../store/schema.js';
import type {Session} from './session.js';

export type {HostStatus, LiveBatch, Pack, PackSet};
export {providerAccessWord} from '../core/reads/status.js';
export {
	accessWord,
	amount,
	explain,
	hostId,
	legend,
	legendText,
	MARK,
	resourceLabel,
	resultKind,
	wordsOf,
	type WordKind,
	type WordLine,
} from '../core/reads/words.js';
export type {HostHealth} from '../core/reads/status.js';
export type {BatchDetail, ProviderRow};
export type BatchListItem = ReturnType<typeof batchList>[number];

/** What the operator should look at for a failure class (docs/domain.md "Failure classes"). */
export function nextStep(failureClass: FailureClass | string | null): string {
	return NEXT_STEP[(failureClass ?? 'unknown') as FailureClass] ?? NEXT_STEP.unknown;
}

export interface StatusInput {
	/** A host id or name; every host when left out. */
	host?: string;
}

/**
 * The rows of one state snapshot, computed once per snapshot and host: the TUI's Home and Status
 * screens draw the same snapshot (at 10,000 batches the rows take tens of ms). A snapshot is never
 * changed once read (views hold read-only copies; operations read their own).
 */
const statusRows = new WeakMap<State, Map<string, HostStatus[]>>();

export function statusOf(state: State, input: StatusInput = {}): HostStatus[] {
	const hostId = input.host !== undefined ? resolveHost(state, input.host).host_id : undefined;
	let kept = statusRows.get(state);
	if (!kept) statusRows.set(state, (kept = new Map()));
	let rows = kept.get(hostId ?? '');
	if (!rows) kept.set(hostId ?? '', (rows = hostStatuses(state, hostId)));
	return rows;
}

export async function status(session: Session, input: StatusInput = {}): Promise<HostStatus[]> {
	return statusOf((await session.read()).data, input);
}

/** `crm status --json`'s document (the service answers the same): per host, its providers. */
export function statusDocument(state: State, input: StatusInput = {}) {
	return {
		hosts: statusOf(state, input).map((h) => ({
			host_id: h.host_id,
			name: h.name,
			url: h.url,
			gateway_url: h.gateway_url,
			version: h.version,
			providers: h.providers,
		})),
	};
}

/** Every provider on every host (host, pack, base URL), with its latest batch and status. */
export function providersOf(state: State): ProviderRow[] {
	return providerRows(state);
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

/** Host id -> name, for views that list ids of several hosts (a host no longer registered keeps its id). */
export async function hostNames(session: Session): Promise<Map<string, string>> {
	return new Map((await session.read()).data.hosts.map((h) => [h.host_id, h.name]));
}

export async function showBatch(session: Session, input: {batch: string | undefined}): Promise<BatchDetail> {
	const {batchDetail} = await import('../core/reads/batch.js');
	return batchDetail(await session.read(), input.batch);
}

/** `crm batch show --json`'s document (the service answers the same): the batch with its file. */
export function batchDocument(detail: BatchDetail) {
	const {
		file_present: _file,
		evidence_files: _evidence,
		smoke_model: _model,
		holds_resources: _holds,
		smoke_again_applies: _again,
		...doc
	} = detail;
	return doc;
}

/** The document of one batch of a state already read; null when there is no such batch. */
export async function batchDocumentOf(store: StateStore, batchId: string) {
	if (!store.data.batches.some((b) => b.batch_id === batchId)) return null;
	const {batchDetail} = await import('../core/reads/batch.js');
	return batchDocument(await batchDetail(store, batchId));
}

/** The packs folder read afresh: the packs, and the files that failed their schema (file and field). */
export async function listPacks(): Promise<
	PackSet & {views: Array<ReturnType<typeof packView>>; dir: string}
> {
	// Loaded here, not with this module: the status reads never load the packs or zod.
	const {loadPacks, packsDir, packView} = await import('../core/packs/packs.js');
	const set = loadPacks();
	return {...set, views: set.packs.map(packView), dir: packsDir()};
}
