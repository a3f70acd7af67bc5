// Builds the host client for a registered host: its stored credential, its cached session (persisted
// back when it changes) and the operator hooks for the prompts a host may need (TOTP, compliance).
import {HostClient} from '../../host/client.js';
import type {ComplianceInfo} from '../../host/probe.js';
import {reportRateWait} from '../pipeline/steps.js';
import type {HostRecord} from '../../store/schema.js';
import type {StateStore} from '../../store/state-store.js';
import {adminUrl} from './addresses.js';

export interface Operator {
	/** A TOTP code for a 2FA login or a step-up; undefined when the operator gave none. */
	totp?: () => Promise<string>;
	/** Asked when the host's compliance gate is up: true only when the operator accepts. */
	acceptCompliance?: (info: ComplianceInfo) => Promise<boolean>;
}

export interface ClientOptions {
	operator?: Operator;
	signal?: AbortSignal;
	timeoutMs?: number;
	retries?: number;
	/** The store to persist refreshed sessions into (only when it holds the lock). */
	store?: StateStore | null;
}

export const USER_AGENT = 'sub2api-cn-relay-manager/0.1';

export function hostClientFor(host: HostRecord, options: ClientOptions = {}): HostClient {
	const auth =
		host.auth_type === 'admin_api_key'
			? {type: 'admin_api_key' as const, key: host.credential.admin_api_key ?? ''}
			: {
					type: 'login' as const,
					email: host.credential.email ?? '',
					password: host.credential.password ?? '',
				};
	return new HostClient({
		baseUrl: adminUrl(host),
		auth,
		session: host.session,
		timeoutMs: options.timeoutMs,
		retries: options.retries,
		signal: options.signal,
		userAgent: host.session?.user_agent ?? USER_AGENT,
		totp: options.operator?.totp,
		// A wait for the host's rate limits shows as progress of the step that made the call.
		onRateWait: reportRateWait,
		onSession: (session) => {
			host.session = session ? {...session} : null;
			if (options.store?.locked) void options.store.write();
		},
	});
}
