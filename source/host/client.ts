// Admin-plane client of a sub2api host (docs/domain.md "The host"). Authenticates with the admin API key
// (`x-api-key`) or a JWT from login; handles token expiry, TOTP step-up, and maps every failure to HostError.
import {z} from 'zod';
import {parseAccountTest, type AccountTestResult} from './account-test.js';
import {HostError} from './errors.js';
import {registerSecret} from '../lib/secrets.js';
import type {HttpResponse} from './http.js';
import {
	AccountModelsSchema,
	AdminKeyUpdateSchema,
	ComplianceStatusSchema,
	HostAccountSchema,
	HostApiKeySchema,
	HostGroupSchema,
	HostSubscriptionSchema,
	HostUserSchema,
	pageSchema,
	PublicSettingsSchema,
	type AdminKeyUpdate,
	type ComplianceStatus,
	type CreateAccountBody,
	type CreateGroupBody,
	type CreateUserBody,
	type HostAccount,
	type HostApiKey,
	type HostGroup,
	type HostSubscription,
	type HostUser,
	type Page,
	type PublicSettings,
	type UpdateAccountBody,
	type UpdateGroupBody,
	type UpdateUserBody,
} from './schemas.js';
import type {RateWait} from './rate-gate.js';
import {JwtSession, RENEWABLE_401, type HostSession} from './session.js';
import {errorOf, HostTransport, isOk, parseJson, unwrap, type Query, type SendOptions} from './transport.js';

export type {HostSession} from './session.js';
export type {AccountTestEvent, AccountTestResult} from './account-test.js';

export type AdminAuth =
	{type: 'admin_api_key'; key: string} | {type: 'login'; email: string; password: string};

export interface HostClientOptions {
	baseUrl: string;
	auth: AdminAuth;
	session?: HostSession | null;
	/** Per request; default 15 000. */
	timeoutMs?: number;
	/** Retries for GETs and idempotent POSTs; default 2. */
	retries?: number;
	/** Asked when a 2FA login or a step-up needs a code. */
	totp?: () => Promise<string>;
	/** Called with every new session (login/refresh) so it can be persisted; null when dropped. */
	onSession?: (s: HostSession | null) => void;
	signal?: AbortSignal;
	userAgent?: string;
	/** Cap on a 429 Retry-After wait; default 10 000 ms. */
	maxRetryAfterMs?: number;
	/** First retry backoff step; default 300 ms. */
	retryBaseMs?: number;
	/** Told whenever a call waits for the host's rate limits (transport.ts). */
	onRateWait?: (wait: RateWait) => void;
}

export interface ListQuery {
	page?: number;
	page_size?: number;
	search?: string;
	[filter: string]: string | number | boolean | null | undefined;
}

export interface CallOptions extends SendOptions {
	/** false: no automatic step-up on STEP_UP_REQUIRED (the probe reads step-up status as is). */
	stepUp?: boolean;
	/** false: send without any credential. */
	auth?: boolean;
}

const MessageSchema = z.unknown();
type Id = string | number;

export const STEP_UP_ADMIN_KEY_MESSAGE =
	'this host requires a two-factor verified admin session for this operation, which an admin API key cannot have; ' +
	'register the host with --email/--password-env/--totp-env (an admin user with TOTP enabled) instead';

export class HostClient {
	readonly transport: HostTransport;
	readonly auth: AdminAuth;
	private readonly jwt: JwtSession | null;

	constructor(o: HostClientOptions) {
		this.transport = new HostTransport({...o, rateBucket: 'admin'});
		this.auth = o.auth;
		if (o.auth.type === 'admin_api_key') registerSecret(o.auth.key);
		this.jwt =
			o.auth.type === 'login'
				? new JwtSession(this.transport, {
						email: o.auth.email,
						password: o.auth.password,
						totp: o.totp,
						session: o.session,
						onSession: o.onSession,
					})
				: null;
	}

	get baseUrl(): string {
		return this.transport.baseUrl;
	}

	/** The current JWT session (login auth only). */
	get session(): HostSession | null {
		return this.jwt?.session ?? null;
	}

	// ---- no auth ----

	async health(): Promise<void> {
		const path = '/health';
		const res = await this.transport.send('GET', path);
		if (!isOk(res)) throw errorOf(res, 'GET', path);
		const json = parseJson(res, 'GET', path) as {status?: unknown} | null;
		if (!json || typeof json !== 'object' || json.status !== 'ok') {
			throw new HostError({
				kind: 'not_sub2api',
				status: res.status,
				code: 'NON_ENVELOPE',
				message: `GET ${path}: answer is not sub2api's {"status":"ok"}`,
				method: 'GET',
				path,
			});
		}
	}

