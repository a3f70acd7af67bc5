// Registered hosts: lookup by id or name, and the secret-free view every output uses.
import {CrmError} from '../../lib/errors.js';
import {shown} from '../input/validate.js';
import {gatewayUrl} from './addresses.js';
import type {HostRecord, State} from '../../store/schema.js';
import {autoPauseOf} from '../health/auto-pause-setting.js';
import {sandboxWordOf} from './sandbox-mark.js';

export function resolveHost(state: State, ref: string | undefined, field = 'host'): HostRecord {
	if (!ref)
		throw new CrmError('invalid_input', (f) => `${f} is required: a host id or name (see crm host list)`, {
			field,
		});
	const host = state.hosts.find((h) => h.host_id === ref) ?? state.hosts.find((h) => h.name === ref);
	if (!host) {
		throw new CrmError(
			'invalid_input',
			`no host ${shown(ref)} is registered; see crm host list, or crm host add`,
			{field},
		);
	}
	return host;
}

/** The shape of a host every view shows (docs/cli.md `crm host show`): never the credential or session. */
export function hostView(host: HostRecord) {
	return {
		host_id: host.host_id,
		name: host.name,
		url: host.url,
		gateway_url: gatewayUrl(host),
		allow_insecure_http: host.allow_insecure_http === true,
		version: host.version,
		auth_type: host.auth_type,
		capabilities: host.capabilities,
		prefix: host.prefix,
		user_domain: host.user_domain,
		created_at: host.created_at,
		last_probe_at: host.last_probe_at,
		auto_pause: autoPauseOf(host),
		/** `running`/`stopped` for a host the built-in sandbox registered, else null. */
		sandbox: sandboxWordOf(host),
	};
}

/** Normalised URL: scheme and host lower-cased, no trailing slash, no query or fragment. */
export function normaliseUrl(url: string): string {
	const u = new URL(url);
	u.hash = '';
	u.search = '';
	return u.toString().replace(/\/+$/, '');
}
