// Built-in sandbox host: a strict, in-memory sub2api-compatible host plus fake upstream providers,
// both on 127.0.0.1 only. It enforces what docs/domain.md "The host" says a host does.
import {mergeFaults} from './faults.js';
import {mergeRateLimits} from './rate-limits.js';
import {buildRouter, closeServer, createHostServer, listen} from './server.js';
import {SandboxState} from './state.js';
import type {SandboxFaults, SandboxHandle, SandboxInfo, SandboxOptions} from './types.js';
import {
	createUpstreamServer,
	GLM_CODING_KEY,
	GLM_CODING_PATH,
	PACK_IDS,
	PACKS,
	upstreamKeys,
} from './upstreams.js';
import {CONTROL_PREFIX} from './control.js';
import {mergeUpstreamSettings} from './upstream-billing.js';

export type {
	AccountRow,
	ApiKeyRow,
	GroupRow,
	RequestLogEntry,
	SandboxFaults,
	SandboxHandle,
	SandboxInfo,
	SandboxOptions,
	SandboxProfile,
	SandboxRateLimits,
	SandboxSnapshot,
	SubscriptionRow,
	UpstreamFault,
	UpstreamLogEntry,
	UpstreamSettings,
	UserRow,
} from './types.js';
export {PACK_IDS} from './upstreams.js';

export async function startSandbox(opts: SandboxOptions = {}): Promise<SandboxHandle> {
	const profile = opts.profile ?? 'recent';
	if (!['recent', 'old', 'gated'].includes(profile))
		throw new Error(`unknown sandbox profile: ${String(profile)}`);
	const state = new SandboxState(profile, opts.adminKeyCreation === true);
	mergeFaults(
		state.faults,
		{...opts.faults, ...(opts.latencyMs === undefined ? {} : {latency_ms: opts.latencyMs})},
		PACK_IDS,
	);
	if (opts.rateLimits) mergeRateLimits(state.limiter.limits, opts.rateLimits);

	const keys = upstreamKeys();
	const upstream = createUpstreamServer(state, keys);
	const upstreamPort = await listen(upstream, opts.upstreamPort ?? 0);
	const router = buildRouter(state);
	const host = createHostServer(state, router);
	// The gateway address: the same host, a second port serving only the user-key plane, so a test
	// can make it unreachable while the admin address still answers.
	const gateway = createHostServer(state, router, 'gateway');
	let hostPort: number;
	let gatewayPort: number;
	try {
		hostPort = await listen(host, opts.port ?? 0);
		gatewayPort = await listen(gateway, opts.gatewayPort ?? 0);
	} catch (error) {
		await Promise.all([closeServer(upstream), closeServer(host)]);
		throw error;
	}
	state.hostUrl = `http://127.0.0.1:${hostPort}`;
	const upstreamBase = `http://127.0.0.1:${upstreamPort}`;

	const info: SandboxInfo = {
		host_url: state.hostUrl,
		admin_api_key: state.adminApiKey,
		admin_email: state.adminEmail,
		admin_password: state.adminPassword,
		admin_totp_code: state.totpCode,
		control_url: `${state.hostUrl}${CONTROL_PREFIX}`,
		gateway_url: `http://127.0.0.1:${gatewayPort}`,
		upstreams: Object.fromEntries(
			PACKS.map((pack) => [pack.id, {base_url: `${upstreamBase}${pack.basePath}`, api_key: keys[pack.id]!}]),
		),
		glm_coding: {base_url: `${upstreamBase}${GLM_CODING_PATH}`, api_key: keys[GLM_CODING_KEY]!},
	};

	let closing: Promise<void> | null = null;
	return {
		info,
		profile,
		setFaults(patch: Partial<SandboxFaults>) {
			mergeFaults(state.faults, patch, PACK_IDS);
		},
		setRateLimits(patch) {
			mergeRateLimits(state.limiter.limits, patch);
		},
		setUpstream(patch) {
			mergeUpstreamSettings(state.upstream, patch, PACK_IDS);
		},
		snapshot: () => state.snapshot(),
		requestLog: () => state.requestLog.map((entry) => ({...entry})),
		close() {
			closing ??= Promise.all([closeServer(host), closeServer(gateway), closeServer(upstream)]).then(
				() => undefined,
			);
			return closing;
		},
	};
}
