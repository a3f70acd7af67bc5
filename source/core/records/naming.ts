// Names say who made them (DOMAIN.md rule 9): the host's prefix, the pack, the batch's short id.
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

/** Whether a host-side name looks like one of ours (for spotting unmanaged residue). */
export function isOurName(host: HostRecord, name: string | null | undefined): boolean {
	return Boolean(name && name.startsWith(host.prefix));
}
