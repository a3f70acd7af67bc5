// What the tool does to an account it created, after the import (docs/domain.md "Health"): only to
// the batch's own account record (owned, created), only while the account on the host still is what
// the tool left there (an operator's change is left alone and reported), and recorded like a create:
// `pending` in the batch file before the request, `done` or `failed` after.
import type {HostClient} from '../../host/client.js';
import {HostError} from '../../host/errors.js';
import type {BatchFile, ResourceRecord, ToolAction} from '../../store/schema.js';
import type {StateStore} from '../../store/state-store.js';
import {fieldChanges} from '../drift/compare.js';
import type {LiveResource} from '../hosts/reads.js';

/** The batch's own account: created by this tool (owned), on the host (created), with a host id. */
export function ownAccount(file: BatchFile): (ResourceRecord & {host_resource_id: string}) | null {
	const r = file.resources.find(
		(x) => x.resource_type === 'account' && x.owned && x.status === 'created' && x.host_resource_id,
	);
	return (r as (ResourceRecord & {host_resource_id: string}) | undefined) ?? null;
}

export type LiveCheck =
	| {kind: 'as_left'; live: LiveResource}
	| {kind: 'gone'}
	| {kind: 'changed'; live: LiveResource; fields: string[]};

/**
 * Reads the account back and compares it with the record: every field the tool set, and the
 * schedulable switch the tool expects. The host's own `status` (it sets `error` after an upstream
 * 401) is not the operator's doing and is not compared here.
 */
export async function liveAccount(
	client: HostClient,
	record: ResourceRecord,
	expectSchedulable: boolean,
): Promise<LiveCheck> {
	let live: LiveResource;
	try {
		live = (await client.getAccount(record.host_resource_id!)) as LiveResource;
	} catch (error) {
		if (error instanceof HostError && error.kind === 'not_found') return {kind: 'gone'};
		throw error;
	}
	const fields = fieldChanges(
		{...record, snapshot: {...record.snapshot, schedulable: expectSchedulable}},
		live,
	)
		.map((c) => c.field)
		.filter((f) => f !== 'status');
	return fields.length === 0 ? {kind: 'as_left', live} : {kind: 'changed', live, fields};
}

/** Records an action as pending in the batch file, durably, before its request is sent. */
export async function beginAction(
	store: StateStore,
	file: BatchFile,
	action: Omit<ToolAction, 'status' | 'at'>,
): Promise<ToolAction> {
	const entry: ToolAction = {...action, status: 'pending', at: new Date().toISOString()};
	file.tool_actions = [...(file.tool_actions ?? []), entry];
	await store.writeBatch(file);
	return entry;
}

export async function endAction(
	store: StateStore,
	file: BatchFile,
	entry: ToolAction,
	status: 'done' | 'failed',
	detail?: string,
): Promise<void> {
	entry.status = status;
	if (detail) entry.detail = detail;
	await store.writeBatch(file);
}

export function describeChange(id: string, fields: string[]): string {
	return `account ${id} was changed on the host (${fields.join(', ')}); left alone`;
}
