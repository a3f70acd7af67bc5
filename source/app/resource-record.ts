// One recorded resource in full (the TUI opens it from a batch's resources and from a rollback's
// plan): the record its batch file holds, status, ownership, times and the snapshot taken when it
// was created (docs/domain.md "Resources"), as `crm batch show --json` prints it. Batch files hold
// no secret; the views draw it through their redaction anyway.
import type {ResourceRecord, ResourceType} from '../store/schema.js';
import {resourceLabel} from '../core/reads/words.js';
import type {Session} from './session.js';

export interface ResourceRecordView {
	batch_id: string;
	/** `group #1 crm-deepseek-4483c2` */
	label: string;
	/** The record as indented JSON, one line each. */
	lines: string[];
}

export interface ResourceRef {
	resource_type: ResourceType;
	host_resource_id: string | null;
	name: string;
}

/** A record of a batch already read (its file's `resources`) in full. */
export function recordView(batchId: string, record: ResourceRecord): ResourceRecordView {
	return {
		batch_id: batchId,
		label: resourceLabel(record.resource_type, record.host_resource_id, record.name),
		lines: JSON.stringify(record, null, 2).split('\n'),
	};
}

/** The record of `ref` in batch `batch`'s file (a rollback plan's line names it so); null when gone. */
export async function resourceRecord(
	session: Session,
	input: {batch: string} & ResourceRef,
): Promise<ResourceRecordView | null> {
	const store = await session.read();
	const file = await store.readBatch(input.batch);
	const record = file.resources.find(
		(r) =>
			r.resource_type === input.resource_type &&
			r.host_resource_id === input.host_resource_id &&
			r.name === input.name,
	);
	return record ? recordView(input.batch, record) : null;
}
