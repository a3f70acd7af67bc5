// `crm host add`: a side-effect-free probe, then the host is saved with its credential (0600 state).
// A wrong credential, an unreachable URL or a non-sub2api URL: exit 1, nothing saved.
import {randomBytes} from 'node:crypto';
import {CrmError, invalidInput} from '../core/errors.js';
import {hostView} from '../core/hosts.js';
import {USER_AGENT, type Operator} from '../core/host-access.js';
import {complianceMessage, probeWithOperator} from '../core/import/host-probe.js';
import {StepFailure} from '../core/steps.js';
import {validateDomain, validateName, validatePrefix, validateUrl} from '../core/validate.js';
import {HostClient} from '../host/client.js';
import {HostError} from '../host/errors.js';
import type {Capabilities} from '../host/probe.js';
import type {HostRecord} from '../store/schema.js';
import {StateStore} from '../store/state-store.js';
import {flagString, seconds, type CommandContext} from './context.js';
import {readAdminCredential, totpFromFlags} from './secret-input.js';

export function complianceOperator(ctx: CommandContext): Operator['acceptCompliance'] {
	return async (info) => {
		if (!ctx.flags.acceptCompliance) return false;
		ctx.out.note(
			`accepting the host's compliance acknowledgement as asked (--accept-compliance): "${info.phrase_en}"${info.document_url_en ? ` — ${info.document_url_en}` : ''}`,
		);
		return true;
	};
}

export async function hostAdd(ctx: CommandContext): Promise<number> {
	const name = validateName(flagString(ctx.flags, 'name'), '--name');
	const url = validateUrl(flagString(ctx.flags, 'url'), '--url');
	const credential = readAdminCredential(ctx.flags, (m) => ctx.out.warn(m));
	const prefix = validatePrefix(flagString(ctx.flags, 'prefix'), '--prefix', 'crm-');
	const userDomain = validateDomain(flagString(ctx.flags, 'userDomain'), '--user-domain', 'crm.invalid');
	const totp = totpFromFlags(ctx.flags);
	const timeoutMs = seconds(ctx.flags, 'timeoutS', 'CRM_TIMEOUT_S', 8) * 1000;
	ctx.out.secrets.push(credential.type === 'admin_api_key' ? credential.key : credential.password);

	const store = await StateStore.open(ctx.dataDir, {
		lock: {command: 'crm host add', waitMs: seconds(ctx.flags, 'lockWaitS', 'CRM_LOCK_WAIT_S', 0) * 1000},
	});
	try {
		if (store.data.hosts.some((h) => h.name === name)) {
			throw invalidInput(
				'--name',
				`a host named ${name} is already registered; choose another --name or crm host remove ${name}`,
			);
		}
		const client = new HostClient({
			baseUrl: url,
			auth: credential,
			timeoutMs,
			retries: 1,
			totp,
			userAgent: USER_AGENT,
		});
		ctx.out.note(`probing ${url} (reads only)…`);
		let caps: Capabilities;
		try {
			if (credential.type === 'login') await client.login();
			caps = await probeWithOperator(client, {totp, acceptCompliance: complianceOperator(ctx)});
		} catch (error) {
			if (error instanceof StepFailure) throw new CrmError('operation_failed', error.message);
			if (error instanceof HostError)
				throw new CrmError('host_error', `host add failed, nothing saved: ${describeHostError(error, url)}`);
			throw error;
		}
		if (caps.compliance) throw new CrmError('operation_failed', complianceMessage(caps));
		const host: HostRecord = {
			host_id: `h${randomBytes(4).toString('hex')}`,
			name,
			url,
			auth_type: credential.type,
			credential:
				credential.type === 'admin_api_key'
					? {admin_api_key: credential.key}
					: {email: credential.email, password: credential.password},
			session: client.session ? {...client.session} : null,
			version: caps.version,
			capabilities: caps as unknown as Record<string, unknown>,
			prefix,
			user_domain: userDomain,
			created_at: new Date().toISOString(),
			last_probe_at: caps.probed_at,
		};
		store.data.hosts.push(host);
		await store.write();
		const view = hostView(host);
		const out = {
			host_id: view.host_id,
			name: view.name,
			url: view.url,
			version: view.version,
			auth_type: view.auth_type,
			capabilities: view.capabilities,
		};
		ctx.out.result(out, () => {
			const flags = Object.entries(caps)
				.filter(([, v]) => typeof v === 'boolean')
				.map(([k, v]) => `${k}=${v ? 'yes' : 'no'}`);
			const warn = caps.chat_completions
				? ''
				: '\nwarning: this host has no /v1/chat/completions; imports will end as host_compatibility_gap';
			return `Registered ${name} (${host.host_id}): sub2api ${caps.version ?? 'version unknown'}\n  ${flags.join(' ')}${caps.notes.length ? `\n  notes: ${caps.notes.join('; ')}` : ''}${warn}`;
		});
		return 0;
	} finally {
		store.release();
	}
}

export function describeHostError(error: HostError, url: string): string {
	switch (error.kind) {
		case 'network':
			return `cannot reach ${url} (${error.message}); check the URL and that the host is running`;
		case 'timeout':
			return `${url} did not answer in time (${error.message}); raise --timeout-s or check the host`;
		case 'not_sub2api':
			return `${url} does not answer like a sub2api host (${error.message}); check the URL (the panel root, not /api/v1)`;
		case 'auth':
			return `the host refused the admin credential (${error.machineCode ?? error.status}: ${error.message})`;
		default:
			return error.message;
	}
}
