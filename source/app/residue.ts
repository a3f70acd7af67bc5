// `crm residue --host HOST [--delete --yes]` (docs/cli.md): what looks like the tool's on the host
// but belongs to no live record, with age and reason; with --delete --yes, the items whose marker
// proves the tool made them are deleted (children first) and the rest are listed untouched. Listing
// reads only (no lock; nothing is written); deleting holds the lock and keeps a record of what it did
// in DIR/residue/<time>.json.
import path from 'node:path';
import {deleteResidue, findResidue, type ResidueItem} from '../core/drift/residue.js';
import {hostClientFor} from '../core/hosts/access.js';
import {adminUrl} from '../core/hosts/addresses.js';
import {resolveHost} from '../core/hosts/lookup.js';
import {StepRunner} from '../core/pipeline/steps.js';
import {writeEvidence} from '../core/records/evidence.js';
import type {StateStore} from '../store/state-store.js';
import type {Run, Session} from './session.js';

export type {ResidueItem};

export interface ResidueResult {
	host_id: string;
	items: ResidueItem[];
	/** Where the record of a --delete run was kept (null when listing). */
	record: string | null;
}

function client(session: Session, store: StateStore, hostRef: string | undefined, run: Run, locked: boolean) {
	const host = resolveHost(store.data, hostRef);
	adminUrl(host); // a bad CRM_HOST_BASE exits 2 before anything is sent
	return {
		host,
		client: hostClientFor(host, {
			operator: session.operator,
			signal: run.signal,
			timeoutMs: session.timing.requestTimeoutMs,
			store: locked ? store : null,
		}),
	};
}

/** Lists the residue (reads only, on the host and in the data folder). */
export async function listResidue(session: Session, input: {host: string | undefined}, run: Run) {
	const store = await session.read();
	const {host, client: c} = client(session, store, input.host, run, false);
	const runner = new StepRunner(run.sink, run.signal);
	const items = await runner.run('residue', async (api) => {
		const found = await findResidue(c, host, store, api.progress);
		const deletable = found.filter((i) => i.deletable).length;
		return {
			status: found.length ? 'warn' : 'ok',
			message: found.length
				? `${found.length} item(s) look like the tool's with no live record; ${deletable} proven by their marker`
				: 'no residue',
			value: found,
		};
	});
	return {host_id: host.host_id, items, record: null} satisfies ResidueResult;
}

/** Deletes what the markers prove (children first) and lists the rest untouched. */
export async function removeResidue(session: Session, input: {host: string | undefined}, run: Run) {
	resolveHost((await session.read()).data, input.host); // bad input: exit 2 before the lock
	return session.withLock('residue --delete', async (store): Promise<ResidueResult> => {
		const {host, client: c} = client(session, store, input.host, run, true);
		const runner = new StepRunner(run.sink, run.signal);
		const items = await runner.run('residue', async (api) => {
			const found = await findResidue(c, host, store, api.progress);
			await deleteResidue(c, host, store, found, {progress: api.progress, signal: run.signal});
			const done = found.filter((i) => i.action === 'deleted' || i.action === 'deleted_with_user').length;
			const failed = found.filter((i) => i.action === 'failed').length;
			return {
				status: failed ? 'warn' : 'ok',
				message: `${done} deleted, ${found.length - done - failed} kept, ${failed} failed`,
				value: found,
			};
		});
		const at = new Date().toISOString();
		const record = await writeEvidence(
			path.join(store.paths.dir, 'residue'),
			`${at.replace(/[-:.]/g, '')}-${host.host_id}.json`,
			{host_id: host.host_id, at, items},
		);
		return {host_id: host.host_id, items, record};
	});
}
