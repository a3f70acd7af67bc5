// `crm host add`: a side-effect-free probe, then the host is saved with its credential (0600 state).
// A wrong credential, an unreachable URL or a non-sub2api URL: exit 1, nothing saved.
import {hostView} from '../core/hosts/lookup.js';
import type {Operator} from '../core/hosts/access.js';
import {registerHost} from '../core/hosts/register.js';
import {validateDomain, validateName, validatePrefix, validateUrl} from '../core/input/validate.js';
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

	const store = await StateStore.open(ctx.dataDir, {
		lock: {command: 'crm host add', waitMs: seconds(ctx.flags, 'lockWaitS', 'CRM_LOCK_WAIT_S', 0) * 1000},
	});
	try {
		const host = await registerHost(
			store,
			{name, url, credential, prefix, userDomain},
			{
				operator: {totp, acceptCompliance: complianceOperator(ctx)},
				timeoutMs: seconds(ctx.flags, 'timeoutS', 'CRM_TIMEOUT_S', 8) * 1000,
				onProgress: (m) => ctx.out.note(`${m}…`),
			},
		);
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
			const caps = host.capabilities;
			const flags = Object.entries(caps)
				.filter(([, v]) => typeof v === 'boolean')
				.map(([k, v]) => `${k}=${v ? 'yes' : 'no'}`);
			const warn = caps.chat_completions
				? ''
				: '\nwarning: this host has no /v1/chat/completions; imports will end as host_compatibility_gap';
			return `Registered ${name} (${host.host_id}): sub2api ${host.version ?? 'version unknown'}\n  ${flags.join(' ')}${warn}`;
		});
		return 0;
	} finally {
		store.release();
	}
}
