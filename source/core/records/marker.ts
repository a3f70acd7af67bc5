// A name is not proof (docs/domain.md, rollback): every resource the tool creates carries a marker the
// host keeps and shows back, `[crm:<batch_id>:<nonce>]`, with a random nonce per record. It goes in
// the group's description, the account's and user's notes, the key's name and the subscription's
// notes; the nonce is written to the record's snapshot before the create is sent. The bracketed form
// with the tool's batch-id pattern and a fixed-length hex nonce cannot be mistaken for operator text,
// and it reads plainly in the host's own admin UI.
import {randomBytes} from 'node:crypto';
import type {ResourceType} from '../../store/schema.js';

export interface Marker {
	nonce: string;
	/** `[crm:<batch_id>:<nonce>]` */
	text: string;
}

export interface ParsedMarker {
	batch_id: string;
	nonce: string;
}

/** The batch ids newBatchId makes: b<yyyymmdd>-<hhmmss>-<6 hex>. */
const BATCH_ID = String.raw`b\d{8}-\d{6}-[0-9a-f]{6}`;
const NONCE_HEX = 12;
const MARKER_RE = new RegExp(String.raw`\[crm:(${BATCH_ID}):([0-9a-f]{${NONCE_HEX}})\]`);

/** Longest name the host keeps (groups, accounts and keys: 100 characters). */
export const HOST_NAME_MAX = 100;

export function makeMarker(batchId: string): Marker {
	if (!new RegExp(`^${BATCH_ID}$`).test(batchId)) throw new Error(`not a batch id: ${batchId}`);
	const nonce = randomBytes(NONCE_HEX / 2).toString('hex');
	return {nonce, text: `[crm:${batchId}:${nonce}]`};
}

/** The first marker in a host-side text, or null (no text, or no marker of this tool's form). */
export function parseMarker(text: string | null | undefined): ParsedMarker | null {
	if (typeof text !== 'string') return null;
	const m = MARKER_RE.exec(text);
	return m ? {batch_id: m[1]!, nonce: m[2]!} : null;
}

/** `text` followed by the marker (the marker alone when there is no text). */
export function withMarker(text: string, marker: Marker): string {
	return text ? `${text} ${marker.text}` : marker.text;
}

/**
 * A key's name with its marker, within the host's name limit: the marker is kept whole and the
 * name before it is shortened when the two would not fit.
 */
export function markedName(name: string, marker: Marker): string {
	const room = HOST_NAME_MAX - marker.text.length - 1;
	return `${name.slice(0, Math.max(0, room))} ${marker.text}`;
}

/** Where each resource type carries its marker on the host. */
export const MARKER_FIELD: Record<ResourceType, string> = {
	group: 'description',
	account: 'notes',
	user: 'notes',
	api_key: 'name',
	subscription: 'notes',
};

/**
 * The marker a live resource shows: `undefined` when this build keeps no such field at all (the key
 * is absent from its answer), null when the field is there without a marker of ours.
 */
export function liveMarker(
	type: ResourceType,
	live: Record<string, unknown>,
): ParsedMarker | null | undefined {
	const value = live[MARKER_FIELD[type]];
	if (value === undefined) return undefined;
	return parseMarker(typeof value === 'string' ? value : null);
}

export function markerText(m: ParsedMarker | null | undefined): string | null {
	return m ? `[crm:${m.batch_id}:${m.nonce}]` : null;
}
