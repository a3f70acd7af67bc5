// Whether a host resource found by name is the one a record describes (docs/domain.md, rollback: a
// name is not proof). Only its marker proves it: the record's nonce and batch id in the field the
// host keeps. Where a build keeps no such field (the key is absent from its answers), the name's
// short batch id plus a `created_at` no earlier than the record's own write stand in for it.
import type {ResourceRecord} from '../../store/schema.js';
import {shortId} from './batch-recorder.js';
import {liveMarker, markerText, type Marker} from './marker.js';

export type Proof = {proven: true; by: 'marker' | 'created_at'} | {proven: false; why: string};

/** The snapshot fields that carry a record's marker (written before the create is sent). */
export function markerSnapshot(marker: Marker): {marker: string; nonce: string} {
	return {marker: marker.text, nonce: marker.nonce};
}

export function proveOurs(record: ResourceRecord, live: Record<string, unknown>, batchId: string): Proof {
	const nonce = typeof record.snapshot.nonce === 'string' ? record.snapshot.nonce : null;
	const shown = liveMarker(record.resource_type, live);
	if (shown === undefined || nonce === null) return byCreatedAt(record, live, batchId);
	if (shown === null) return {proven: false, why: 'it carries no marker of this tool'};
	if (shown.nonce === nonce && shown.batch_id === batchId) return {proven: true, by: 'marker'};
	return {proven: false, why: `it carries another record's marker ${markerText(shown)}`};
}

function byCreatedAt(record: ResourceRecord, live: Record<string, unknown>, batchId: string): Proof {
	const name = live.name ?? live.email;
	if (record.resource_type !== 'subscription' && !String(name ?? '').includes(shortId(batchId)))
		return {proven: false, why: "its name lacks the batch's short id"};
	const made = typeof live.created_at === 'string' ? Date.parse(live.created_at) : NaN;
	if (!Number.isFinite(made)) return {proven: false, why: 'the host shows neither a marker nor created_at'};
	if (made < Date.parse(record.created_at))
		return {proven: false, why: `it was created (${String(live.created_at)}) before this record was written`};
	return {proven: true, by: 'created_at'};
}

/** The first candidate proven to be the record's, else the first one (which makes it `unknown`). */
export function pickCandidate<T extends Record<string, unknown>>(
	record: ResourceRecord,
	candidates: T[],
	batchId: string,
): {proven: T | null; other: T | null; why: string | null} {
	let why: string | null = null;
	for (const c of candidates) {
		const proof = proveOurs(record, c, batchId);
		if (proof.proven) return {proven: c, other: null, why: null};
		why ??= proof.why;
	}
	return {proven: null, other: candidates[0] ?? null, why};
}
