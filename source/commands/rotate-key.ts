// `crm rotate-key --batch BATCH <provider key>` and `crm keep-key --batch BATCH <provider key>`: the
// key from --key-env / --key-file / --key-stdin as for an import, never a flag value.
import {EXIT} from '../lib/errors.js';
import {flagString, sessionFor, type CommandContext} from './context.js';
import {complianceOperator} from './host-add.js';
import {abortOnSignals} from './import.js';
import {readProviderKey, totpFromFlags} from './secret-input.js';

export async function rotateKeyCommand(ctx: CommandContext): Promise<number> {
	const key = await readProviderKey(ctx.flags, (m) => ctx.out.warn(m));
	const session = await sessionFor(ctx, 'crm', {
		totp: totpFromFlags(ctx.flags),
		acceptCompliance: complianceOperator(ctx),
	});
	const {rotateProviderKey} = await import('../app/rotate-key.js');
	const {signal, dispose} = abortOnSignals(ctx);
	try {
		const result = await rotateProviderKey(
			session,
			{
				batchId: flagString(ctx.flags, 'batch'),
				key: key.value,
				keySource: key.source.split(' ')[0] ?? '--key-env',
				keepKey: ctx.flags.keepKey === true,
			},
			{sink: () => {}, signal},
		);
		ctx.out.result(
			result,
			() =>
				`batch ${result.batch_id}: key ${result.old_fingerprint} -> ${result.new_fingerprint}; smoke ${result.access_status}${result.completion_ok ? '' : ' (completion failed)'}`,
		);
		return result.access_status.endsWith('_ready') ? EXIT.ok : EXIT.failed;
	} finally {
		dispose();
	}
}

export async function keepKeyCommand(ctx: CommandContext): Promise<number> {
	const key = await readProviderKey(ctx.flags, (m) => ctx.out.warn(m));
	const session = await sessionFor(ctx, 'crm');
	const {keepProviderKey} = await import('../app/keep-key.js');
	const result = await keepProviderKey(session, {
		batchId: flagString(ctx.flags, 'batch'),
		key: key.value,
		keySource: key.source.split(' ')[0] ?? '--key-env',
	});
	ctx.out.result(
		result,
		() =>
			`batch ${result.batch_id}: provider key ${result.key_fingerprint} kept in state.json (balance reads, direct health checks)`,
	);
	return EXIT.ok;
}
