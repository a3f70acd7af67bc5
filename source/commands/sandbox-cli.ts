// `crm sandbox [--port N] [--profile recent|old|gated] [--latency-ms N]`.
import {invalidInput} from '../lib/errors.js';
import {flagNumber, flagString, type CommandContext} from './context.js';

const PROFILES = ['recent', 'old', 'gated'] as const;

export async function sandboxCli(ctx: CommandContext): Promise<number> {
	const profile = flagString(ctx.flags, 'profile') ?? 'recent';
	if (!(PROFILES as readonly string[]).includes(profile)) {
		throw invalidInput('--profile', `--profile must be one of ${PROFILES.join(', ')} (got "${profile}")`);
	}
	const port = flagNumber(ctx.flags, 'port');
	if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) {
		throw invalidInput('--port', '--port must be a whole number from 0 to 65535');
	}
	const latencyMs = flagNumber(ctx.flags, 'latencyMs');
	if (latencyMs !== undefined && (latencyMs < 0 || latencyMs > 60000)) {
		throw invalidInput('--latency-ms', '--latency-ms must be from 0 to 60000');
	}
	const {sandboxCommand} = await import('./sandbox.js');
	return sandboxCommand({port, profile: profile as (typeof PROFILES)[number], latencyMs});
}