	async publicSettings(): Promise<PublicSettings> {
		return this.get('/api/v1/settings/public', PublicSettingsSchema, {auth: false});
	}

	// ---- sessions ----

	/** Logs in (2FA via totp() when asked). Only for login auth. */
	async login(): Promise<HostSession> {
		if (!this.jwt) {
			throw new HostError({
				kind: 'validation',
				code: 'NOT_LOGIN_AUTH',
				message: 'this host is registered with an admin API key; there is nothing to log in',
			});
		}
		return this.jwt.login();
	}

	async complianceStatus(): Promise<ComplianceStatus> {
		return this.get('/api/v1/admin/compliance', ComplianceStatusSchema);
	}

	/** Records the operator's acknowledgement. Never call without the operator's explicit consent. */
	async acceptCompliance(phrase: string, language: 'en' | 'zh'): Promise<void> {
		await this.post('/api/v1/admin/compliance/accept', MessageSchema, {json: {phrase, language}});
	}

	private steppingUp: Promise<void> | null = null;

	/** `POST /api/v1/user/totp/step-up` with a code from totp(). */
	async stepUp(): Promise<void> {
		if (!this.jwt) {
			throw new HostError({
				kind: 'step_up_required',
				code: 'STEP_UP_ADMIN_API_KEY_FORBIDDEN',
				message: STEP_UP_ADMIN_KEY_MESSAGE,
			});
		}
		// Requests that need a step-up at the same moment (steps run side by side) share one: one code
		// asked of the operator, one step-up sent.
		const jwt = this.jwt;
		this.steppingUp ??= (async () => {
			try {
				const code = await jwt.askTotp('step-up');
				await this.call('POST', '/api/v1/user/totp/step-up', MessageSchema, {json: {code}, stepUp: false});
			} finally {
				this.steppingUp = null;
			}
		})();
		return this.steppingUp;
	}

	// ---- groups ----

	async listGroups(q: ListQuery = {}): Promise<Page<HostGroup>> {
		return this.get('/api/v1/admin/groups', pageSchema(HostGroupSchema), {query: pageQuery(q)});
	}
	async getGroup(id: Id): Promise<HostGroup> {
		return this.get(`/api/v1/admin/groups/${seg(id)}`, HostGroupSchema);
	}
	async createGroup(b: CreateGroupBody): Promise<HostGroup> {
		return this.post('/api/v1/admin/groups', HostGroupSchema, {json: b});
	}
	async updateGroup(id: Id, b: UpdateGroupBody): Promise<HostGroup> {
		return this.call('PUT', `/api/v1/admin/groups/${seg(id)}`, HostGroupSchema, {json: b});
	}
	async deleteGroup(id: Id): Promise<void> {
		await this.call('DELETE', `/api/v1/admin/groups/${seg(id)}`, MessageSchema);
	}
	/** The keys bound to a group, whoever owns them (`GET /admin/groups/:id/api-keys`). */
	async groupApiKeys(groupId: Id, q: ListQuery = {}): Promise<Page<HostApiKey>> {
		return this.get(`/api/v1/admin/groups/${seg(groupId)}/api-keys`, pageSchema(HostApiKeySchema), {
			query: pageQuery(q),
		});
	}

	// ---- accounts ----

	async listAccounts(q: ListQuery = {}): Promise<Page<HostAccount>> {
		return this.get('/api/v1/admin/accounts', pageSchema(HostAccountSchema), {query: pageQuery(q)});
	}
	async getAccount(id: Id): Promise<HostAccount> {
		return this.get(`/api/v1/admin/accounts/${seg(id)}`, HostAccountSchema);
	}
	/** Idempotency-Key makes the create retryable on recent hosts; old hosts ignore it (see DOMAIN rule 10). */
	async createAccount(b: CreateAccountBody, o: {idempotencyKey: string}): Promise<HostAccount> {
		return this.post('/api/v1/admin/accounts', HostAccountSchema, {
			json: b,
			idempotencyKey: o.idempotencyKey,
		});
	}
	async updateAccount(id: Id, b: UpdateAccountBody): Promise<HostAccount> {
		return this.call('PUT', `/api/v1/admin/accounts/${seg(id)}`, HostAccountSchema, {json: b});
	}
	async deleteAccount(id: Id): Promise<void> {
		await this.call('DELETE', `/api/v1/admin/accounts/${seg(id)}`, MessageSchema);
	}

