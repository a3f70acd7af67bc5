// Registering a host: probe it (reads only; login first when the credential is a login), then save it
// with its credential and capabilities. Used by `crm host add` and the TUI's Hosts screen.
import {randomBytes} from 'node:crypto';
import {HostClient} from '../../host/client.js';
import {HostError} from '../../host/errors.js';
import type {Capabilities} from '../../host/probe.js';
import type {HostRecord} from '../../store/schema.js';
import type {StateStore} from '../../store/state-store.js';
import {CrmError, invalidInput} from '../../lib/errors.js';
import {USER_AGENT, type Operator} from './access.js';
import {adminUrl, checkHostAddress} from './addresses.js';
import {complianceMessage, probeWithOperator} from '../import/host-probe.js';
import {StepFailure} from '../pipeline/steps.js';
import {DEFAULT_TIMING} from '../pipeline/timing.js';

export type AdminCredential =
	{type: 'admin_api_key'; key: string} | {type: 'login'; email: string; password: string};

export interface RegisterInput {
	name: string;
	/** The admin address. */
	url: string;
	credential: AdminCredential;
	prefix?: string;
	userDomain?: string;
	/** The gateway address users call; absent: the admin address (docs/domain.md rule 13). */
	gatewayUrl?: string | null;
	/** Allow cleartext http:// to this host's non-loopback addresses. */
	allowInsecureHttp?: boolean;
	/** The built-in sandbox of this process registers it (sandbox-mark.ts). */
	sandbox?: HostRecord['built_in_sandbox'];
}

/** Checks both addresses before anything is sent (exit 2 naming the field). */
export function checkRegisterInput(input: RegisterInput): RegisterInput {
	const allow = input.allowInsecureHttp === true;
	const url = checkHostAddress(input.url, 'url', allow);
	const gateway =
		input.gatewayUrl === undefined || input.gatewayUrl === null
			? null
			: checkHostAddress(input.gatewayUrl, 'gateway_url', allow);
	return {...input, url, gatewayUrl: gateway === url ? null : gateway};
}

export interface RegisterOptions {
	operator: Operator;
	timeoutMs?: number;
	signal?: AbortSignal;
	onProgress?: (message: string) => void;
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

/** Probes with the given credential; throws CrmError (exit 1) on any failure, having saved nothing. */
export async function probeNewHost(
	input: RegisterInput,
	options: RegisterOptions,
): Promise<{caps: Capabilities; client: HostClient}> {
	const client = new HostClient({
		baseUrl: input.url,
		auth: input.credential,
		timeoutMs: options.timeoutMs ?? DEFAULT_TIMING.probeTimeoutMs,
		retries: 1,
		totp: options.operator.totp,
		userAgent: USER_AGENT,
		signal: options.signal,
	});
	options.onProgress?.(`probing ${input.url} (reads only)`);
	try {
		if (input.credential.type === 'login') await client.login();
		const caps = await probeWithOperator(client, options.operator);
		if (caps.compliance) throw new CrmError('operation_failed', complianceMessage(caps));
		return {caps, client};
	} catch (error) {
		if (error instanceof StepFailure) throw new CrmError('operation_failed', error.message);
		if (error instanceof HostError)
			throw new CrmError('host_error', `nothing saved: ${describeHostError(error, input.url)}`);
		throw error;
	}
}

export async function registerHost(
	store: StateStore,
	input: RegisterInput,
	options: RegisterOptions,
): Promise<HostRecord> {
	if (store.data.hosts.some((h) => h.name === input.name)) {
		throw invalidInput(
			'name',
			`a host named ${input.name} is already registered; choose another name or remove it first`,
		);
	}
	input = checkRegisterInput(input);
	const {caps, client} = await probeNewHost(input, options);
	const host: HostRecord = {
		host_id: `h${randomBytes(4).toString('hex')}`,
		name: input.name,
		url: input.url,
		auth_type: input.credential.type,
		credential:
			input.credential.type === 'admin_api_key'
				? {admin_api_key: input.credential.key}
				: {email: input.credential.email, password: input.credential.password},
		session: client.session ? {...client.session} : null,
		version: caps.version,
		capabilities: caps as unknown as Record<string, unknown>,
		prefix: input.prefix ?? 'crm-',
		user_domain: input.userDomain ?? 'crm.invalid',
		created_at: new Date().toISOString(),
		last_probe_at: caps.probed_at,
		gateway_url: input.gatewayUrl ?? null,
		allow_insecure_http: input.allowInsecureHttp === true,
		...(input.sandbox ? {built_in_sandbox: input.sandbox} : {}),
	};
	store.data.hosts.push(host);
	await store.write();
	return host;
}

/** Re-probes a registered host and stores the fresh capabilities. */
export async function reprobeHost(
	store: StateStore,
	host: HostRecord,
	options: RegisterOptions,
): Promise<Capabilities> {
	const credential: AdminCredential =
		host.auth_type === 'admin_api_key'
			? {type: 'admin_api_key', key: host.credential.admin_api_key ?? ''}
			: {type: 'login', email: host.credential.email ?? '', password: host.credential.password ?? ''};
	const {caps, client} = await probeNewHost({name: host.name, url: adminUrl(host), credential}, options);
	host.capabilities = caps as unknown as Record<string, unknown>;
	host.version = caps.version;
	host.last_probe_at = caps.probed_at;
	if (client.session) host.session = {...client.session};
	await store.write();
	return caps;
}
