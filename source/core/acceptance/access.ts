// Which access modes an acceptance run proves: self_service, subscription, or both (the default,
// so a run can prove fully_ready). docs/domain.md "Access modes".
import {invalidInput} from '../../lib/errors.js';
import type {AccessMode} from '../packs/packs.js';
import {ACCEPT_ACCESS, type AcceptAccess} from './types.js';

/** `access`: self_service, subscription or both (the default: an acceptance proves both). */
export function validateAcceptAccess(raw: string | undefined, field = 'access'): AcceptAccess {
	if (raw === undefined || raw === '') return 'both';
	if (!(ACCEPT_ACCESS as readonly string[]).includes(raw))
		throw invalidInput(
			field,
			(f) => `${f} must be one of ${ACCEPT_ACCESS.join(', ')} (got "${raw.slice(0, 40)}")`,
		);
	return raw as AcceptAccess;
}

/** The modes a run imports, in order: subscription first when both are asked. */
export function modesFor(access: AcceptAccess): AccessMode[] {
	return access === 'both' ? ['subscription', 'self_service'] : [access];
}
