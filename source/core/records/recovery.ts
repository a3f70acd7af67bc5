// Crash recovery, run at the start of every command that holds the lock: a `running` batch whose
// process died reads `failed` with the step it died in (docs/domain.md statuses), and resources left
// `pending` (the create was sent, the answer never recorded) are resolved by their name AND marker:
// a same-named resource without the record's marker leaves it `unknown`, never confirmed.
import {hostname} from 'node:os';
import type {HostClient} from '../../host/client.js';
import {HostError} from '../../host/errors.js';
import {resourceKey, type HostRecord, type ResourceRecord} from '../../store/schema.js';
import {pidAlive} from '../../store/lock.js';
import type {StateStore} from '../../store/state-store.js';
import {BatchRecorder} from './batch-recorder.js';
import {pickCandidate} from './provenance.js';
import {byExactName} from './tracked-create.js';

/** The step that ended last (steps side by side end in any order; the file keeps pipeline order). */
function lastEnded(steps: Array<{name: string; started_at: string | null; duration_ms: number | null}>) {
	let last: (typeof steps)[number] | undefined;
	let lastEnd = -Infinity;
	for (const s of steps) {
		const end = (s.started_at ? Date.parse(s.started_at) : 0) + (s.duration_ms ?? 0);
		if (end >= lastEnd) {
			last = s;
			lastEnd = end;
		}
	}
	return last;
}

/** Marks batches of dead processes failed. Returns the ids it changed. */
export async function recoverDeadBatches(store: StateStore): Promise<string[]> {
	const changed: string[] = [];
	for (const b of store.data.batches) {
		if (b.batch_status !== 'running') continue;
		if (b.pid !== null && (b.pid === process.pid || pidAlive(b.pid))) continue;
		const file = await store.readBatchIfPresent(b.batch_id);
		// Steps side by side can both read running (an ended step's record rides with the next write):
		// the furthest one in the pipeline is where the run was.
		const running = file?.steps.filter((s) => s.status === 'running').at(-1);
		b.batch_status = 'failed';
		// No step recorded yet: it died between creating the batch and recording preflight.
		b.stopped_at_step = running?.name ?? lastEnded(file?.steps ?? [])?.name ?? 'preflight';
		b.failure_class = b.failure_class ?? 'unknown';
		b.pid = null;
		// The batch file is the truth: a kill between its write and the index write leaves the flag stale.
		b.pending = Boolean(file?.resources.some((r) => r.status === 'pending'));
		b.resource_count = file?.resources.filter((r) => r.status !== 'failed').length ?? b.resource_count;
		b.provider_status = b.resource_count > 0 ? 'broken' : null;
		b.access_status = b.resource_count > 0 ? 'broken' : 'pending';
		b.updated_at = new Date().toISOString();
		if (file) {
			for (const r of file.resources) {
				if (r.host_resource_id)
					store.resources.set(resourceKey(b.host_id, r.resource_type, r.host_resource_id), b.batch_id);
			}
			for (const s of file.steps) {
				if (s.status === 'running') {
					s.status = 'fail';
					s.message = `the process (on ${hostname()}) died during this step`;
				}
			}
			file.summary = {...(file.summary ?? {}), died_at_step: b.stopped_at_step};
			await store.writeBatch(file);
		}
		changed.push(b.batch_id);
	}
	if (changed.length > 0) await store.write();
	return changed;
}

type Found = Record<string, unknown> & {id: string | number};

