// `crm import`: flags -> the import's input -> app importProvider; step lines on stderr and the
// result (JSON with --json). docs/cli.md `crm import`.
import type {ImportInput, ImportResult} from '../app/import.js';
import {afterImport, type NextStep} from '../app/next.js';
import {accessWord, legendText, nextStep, resourceLabel} from '../app/reads.js';
import {EXIT, invalidInput} from '../lib/errors.js';
import {registerSecret} from '../lib/secrets.js';
import {flagString, sessionFor, withRun, type CommandContext} from './context.js';
import {paint} from './output.js';
import {providerKeyFromFlags} from './secret-input.js';

/** `--user-password-env VAR`: the password of an existing --user, read from VAR (never a flag value). */
function readUserPassword(name: string): string {
	if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
		throw invalidInput(
			'--user-password-env',
			'--user-password-env takes the NAME of an environment variable',
		);
	const value = process.env[name];
	if (!value)
		throw invalidInput(
			'--user-password-env',
			`environment variable ${name} (from --user-password-env) is not set or empty`,
		);
	registerSecret(value);
	return value;
}

async function inputFromFlags(ctx: CommandContext): Promise<ImportInput> {
	const key = await providerKeyFromFlags(ctx);
	const userPasswordEnv = flagString(ctx.flags, 'userPasswordEnv');
	const userPassword = userPasswordEnv === undefined ? null : readUserPassword(userPasswordEnv);
	return {
		host: flagString(ctx.flags, 'host'),
		pack: flagString(ctx.flags, 'pack'),
		url: flagString(ctx.flags, 'url'),
		key,
		access: flagString(ctx.flags, 'access'),
		smokeModel: flagString(ctx.flags, 'smokeModel'),
		user: flagString(ctx.flags, 'user'),
		continueOnUpstreamFailure: ctx.flags.continueOnUpstreamFailure === true,
		force: ctx.flags.force === true,
		keepKey: ctx.flags.keepKey === true,
		userPassword,
	};
}

export async function importCommand(ctx: CommandContext): Promise<number> {
	const input = await inputFromFlags(ctx);
	const session = await sessionFor(ctx);
	const {importProvider} = await import('../app/import.js');
	const result = await withRun(ctx, (run) =>
		importProvider(session, input, {...run, onBatch: (id) => ctx.out.note(`batch ${id}`)}),
	);
	ctx.out.result(result, () => humanResult(result));
	return result.batch_status === 'succeeded' ? EXIT.ok : EXIT.failed;
}

/** The CLI's words for the next step after an import (the order is decided by source/app). */
export function nextCommand(step: NextStep, batchId: string, resources: number): string {
	switch (step) {
		case 'rollback':
			return `crm rollback --batch ${batchId} --yes (removes its ${resources} resource${resources === 1 ? '' : 's'}; --dry-run shows them)`;
		case 'retry':
			return 'run the same crm import again';
		case 'smoke':
			return `crm smoke --batch ${batchId}`;
		case 'reconcile':
			return `crm reconcile --batch ${batchId}`;
		case 'repair':
			return `crm repair --batch ${batchId}`;
		case 'fix_input':
			return 'fix the input named above and run again';
	}
}

export function humanResult(r: ImportResult): string {
	const lines = [
		`batch ${r.batch_id}: ${r.batch_status === 'succeeded' ? paint('green', r.batch_status) : paint('red', r.batch_status)}`,
		`  provider ${r.provider_status ?? '-'} · access ${accessWord(r.batch_status, r.access_status)}${r.probe_advisory ? ' · probe advisory' : ''}`,
	];
	if (r.completion_ok)
		lines.push(
			`  completion ${r.completion_status} (${r.completion_type}) with ${r.smoke_model}: "${r.completion_preview}"`,
		);
	if (r.gateway_used) lines.push(`  smoke through ${r.gateway_used}`);
	for (const w of r.warnings) lines.push(`  warning (${w.code}): ${w.message}`);
	if (r.failure_class)
		lines.push(`  failure ${r.failure_class} at ${r.stopped_at_step}: ${nextStep(r.failure_class)}`);
	for (const res of r.resources)
		lines.push(`  ${resourceLabel(res.resource_type, res.host_resource_id, res.name)}`);
	lines.push(`  evidence ${r.artifacts_dir}`);
	const next = afterImport({...r, resources: r.resources.length})[0];
	if (next && r.batch_status !== 'succeeded')
		lines.push(`  next: ${nextCommand(next, r.batch_id, r.resources.length)}`);
	const stopped = r.batch_status !== 'succeeded' && r.stopped_by_operator;
	lines.push(
		...legendText([
			['batch', stopped ? 'stopped' : r.batch_status],
			['access', accessWord(r.batch_status, r.access_status)],
			['provider', r.provider_status],
			['failure', r.failure_class],
		]),
	);
	return lines.join('\n');
}
