// `crm rotate-key --batch BATCH <provider key>` and `crm keep-key --batch BATCH <provider key>`
// (docs/cli.md): the key from --key-env / --key-file / --key-stdin as for an import, never a flag value.
import {EXIT} from '../lib/errors.js';
import {flagString, sessionFor, withRun, type CommandContext} from './context.js';
import {providerKeyFromFlags} from './secret-input.js';

export async function rotateKeyCommand(ctx: CommandContext): Promise<number> {
	const key = await providerKeyFromFlags(ctx);
	const session = await sessionFor(ctx);
	const {rotateProviderKey} = await import('../app/rotate-key.js');
	const input = {batchId: flagString(ctx.flags, 'batch'), key, keepKey: ctx.flags.keepKey === true};
	const result = await withRun(ctx, (run) => rotateProviderKey(session, input, run));
	ctx.out.result(
		result,
		() =>
			`batch ${result.batch_id}: key ${result.old_fingerprint} -> ${result.new_fingerprint}; smoke ${result.access_status}${result.completion_ok ? '' : ' (completion failed)'}`,
	);
	return result.access_status.endsWith('_ready') ? EXIT.ok : EXIT.failed;
}

export async function keepKeyCommand(ctx: CommandContext): Promise<number> {
	const key = await providerKeyFromFlags(ctx);
	const session = await sessionFor(ctx);
	const {keepProviderKey} = await import('../app/keep-key.js');
	const result = await keepProviderKey(session, {batchId: flagString(ctx.flags, 'batch'), key});
	ctx.out.result(
		result,
		() =>
			`batch ${result.batch_id}: provider key ${result.key_fingerprint} kept in state.json (balance reads, direct health checks)`,
	);
	return EXIT.ok;
}