/** The host's resources of the record's name (for a subscription: of its user and group). */
async function findPending(
	client: HostClient,
	r: ResourceRecord,
	resources: ResourceRecord[],
): Promise<Found[]> {
	const idOf = (type: string) =>
		resources.find((x) => x.resource_type === type && x.host_resource_id)?.host_resource_id;
	switch (r.resource_type) {
		case 'group':
			return byExactName((await client.listGroups({search: r.name, page_size: 100})).items, r.name);
		case 'account':
			return byExactName((await client.listAccounts({search: r.name, page_size: 100})).items, r.name);
		case 'user':
			return byExactName((await client.listUsers({search: r.name, page_size: 100})).items, r.name);
		case 'subscription': {
			const userId = Number(r.snapshot.user_id ?? idOf('user'));
			const groupId = Number(r.snapshot.group_id ?? idOf('group'));
			if (!userId || !groupId) return [];
			const subs = await client.listSubscriptions({user_id: userId, group_id: groupId, page_size: 100});
			return subs.items.filter((s) => Number(s.user_id) === userId && Number(s.group_id) === groupId);
		}
		case 'api_key': {
			const userId = r.snapshot.user_id ?? idOf('user');
			if (!userId) return [];
			return byExactName((await client.userApiKeys(String(userId), {page_size: 100})).items, r.name);
		}
	}
}

/**
 * Resolves the host's pending records: confirmed by name and marker, `unknown` when only the name
 * matches, failed when nothing of that name exists. Unresolvable ones (lookups failing) stay pending.
 */
export async function resolvePending(
	store: StateStore,
	host: HostRecord,
	client: HostClient,
): Promise<number> {
	let resolved = 0;
	for (const b of store.data.batches) {
		if (b.host_id !== host.host_id || !b.pending || b.batch_status === 'running') continue;
		const file = await store.readBatch(b.batch_id);
		if (!file?.resources.some((r) => r.status === 'pending')) continue;
		const recorder = await BatchRecorder.open(store, b.batch_id);
		// Parents first, so children can find their user/group ids.
		const order = ['group', 'account', 'user', 'subscription', 'api_key'];
		const pending = recorder.file.resources
			.filter((r) => r.status === 'pending')
			.sort((x, y) => order.indexOf(x.resource_type) - order.indexOf(y.resource_type));
		let stop = false;
		for (const r of pending) {
			try {
				const found = await findPending(client, r, recorder.file.resources);
				const {proven, other} = pickCandidate(r, found, b.batch_id);
				if (proven) await recorder.confirm(r, proven.id);
				else if (other) await recorder.unknown(r, other.id);
				else await recorder.failed(r);
				resolved += 1;
			} catch (error) {
				// The host could not answer: leave it pending for the next run. When it does not answer
				// at all, stop asking (each further lookup would wait a full timeout).
				if (error instanceof HostError && (error.kind === 'timeout' || error.kind === 'network')) {
					stop = true;
					break;
				}
			}
		}
		// The recorder holds its changes back for the next durable write: what the caller reads next
		// from the batch file (reconcile, rollback) must already say how the records were resolved.
		await recorder.flushBatch();
		if (stop) return resolved;
	}
	return resolved;
}

/**
 * Looks again at a batch's `unknown` records: one whose marker now shows is confirmed; one with
 * nothing of its name left on the host is `gone` (nothing there can be this batch's); the rest stay
 * unknown with their current candidate. Lookups that fail leave the record as it was.
 */
export async function recheckUnknown(client: HostClient, recorder: BatchRecorder): Promise<void> {
	for (const r of recorder.file.resources.filter((x) => x.status === 'unknown')) {
		let found: Found[];
		try {
			found = await findPending(client, r, recorder.file.resources);
		} catch {
			continue;
		}
		const {proven, other} = pickCandidate(r, found, recorder.batchId);
		if (proven) {
			r.candidate_id = null;
			await recorder.confirm(r, proven.id);
		} else if (other) {
			if (r.candidate_id !== String(other.id)) await recorder.unknown(r, other.id);
		} else {
			r.status = 'gone';
			r.candidate_id = null;
			r.deleted_at = new Date().toISOString();
			r.deleted_by = 'nothing of its name is on the host any more (it was unknown)';
		}
	}
	await recorder.flushBatch(); // confirmations ride with the next durable write: this is it
}
