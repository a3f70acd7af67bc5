// Reading a raw state.json the way a test that scans for secrets needs it, whatever its schema:
// version 2 keeps the batch secrets as an object per batch, version 3 as rows under `secret_columns`.
import {readFileSync} from 'node:fs';
import path from 'node:path';
import type {State} from '../../source/store/schema.js';
import {decodeState} from '../../source/store/state-decode.js';

/** Every batch's secrets in a parsed state.json, as objects ({user_email, user_password, user_key}). */
export function rawBatchSecrets(state: any): Array<Record<string, any>> {
	const secrets = state?.batch_secrets;
	if (Array.isArray(secrets) && Array.isArray(state.secret_columns)) {
		const columns = state.secret_columns as string[];
		return secrets.map((row: unknown[]) => Object.fromEntries(columns.map((c, i) => [c, row[i]])));
	}
	return Object.values<Record<string, any>>(secrets ?? {});
}

/**
 * Changes fields of the i-th batch-index entry of a parsed state.json in place, whatever its schema
 * (version 3 keeps the index as rows under `batch_columns`).
 */
export function editBatchIndex(state: any, i: number, patch: Record<string, unknown>): void {
	const entry = state.batches[i];
	if (Array.isArray(entry) && Array.isArray(state.batch_columns)) {
		for (const [field, value] of Object.entries(patch)) {
			const column = (state.batch_columns as string[]).indexOf(field);
			if (column < 0) throw new Error(`state.json has no batch column ${field}`);
			entry[column] = value;
		}
		return;
	}
	Object.assign(entry, patch);
}

/** A data folder's state.json as crm reads it (schema 3 rows back to records), through the store's schemas. */
export function readState(dataDir: string): State {
	return decodeState(JSON.parse(readFileSync(path.join(dataDir, 'state.json'), 'utf8')));
}
