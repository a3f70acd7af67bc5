// A recorded resource against what the host shows now: every field of the record's snapshot
// (docs/domain.md, drift and rollback). Reconcile reports each change as `field: old -> new`;
// rollback deletes nothing whose identity changed (name, type, platform, exclusivity, subscription
// type, groups, base URL, owner, marker) unless the operator forces it.
import type {ResourceRecord} from '../../store/schema.js';
import type {LiveResource} from '../hosts/reads.js';
import {liveMarker, markerText} from '../records/marker.js';

export interface FieldChange {
	field: string;
	old: unknown;
	new: unknown;
}

/**
 * Fields the host itself changes in normal operation (an account's status after an upstream 401, a
 * subscription's expiry when extended), and an account's schedulable switch (auto-pause flips it,
 * an operator may): reconcile reports them, but they do not make a resource another one, so they
 * never keep it from a rollback.
 */
const HOST_MANAGED = new Set(['status', 'expires_at', 'schedulable']);

const str = (v: unknown) => (v === null || v === undefined ? null : String(v));
const sortedIds = (v: unknown) => (Array.isArray(v) ? v.map(String).sort() : []);
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const obj = (v: unknown) => (v && typeof v === 'object' ? (v as Record<string, unknown>) : {});

/** Every field of the snapshot that differs on the host (fields the snapshot lacks are not judged). */
export function fieldChanges(r: ResourceRecord, live: LiveResource): FieldChange[] {
	const s = r.snapshot;
	const out: FieldChange[] = [];
	const check = (field: string, expected: unknown, actual: unknown) => {
		if (expected !== undefined && !same(expected, actual))
			out.push({field, old: expected, new: actual ?? null});
	};
	const ids = (field: string, expected: unknown, actual: unknown) => {
		if (expected !== undefined) check(field, sortedIds(expected), sortedIds(actual));
	};
	switch (r.resource_type) {
		case 'group':
			check('name', s.name, live.name);
			check('platform', s.platform, live.platform);
			check('subscription_type', s.subscription_type, live.subscription_type);
			check('is_exclusive', s.is_exclusive, live.is_exclusive);
			check('status', s.status, live.status);
			break;
		case 'account': {
			const creds = obj(live.credentials);
			check('name', s.name, live.name);
			check('type', s.type, live.type);
			check('platform', s.platform, live.platform);
			check('status', s.status, live.status);
			ids('group_ids', s.group_ids, live.group_ids);
			check('base_url', s.base_url, creds.base_url);
			check('model_mapping', s.model_mapping, creds.model_mapping);
			check('openai_responses_mode', s.openai_responses_mode, obj(live.extra).openai_responses_mode);
			// Recorded once the tool paused or resumed the account itself (auto-pause): its own switch
			// is then in sync, and an operator's later change shows as drift.
			check('schedulable', s.schedulable, live.schedulable);
			break;
		}
		case 'user':
			check('email', s.email, live.email);
			check('status', s.status, live.status);
			ids('allowed_groups', s.allowed_groups, live.allowed_groups);
			break;
		case 'subscription':
			check('user_id', str(s.user_id), str(live.user_id));
			check('group_id', str(s.group_id), str(live.group_id));
			check('status', s.status, live.status);
			if (s.expires_at && live.expires_at && s.expires_at !== live.expires_at)
				out.push({field: 'expires_at', old: s.expires_at, new: live.expires_at});
			break;
		case 'api_key':
			check('name', s.name, live.name);
			check('user_id', str(s.user_id), str(live.user_id));
			check('group_id', str(s.group_id), str(live.group_id));
			if (live.status !== undefined && live.status !== 'active')
				out.push({field: 'status', old: 'active', new: live.status});
			break;
	}
	// A build that keeps no marker field (the key is absent from its answers) is not judged on it.
	const shown = liveMarker(r.resource_type, live);
	if (typeof s.marker === 'string' && shown !== undefined && markerText(shown) !== s.marker)
		out.push({field: 'marker', old: s.marker, new: markerText(shown)});
	return out;
}

/** The changes that make a resource no longer the one recorded (rollback keeps it unless forced). */
export function identityChanges(r: ResourceRecord, live: LiveResource): FieldChange[] {
	return fieldChanges(r, live).filter((c) => !HOST_MANAGED.has(c.field));
}

/** `field: old -> new; ...` with JSON values. */
export function describeChanges(changes: FieldChange[]): string {
	return changes.map((c) => `${c.field}: ${JSON.stringify(c.old)} -> ${JSON.stringify(c.new)}`).join('; ');
}
