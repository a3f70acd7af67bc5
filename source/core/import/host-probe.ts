// host_probe: the side-effect-free capability probe, and the operator decisions it may need
// (compliance acknowledgement, TOTP). An old host without chat completions ends the import here.
import {HostError} from '../../host/errors.js';
import {probeHost, type Capabilities, type ProbeOptions} from '../../host/probe.js';
import type {HostClient} from '../../host/client.js';
import {classFromHostError} from '../pipeline/failure.js';
import type {Operator} from '../hosts/access.js';
import {StepFailure, type StepApi, type StepResult} from '../pipeline/steps.js';
import type {HostRecord} from '../../store/schema.js';

export function complianceMessage(caps: Capabilities): string {
	const info = caps.compliance_info;
	return [
		'the host requires the administrator compliance acknowledgement before any admin call',
		info?.phrase_en ? `phrase: "${info.phrase_en}"` : null,
		info?.document_url_en ? `document: ${info.document_url_en}` : null,
		'read it, then accept with --accept-compliance (CLI) or in the TUI',
	]
		.filter(Boolean)
		.join('; ');
}

export async function probeWithOperator(
	client: HostClient,
	operator: Operator,
	options: ProbeOptions = {},
): Promise<Capabilities> {
	let caps = await probeHost(client, options);
	if (caps.compliance) {
		const accepted =
			operator.acceptCompliance && caps.compliance_info
				? await operator.acceptCompliance(caps.compliance_info)
				: false;
		if (!accepted) throw new StepFailure('host_auth_issue', complianceMessage(caps), caps);
		await client.acceptCompliance(caps.compliance_info?.phrase_en ?? '', 'en');
		caps = await probeHost(client, options);
	}
	return caps;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** A probe of this host within a day found chat completions: no need to send an invalid key again. */
export function recentlyKnownChat(host: HostRecord): true | undefined {
	const at = host.last_probe_at ? Date.parse(host.last_probe_at) : NaN;
	return host.capabilities.chat_completions === true && Date.now() - at < DAY_MS ? true : undefined;
}

export async function hostProbeStep(
	host: HostRecord,
	client: HostClient,
	operator: Operator,
	api: StepApi,
	/** The plan's group-name search, sent as the probe's admin read (probe.ts). */
	search: Pick<ProbeOptions, 'groupSearch' | 'onGroups'> = {},
): Promise<StepResult<Capabilities>> {
	api.progress(`probing ${host.url}`);
	let caps: Capabilities;
	try {
		caps = await probeWithOperator(client, operator, {
			chatCompletionsKnown: recentlyKnownChat(host),
			...search,
		});
	} catch (error) {
		if (error instanceof HostError)
			throw new StepFailure(classFromHostError(error.kind), `host probe: ${error.message}`);
		throw error;
	}
	host.capabilities = caps as unknown as Record<string, unknown>;
	host.version = caps.version;
	host.last_probe_at = caps.probed_at;
	if (!caps.chat_completions) {
		throw new StepFailure(
			'host_compatibility_gap',
			`host ${host.name} (version ${caps.version ?? 'unknown'}) has no /v1/chat/completions route, so no completion can prove access; nothing was created`,
			caps,
		);
	}
	if (caps.step_up_writes && host.auth_type === 'admin_api_key') {
		throw new StepFailure(
			'host_auth_issue',
			'this host requires a two-factor verified admin session for account and user writes, which an admin API key cannot have; re-register it with --email/--password-env/--totp-env',
			caps,
		);
	}
	if (caps.step_up_writes && !operator.totp) {
		throw new StepFailure(
			'host_auth_issue',
			'this host requires a TOTP step-up for account and user writes; pass --totp-env VAR',
			caps,
		);
	}
	// Notes that change what the import can do are shown; the rest stay in the evidence.
	const relevant = caps.notes.filter((n) => !/cannot be probed without a write/.test(n));
	const notes = relevant.length > 0 ? ` (${relevant.join('; ')})` : '';
	return {
		status: 'ok',
		message: `sub2api ${caps.version ?? '(version unknown)'}, chat completions present${caps.step_up_writes ? ', step-up on writes' : ''}${notes}`,
		value: caps,
		evidence: caps,
	};
}
