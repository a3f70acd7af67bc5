// Rotate a batch's provider key in place (docs/cli.md `crm rotate-key`): input checked without the
// network; the new key checked against the provider without the lock (refused: nothing changes);
// then the account's key updated, the smoke run again and the rotation recorded, under the lock.
import {
	checkNewKey,
	planRotation,
	rotateKey,
	type RotateRequest,
	type RotateResult,
} from '../core/rotation/rotate-key.js';
import {registerSecret} from '../lib/secrets.js';
import type {Run, Session} from './session.js';

export type {RotateRequest, RotateResult};

export async function rotateProviderKey(
	session: Session,
	input: RotateRequest,
	run: Run,
): Promise<RotateResult> {
	const store = await session.read();
	const plan = await planRotation(store.data, store, input);
	registerSecret(plan.key);
	await checkNewKey(plan, session.timing, run.signal);
	return session.withLock('rotate-key', (store) =>
		rotateKey(
			{store, plan, timing: session.timing, operator: session.operator, signal: run.signal},
			Boolean(input.keepKey),
		),
	);
}
