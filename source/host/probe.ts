// Side-effect-free capability probe (docs/domain.md "The host"). Reads only; never a create.
import {HostError} from './errors.js';
import type {HostClient} from './client.js';
import {pageSchema, HostGroupSchema, HostUserSchema} from './schemas.js';
import {errorOf, isOk, unwrap} from './transport.js';

export const PROBE_INVALID_KEY = 'sk-crm-probe-invalid';

export interface ComplianceInfo {
	version: string | null;
	phrase_en: string | null;
	phrase_zh: string | null;
	document_url_en: string | null;
	document_url_zh: string | null;
}

export interface Capabilities {
	version: string | null;
	chat_completions: boolean;
	/** The 423 compliance gate is active for this admin. */
	compliance: boolean;
	compliance_info: ComplianceInfo | null;
	step_up_writes: boolean;
	turnstile: boolean;
	backend_mode: boolean;
	/** Cannot be probed without a write: always false, with a note. */
	admin_key_creation: boolean;
	/** Public settings say `sandbox: true`. */
	sandbox: boolean;
	/** Login auth: whether the login returned a refresh token; admin key: null (unknown). */
	refresh: boolean | null;
	probed_at: string;
	notes: string[];
}

/**
 * Throws HostError for an unreachable host (network/timeout), a URL that is not sub2api (not_sub2api),
 * a bad credential (auth) or a rate limit. A compliance gate (423) is reported, not thrown.
 */
export interface ProbeOptions {
	/**
	 * Skip the invalid-key chat-completions probe and take this answer (a recent probe of this host
	 * already knew). Invalid-key probes stay rare: hosts track invalid auth (docs/domain.md "The host").
	 */
	chatCompletionsKnown?: boolean;
	/**
	 * Make the admin read a search for this group name (the import's plan checks that its name is
	 * free): the same request checks the credential and the compliance gate and answers the plan,
	 * so the plan waits for no request of its own.
	 */
	groupSearch?: string;
	/** The groups the search found (called once the answer is known to be a sub2api page). */
	onGroups?: (groups: Array<{id: number | string; name: string}>) => void;
}

