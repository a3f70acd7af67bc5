// Placeholder until its issue lands: says so instead of pretending.
import {CrmError} from '../core/errors.js';
import type {CommandContext} from './context.js';

export async function evidenceCommand(_ctx: CommandContext): Promise<number> {
	throw new CrmError('operation_failed', 'crm evidence is not available in this build yet');
}
