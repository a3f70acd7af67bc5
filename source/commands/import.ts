// `crm import`: the whole import, with step lines on stderr and the result (JSON with --json).
import {EXIT, invalidInput} from '../lib/errors.js';
import {registerSecret} from '../lib/secrets.js';
import type {ImportRequest, ImportResult} from '../core/import/types.js';
import {NEXT_STEP} from '../core/pipeline/failure.js';
import {flagString, seconds, sessionFor, type CommandContext} from './context.js';
import {complianceOperator} from './host-add.js';
import {printEvent} from './print-events.js';
import {readProviderKey, totpFromFlags} from './secret-input.js';
import {paint} from './output.js';

export async function importRequestFromFlags(ctx: CommandContext): Promise<ImportRequest> {
	const key = await readProviderKey(ctx.flags, (m) => ctx.out.warn(m));
	return {
		host: flagString(ctx.flags, 'host'),
		pack: flagString(ctx.flags, 'pack'),
		url: flagString(ctx.flags, 'url'),
		key: key.value,
		keySource: key.source.split(' ')[0] ?? '--key-env',
		access: flagString(ctx.flags, 'access'),
		smokeModel: flagString(ctx.flags, 'smokeModel'),
		user: flagString(ctx.flags, 'user'),
		continueOnUpstreamFailure: ctx.flags.continueOnUpstreamFailure === true,
		force: ctx.flags.force === true,
	};
}

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

export function timingFromFlags(ctx: CommandContext) {
	return {
		requestTimeoutMs: seconds(ctx.flags, 'timeoutS', 'CRM_TIMEOUT_S', 15) * 1000,
		smokeRetryMs: seconds(ctx.flags, 'smokeRetryS', 'CRM_SMOKE_RETRY_S', 25) * 1000,
		smokeRetryIntervalMs: Number(process.env.CRM_SMOKE_RETRY_INTERVAL_MS ?? 1000),
	};
}

/** SIGINT/SIGTERM stop the run cleanly (state consistent, batch marked where it stopped). */
export function abortOnSignals(ctx: CommandContext): {signal: AbortSignal; dispose: () => void} {
	const controller = new AbortController();
	const onSignal = (sig: NodeJS.Signals) => {
		if (controller.signal.aborted) return;
		ctx.out.note(`${sig}: stopping cleanly; state will record where it stopped`);
		controller.abort();
	};
	process.on('SIGINT', onSignal);
	process.on('SIGTERM', onSignal);
	return {
		signal: controller.signal,
		dispose: () => {
			process.off('SIGINT', onSignal);
			process.off('SIGTERM', onSignal);
		},
	};
}

export async function importCommand(ctx: CommandContext): Promise<number> {
	const request = await importRequestFromFlags(ctx);
	const userPasswordEnv = flagString(ctx.flags, 'userPasswordEnv');
	const userPassword = userPasswordEnv === undefined ? null : readUserPassword(userPasswordEnv);
	const session = await sessionFor(ctx, 'crm', {
		totp: totpFromFlags(ctx.flags),
		acceptCompliance: complianceOperator(ctx),
	});
	const {importProvider} = await import('../app/import.js');
	const {signal, dispose} = abortOnSignals(ctx);
	try {
		const result = await importProvider(
			session,
			{...request, userPassword},
			{
				sink: (e) => printEvent(ctx.out, e),
				signal,
				onBatch: (id) => ctx.out.note(`batch ${id}`),
			},
		);
		ctx.out.result(result, () => humanResult(result));
		return result.batch_status === 'succeeded' ? EXIT.ok : EXIT.failed;
	} finally {
		dispose();
	}
}

export function humanResult(r: ImportResult): string {
	const lines = [
		`batch ${r.batch_id}: ${r.batch_status === 'succeeded' ? paint('green', r.batch_status) : paint('red', r.batch_status)}`,
		`  provider ${r.provider_status ?? '-'} · access ${r.access_status}${r.probe_advisory ? ' · probe advisory' : ''}`,
	];
	if (r.completion_ok)
		lines.push(
			`  completion ${r.completion_status} (${r.completion_type}) with ${r.smoke_model}: "${r.completion_preview}"`,
		);
	if (r.failure_class)
		lines.push(`  failure ${r.failure_class} at ${r.stopped_at_step}: ${NEXT_STEP[r.failure_class]}`);
	for (const res of r.resources)
		lines.push(
			`  ${res.resource_type.padEnd(12)} ${String(res.host_resource_id ?? 'pending').padEnd(8)} ${res.name}`,
		);
	lines.push(`  evidence ${r.artifacts_dir}`);
	return lines.join('\n');
}