	/**
	 * Runs the host's account test (SSE, HTTP 200 even on failure) and parses its events. Bounded by
	 * the configured request timeout like every other request (--timeout-s): it is advisory (the
	 * access smoke decides), so a slow test costs a warning, never a run far past the limit.
	 */
	async testAccount(id: Id, modelId: string): Promise<AccountTestResult> {
		const path = `/api/v1/admin/accounts/${seg(id)}/test`;
		const res = await this.send('POST', path, {
			json: {model_id: modelId},
			headers: {accept: 'text/event-stream'},
		});
		if (!isOk(res)) throw this.failure(res, 'POST', path);
		return parseAccountTest(res.body);
	}

	/** `POST /:id/schedulable` (both builds): whether the host routes requests to the account. */
	async setSchedulable(id: Id, schedulable: boolean): Promise<HostAccount | null> {
		const data = await this.post(`/api/v1/admin/accounts/${seg(id)}/schedulable`, z.unknown(), {
			json: {schedulable},
		});
		const account = HostAccountSchema.safeParse(data);
		return account.success ? account.data : null;
	}

	/** `POST /:id/clear-error`: back to `active` after the host set `error` (an upstream 401). */
	async clearAccountError(id: Id): Promise<void> {
		await this.post(`/api/v1/admin/accounts/${seg(id)}/clear-error`, MessageSchema);
	}

	/**
	 * `GET /cn-providers/accounts/:id/balance` (some recent builds, native CN platforms only): the raw
	 * `data`, for the caller to read; a host without the route answers not_found.
	 */
	async cnProviderBalance(id: Id): Promise<unknown> {
		return this.get(`/api/v1/admin/cn-providers/accounts/${seg(id)}/balance`, z.unknown());
	}

	async accountModels(id: Id): Promise<string[]> {
		const list = await this.get(`/api/v1/admin/accounts/${seg(id)}/models`, AccountModelsSchema);
		return (list ?? []).map((m) => m.id);
	}

	// ---- users ----

	async listUsers(q: ListQuery = {}): Promise<Page<HostUser>> {
		return this.get('/api/v1/admin/users', pageSchema(HostUserSchema), {query: pageQuery(q)});
	}
	async getUser(id: Id): Promise<HostUser> {
		return this.get(`/api/v1/admin/users/${seg(id)}`, HostUserSchema);
	}
	async createUser(b: CreateUserBody): Promise<HostUser> {
		return this.post('/api/v1/admin/users', HostUserSchema, {json: b});
	}
	async updateUser(id: Id, b: UpdateUserBody): Promise<HostUser> {
		return this.call('PUT', `/api/v1/admin/users/${seg(id)}`, HostUserSchema, {json: b});
	}
	async deleteUser(id: Id): Promise<void> {
		await this.call('DELETE', `/api/v1/admin/users/${seg(id)}`, MessageSchema);
	}

	/** `balance` must be > 0 (the host rejects 0; use `subtract` to lower). Returns the user when the host sends it. */
	async setBalance(
		id: Id,
		b: {balance: number; operation: 'set' | 'add' | 'subtract'; notes?: string},
		o: {idempotencyKey?: string} = {},
	): Promise<HostUser | null> {
		const data = await this.post(`/api/v1/admin/users/${seg(id)}/balance`, z.unknown(), {
			json: b,
			idempotencyKey: o.idempotencyKey,
		});
		const user = HostUserSchema.safeParse(data);
		return user.success ? user.data : null;
	}

	async userApiKeys(userId: Id, q: ListQuery = {}): Promise<Page<HostApiKey>> {
		return this.get(`/api/v1/admin/users/${seg(userId)}/api-keys`, pageSchema(HostApiKeySchema), {
			query: pageQuery(q),
		});
	}

	/** Recent builds only (`POST /admin/users/:id/api-keys`); a host without it answers not_found ROUTE_NOT_FOUND. */
	async adminCreateUserKey(userId: Id, name: string): Promise<HostApiKey> {
		return this.post(`/api/v1/admin/users/${seg(userId)}/api-keys`, HostApiKeySchema, {json: {name}});
	}

	/** `PUT /admin/api-keys/:id`: `group_id` null unbinds the key (sent as 0), a number binds it. */
	async adminUpdateKey(keyId: Id, b: {group_id: number | null}): Promise<AdminKeyUpdate> {
		return this.call('PUT', `/api/v1/admin/api-keys/${seg(keyId)}`, AdminKeyUpdateSchema, {
			json: {group_id: b.group_id ?? 0},
		});
	}

	// ---- subscriptions ----