export async function probeHost(client: HostClient, options: ProbeOptions = {}): Promise<Capabilities> {
	const notes: string[] = [];
	await client.health().catch((error: unknown) => {
		if (error instanceof HostError && (error.kind === 'not_found' || error.kind === 'validation')) {
			throw new HostError({
				kind: 'not_sub2api',
				status: error.status,
				code: error.code,
				message: `GET /health: ${error.status ?? ''} answer; this URL does not look like a sub2api host`,
				method: 'GET',
				path: '/health',
			});
		}
		throw error;
	});
	// After /health (which tells a sub2api host from anything else) the reads do not depend on each
	// other: send them together, read the answers in the order below.
	const groupsPath = '/api/v1/admin/groups';
	const usersPath = '/api/v1/admin/users';
	const [settingsAnswer, groupsAnswer, usersAnswer, chatAnswer] = await Promise.allSettled([
		client.publicSettings(),
		client.send('GET', groupsPath, {
			query: options.groupSearch
				? {search: options.groupSearch, page: 1, page_size: 100}
				: {page: 1, page_size: 1},
			stepUp: false,
		}),
		client.send('GET', usersPath, {query: {page: 1, page_size: 1}, stepUp: false}),
		options.chatCompletionsKnown === undefined
			? probeChatCompletions(client, notes)
			: Promise.resolve(options.chatCompletionsKnown),
	]);
	const settled = <T>(r: PromiseSettledResult<T>): T => {
		if (r.status === 'rejected') throw r.reason;
		return r.value;
	};
	const settings = settled(settingsAnswer);
	const caps: Capabilities = {
		version: settings.version ?? null,
		chat_completions: false,
		compliance: false,
		compliance_info: null,
		step_up_writes: false,
		turnstile: settings.turnstile_enabled === true,
		backend_mode: settings.backend_mode_enabled === true,
		admin_key_creation: false,
		sandbox: settings.sandbox === true,
		refresh: null,
		probed_at: new Date().toISOString(),
		notes,
	};
	if (caps.turnstile) notes.push('Turnstile is enabled: normal users cannot log in through the API');
	if (caps.backend_mode)
		notes.push('backend mode is enabled: only admins may log in; user self-service is off');

	// Admin read: credential check, compliance gate.
	const groups = settled(groupsAnswer);
	if (isOk(groups)) {
		// Validates that the answer really is a sub2api page.
		const page = unwrap(groups, pageSchema(HostGroupSchema), 'GET', groupsPath);
		options.onGroups?.(page.items);
	} else {
		const err = errorOf(groups, 'GET', groupsPath);
		if (err.kind !== 'compliance_required') throw err;
		caps.compliance = true;
		caps.compliance_info = await complianceInfo(client, err.metadata);
		notes.push('the admin compliance acknowledgement is required before any admin write (HTTP 423)');
	}
	if (client.auth.type === 'login') caps.refresh = Boolean(client.session?.refresh_token);

	// Step-up: the read-only way to see it is the users list, guarded on step-up builds.
	if (!caps.compliance) {
		const users = settled(usersAnswer);
		if (isOk(users)) {
			unwrap(users, pageSchema(HostUserSchema), 'GET', usersPath);
		} else {
			const err = errorOf(users, 'GET', usersPath);
			if (err.kind === 'step_up_required') {
				caps.step_up_writes = true;
				if (err.code === 'STEP_UP_ADMIN_API_KEY_FORBIDDEN') {
					notes.push(
						'user and account writes need a TOTP-verified admin session: the admin API key is refused; register the host with --email/--password-env/--totp-env',
					);
				} else {
					notes.push('user and account writes need a recent TOTP step-up (asked for with --totp-env)');
				}
			} else if (err.kind === 'auth' || err.kind === 'network' || err.kind === 'timeout') {
				throw err;
			} else {
				notes.push(`GET ${usersPath} answered ${err.status ?? '?'} ${err.machineCode ?? ''}`.trim());
			}
		}
	} else {
		notes.push('step-up requirements cannot be read until the compliance acknowledgement is given');
	}

	caps.chat_completions = settled(chatAnswer);
	notes.push(
		'admin-side user key creation (POST /admin/users/:id/api-keys) cannot be probed without a write',
	);
	return caps;
}

async function probeChatCompletions(client: HostClient, notes: string[]): Promise<boolean> {
	const path = '/v1/chat/completions';
	const res = await client.transport.send('POST', path, {
		headers: {authorization: `Bearer ${PROBE_INVALID_KEY}`},
		json: {model: 'crm-probe', messages: [{role: 'user', content: 'ping'}], max_tokens: 1},
		retryable: false,
	});
	if (res.status === 404 && /^\s*404 page not found\s*$/i.test(res.body)) {
		notes.push(
			'POST /v1/chat/completions does not exist on this host (old build): imports cannot be used by chat clients',
		);
		return false;
	}
	const err = errorOf(res, 'POST', path);
	if (res.status === 401 && (err.code === 'INVALID_API_KEY' || err.kind === 'auth')) return true;
	if (err.kind === 'not_sub2api') {
		notes.push(`POST ${path} answered HTTP ${res.status} without a JSON body; treated as missing`);
		return false;
	}
	notes.push(
		`POST ${path} with an invalid key answered HTTP ${res.status} ${err.machineCode ?? ''}; route assumed present`.trim(),
	);
	return true;
}

async function complianceInfo(
	client: HostClient,
	metadata: Record<string, unknown> | null,
): Promise<ComplianceInfo> {
	const str = (v: unknown) => (typeof v === 'string' && v ? v : null);
	const info: ComplianceInfo = {
		version: str(metadata?.version),
		phrase_en: null,
		phrase_zh: null,
		document_url_en: str(metadata?.document_url_en),
		document_url_zh: str(metadata?.document_url_zh),
	};
	try {
		const s = await client.complianceStatus();
		info.version = s.version ?? info.version;
		info.phrase_en = s.ack_phrase_en ?? null;
		info.phrase_zh = s.ack_phrase_zh ?? null;
		info.document_url_en = s.document_url_en ?? info.document_url_en;
		info.document_url_zh = s.document_url_zh ?? info.document_url_zh;
	} catch {
		// The status route is optional: keep what the 423 metadata said.
	}
	return info;
}
