// A host's two addresses (docs/domain.md rule 13): the admin address, where this tool reaches the
// admin API (often a tunnel from the jump host; CRM_HOST_BASE overrides it for one run), and the
// gateway address users call (default: the admin address), which the smoke goes through. Cleartext
// http:// is accepted only for loopback addresses unless the operator allowed it for that host.
import {isIP} from 'node:net';
import {invalidInput} from '../../lib/errors.js';
import {validateUrl} from '../input/validate.js';
import type {HostRecord} from '../../store/schema.js';

/** The env variable that overrides a host's admin address for one run (the seed's name). */
export const HOST_BASE_ENV = 'CRM_HOST_BASE';

/** localhost, 127.0.0.0/8 and ::1: the only places cleartext never leaves this machine. */
export function isLoopbackHostname(hostname: string): boolean {
	const h = hostname.toLowerCase().replace(/^\[|\]$/g, '');
	if (h === 'localhost' || h.endsWith('.localhost')) return true;
	if (isIP(h) === 4) return h.startsWith('127.');
	if (isIP(h) === 6) return h === '::1' || h === '0:0:0:0:0:0:0:1';
	return false;
}

/** Whether this URL would send an admin credential or a user key in cleartext off this machine. */
export function isInsecureUrl(url: string): boolean {
	const u = new URL(url);
	return u.protocol === 'http:' && !isLoopbackHostname(u.hostname);
}

/**
 * A host address from the operator: a valid http(s) URL, and https unless it is loopback or the
 * operator allows cleartext for this host (exit 2 naming the field; nothing is sent).
 */
export function checkHostAddress(raw: string | undefined, field: string, allowInsecure: boolean): string {
	const url = validateUrl(raw, field);
	if (isInsecureUrl(url) && !allowInsecure) {
		throw invalidInput(
			field,
			(f) =>
				`${f} ${url} is cleartext http:// to an address that is not this machine: admin credentials and user keys would cross the network unencrypted. Use https://, or allow cleartext for this host (--allow-insecure-http)`,
		);
	}
	return url;
}

/** The admin address for this run: CRM_HOST_BASE when set, else the registered one. */
export function adminUrl(host: HostRecord, env: NodeJS.ProcessEnv = process.env): string {
	const override = env[HOST_BASE_ENV];
	const allow = host.allow_insecure_http === true;
	if (override !== undefined && override !== '') return checkHostAddress(override, HOST_BASE_ENV, allow);
	// A host registered before the cleartext rule: refused until the operator allows it.
	if (!allow && isInsecureUrl(host.url))
		throw invalidInput(
			'host',
			`host ${host.name}'s admin address ${host.url} is cleartext http:// to an address that is not this machine; re-register it with https://, or allow it: crm host set ${host.name} --allow-insecure-http`,
		);
	return host.url;
}

/** The gateway address users call (the smoke goes through it): the registered one, else the admin address. */
export function gatewayUrl(host: HostRecord): string {
	return host.gateway_url ?? host.url;
}

/** Both addresses as outputs show them (never the credential). */
export function addressView(host: HostRecord, env: NodeJS.ProcessEnv = process.env) {
	const override = env[HOST_BASE_ENV];
	return {
		url: host.url,
		gateway_url: gatewayUrl(host),
		allow_insecure_http: host.allow_insecure_http === true,
		/** CRM_HOST_BASE, when it overrides the admin address for this run. */
		admin_url_override: override ? override : null,
	};
}