	async assignSubscription(b: {
		user_id: number;
		group_id: number;
		validity_days: number;
		notes?: string;
	}): Promise<HostSubscription> {
		return this.post('/api/v1/admin/subscriptions/assign', HostSubscriptionSchema, {json: b});
	}
	async listSubscriptions(
		q: {user_id?: number; group_id?: number; status?: string; page?: number; page_size?: number} = {},
	): Promise<Page<HostSubscription>> {
		return this.get('/api/v1/admin/subscriptions', pageSchema(HostSubscriptionSchema), {
			query: pageQuery(q),
		});
	}
	async getSubscription(id: Id): Promise<HostSubscription> {
		return this.get(`/api/v1/admin/subscriptions/${seg(id)}`, HostSubscriptionSchema);
	}
	async revokeSubscription(id: Id): Promise<void> {
		await this.call('DELETE', `/api/v1/admin/subscriptions/${seg(id)}`, MessageSchema);
	}

	// ---- plumbing ----

	async get<S extends z.ZodType>(path: string, schema: S, o: CallOptions = {}): Promise<z.output<S>> {
		return this.call('GET', path, schema, o);
	}
	async post<S extends z.ZodType>(path: string, schema: S, o: CallOptions = {}): Promise<z.output<S>> {
		return this.call('POST', path, schema, o);
	}

	/** One admin call: send, then unwrap the envelope into `schema`, or throw HostError. */
	async call<S extends z.ZodType>(
		method: string,
		path: string,
		schema: S,
		o: CallOptions = {},
	): Promise<z.output<S>> {
		const res = await this.send(method, path, o);
		if (!isOk(res)) throw this.failure(res, method, path);
		return unwrap(res, schema, method, path);
	}

	/** The HostError for a failed answer, with operator guidance where the host's own text has none. */
	failure(res: HttpResponse, method: string, path: string): HostError {
		const err = errorOf(res, method, path);
		if (err.code === 'STEP_UP_ADMIN_API_KEY_FORBIDDEN')
			err.message = `${method} ${path}: ${STEP_UP_ADMIN_KEY_MESSAGE}`;
		return err;
	}

	/**
	 * Sends with credentials and deals with the recoverable answers: 401 TOKEN_EXPIRED & co. (refresh or
	 * re-login, once) and STEP_UP_REQUIRED / STEP_UP_SESSION_REQUIRED (step-up with totp(), once).
	 * Any other answer is returned as is (non-2xx included).
	 */
	async send(method: string, path: string, o: CallOptions = {}): Promise<HttpResponse> {
		let renewed = false;
		let steppedUp = false;
		for (;;) {
			const headers: Record<string, string> = {...(o.headers ?? {})};
			let token = '';
			if (o.auth !== false) {
				if (this.auth.type === 'admin_api_key') headers['x-api-key'] = this.auth.key;
				else {
					token = await this.jwt!.token();
					headers.authorization = `Bearer ${token}`;
				}
			}
			const res = await this.transport.send(method, path, {...o, headers});
			if (isOk(res) || o.auth === false) return res;
			const code = quickCode(res);
			if (this.jwt && res.status === 401 && !renewed && code && RENEWABLE_401.has(code)) {
				renewed = true;
				await this.jwt.renewAfter(token, code);
				continue;
			}
			if (
				this.jwt &&
				o.stepUp !== false &&
				!steppedUp &&
				(code === 'STEP_UP_REQUIRED' || code === 'STEP_UP_SESSION_REQUIRED')
			) {
				steppedUp = true;
				// A token older than session-bound verification cannot be stepped up: log in again first.
				if (code === 'STEP_UP_SESSION_REQUIRED') await this.jwt.login();
				await this.stepUp();
				continue;
			}
			return res;
		}
	}
}

/** The string code/reason of an error answer, without building the full error. */
function quickCode(res: HttpResponse): string | null {
	try {
		const j = JSON.parse(res.body) as Record<string, unknown>;
		if (typeof j.code === 'string') return j.code;
		if (typeof j.reason === 'string') return j.reason;
	} catch {
		// not JSON
	}
	return null;
}

function seg(id: Id): string {
	const s = String(id);
	if (!/^\d+$/.test(s)) {
		throw new HostError({
			kind: 'validation',
			code: 'INVALID_ID',
			message: `invalid host resource id "${s.slice(0, 40)}"`,
		});
	}
	return s;
}

function pageQuery(q: Record<string, unknown>): Query {
	const out: Query = {};
	for (const [k, v] of Object.entries(q)) {
		if (v === undefined || v === null) continue;
		if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = v;
	}
	return out;
}

export {UserClient, type UserClientOptions} from './user-client.js';
export {
	GatewayClient,
	type GatewayClientOptions,
	type ChatRequest,
	type ChatResult,
} from './gateway-client.js';
