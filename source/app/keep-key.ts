// Keep a batch's provider key after the import (docs/domain.md "Secrets": only when the operator asks,
// in state.json alone): for balance reads and direct health checks. The key must be the one the batch
// imported (same fingerprint), so a wrong key is never kept against a batch.
import {CrmError} from '../lib/errors.js';
import {keyFingerprint} from '../lib/secrets.js';
import {shown, validateKey} from '../core/input/validate.js';
import {registerSecret} from '../lib/secrets.js';
import type {Session} from './session.js';

export interface KeepKeyInput {
	batchId: string | undefined;
	key: string | undefined;
}

export async function keepProviderKey(
	session: Session,
	input: KeepKeyInput,
): Promise<{batch_id: string; key_fingerprint: string; kept: true}> {
	const key = validateKey(input.key, 'key');
	registerSecret(key);
	return session.withLock('keep-key', async (store) => {
		const index = store.data.batches.find((b) => b.batch_id === input.batchId);
		if (!input.batchId || !index)
			throw new CrmError('invalid_input', `no batch ${shown(input.batchId ?? '')}; see crm batches`, {
				field: 'batch',
			});
		const fingerprint = keyFingerprint(key);
		if (fingerprint !== index.key_fingerprint)
			throw new CrmError(
				'invalid_input',
				`that key is not the one batch ${index.batch_id} imported (fingerprint ${fingerprint}, the batch has ${index.key_fingerprint})`,
				{field: 'key'},
			);
		const current = store.data.batch_secrets[index.batch_id] ?? {
			user_email: null,
			user_password: null,
			user_key: null,
		};
		store.data.batch_secrets[index.batch_id] = {...current, provider_key: key};
		await store.write();
		return {batch_id: index.batch_id, key_fingerprint: fingerprint, kept: true as const};
	});
}
