// Names say who made them (docs/domain.md "Naming"): the host's prefix, the pack, the batch's short id.
import type {HostRecord} from '../../store/schema.js';
import {shortId} from './batch-recorder.js';

export interface PlannedNames {
	group: string;
	account: string;
	user_email: string;
	key: string;
}

export function plannedNames(host: HostRecord, pack: string, batchId: string, attempt = 0): PlannedNames {
	const base = `${host.prefix}${pack}-${shortId(batchId)}${attempt > 0 ? `-${attempt}` : ''}`;
	return {group: base, account: base, user_email: `${base}@${host.user_domain}`, key: base};
}

/** The names a batch will use before it has an id: `<batch>` stands for its short id. */
export function namePattern(host: HostRecord, pack: string): string {
	return `${host.prefix}${pack}-<batch>`;
}

/** Whether a host-side name looks like one of ours (for spotting unmanaged residue). */
export function isOurName(host: HostRecord, name: string | null | undefined): boolean {
	return Boolean(name && name.startsWith(host.prefix));
}
