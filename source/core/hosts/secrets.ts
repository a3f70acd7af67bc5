// The secrets a registered host's record holds (its credential and session tokens), for scrubbing
// what is shown. Kept apart from the host client so reading them loads no HTTP code.
import type {HostRecord} from '../../store/schema.js';

export function hostSecrets(host: HostRecord): string[] {
	return [
		host.credential.admin_api_key,
		host.credential.password,
		host.session?.access_token,
		host.session?.refresh_token,
	].filter((s): s is string => Boolean(s));
}
