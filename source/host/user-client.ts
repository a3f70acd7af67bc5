// Normal-user side of a host (docs/domain.md "The host"): the managed user logs in and manages its own keys.
import {z} from 'zod';
import {HostError} from './errors.js';
import type {HttpResponse} from './http.js';
import {
	HostApiKeySchema,
	HostGroupSchema,
	pageSchema,
	type HostApiKey,
	type HostGroup,
	type Page,
} from './schemas.js';
import {JwtSession, RENEWABLE_401, type HostSession} from './session.js';
import type {RateWait} from './rate-gate.js';
import {HostTransport, unwrap, type SendOptions} from './transport.js';

export interface UserClientOptions {
	baseUrl: string;
	email: string;
	password: string;
	timeoutMs?: number;
	retries?: number;
	signal?: AbortSignal;
	userAgent?: string;
	totp?: () => Promise<string>;
	session?: HostSession | null;
	onSession?: (s: HostSession | null) => void;
	maxRetryAfterMs?: number;
	retryBaseMs?: number;
	/** Told whenever a call waits for the host's rate limits (transport.ts). */
	onRateWait?: (wait: RateWait) => void;
}

type Id = string | number;

export class UserClient {
	readonly transport: HostTransport;
	private readonly jwt: JwtSession;

	constructor(o: UserClientOptions) {
		// A normal user's calls count against the host's per-user panel limit.
		this.transport = new HostTransport({...o, rateBucket: `user:${o.email}`});
		this.jwt = new JwtSession(this.transport, o);
	}

	get session(): HostSession | null {
		return this.jwt.session;
	}

	async login(): Promise<void> {
		await this.jwt.login();
	}

	/** `POST /api/v1/keys`; 403 GROUP_NOT_ALLOWED when the user may not bind the group. */
	async createKey(b: {name: string; group_id: number | null; [extra: string]: unknown}): Promise<HostApiKey> {
		return this.call('POST', '/api/v1/keys', HostApiKeySchema, {json: b});
	}

	async listKeys(q: {page?: number; page_size?: number} = {}): Promise<Page<HostApiKey>> {
		return this.call('GET', '/api/v1/keys', pageSchema(HostApiKeySchema), {query: q});
	}

	async getKey(id: Id): Promise<HostApiKey> {
		return this.call('GET', `/api/v1/keys/${seg(id)}`, HostApiKeySchema);
	}

	async updateKey(
		id: Id,
		b: {name?: string; group_id?: number | null; status?: 'active' | 'inactive'},
	): Promise<HostApiKey> {
		return this.call('PUT', `/api/v1/keys/${seg(id)}`, HostApiKeySchema, {json: b});
	}

	async deleteKey(id: Id): Promise<void> {
		await this.call('DELETE', `/api/v1/keys/${seg(id)}`, z.unknown());
	}

	async availableGroups(): Promise<HostGroup[]> {
		const list = await this.call('GET', '/api/v1/groups/available', z.array(HostGroupSchema).nullable());
		return list ?? [];
	}

	async call<S extends z.ZodType>(
		method: string,
		path: string,
		schema: S,
		o: SendOptions = {},
	): Promise<z.output<S>> {
		return unwrap(await this.send(method, path, o), schema, method, path);
	}

	async send(method: string, path: string, o: SendOptions = {}): Promise<HttpResponse> {
		let renewed = false;
		for (;;) {
			const token = await this.jwt.token();
			const res = await this.transport.send(method, path, {
				...o,
				headers: {...(o.headers ?? {}), authorization: `Bearer ${token}`},
			});
			if (res.status === 401 && !renewed) {
				const code = codeOf(res);
				if (code && RENEWABLE_401.has(code)) {
					renewed = true;
					await this.jwt.renewAfter(token, code);
					continue;
				}
			}
			return res;
		}
	}
}

function codeOf(res: HttpResponse): string | null {
	try {
		const j = JSON.parse(res.body) as {code?: unknown};
		return typeof j.code === 'string' ? j.code : null;
	} catch {
		return null;
	}
}

function seg(id: Id): string {
	const s = String(id);
	if (!/^\d+$/.test(s))
		throw new HostError({kind: 'validation', code: 'INVALID_ID', message: 'invalid key id'});
	return s;
}
