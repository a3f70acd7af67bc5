// JWT sessions (docs/domain.md "The host"): login (with the recent 2FA second step), refresh on recent hosts,
// re-login on old ones. The session is bound to the User-Agent, which the transport keeps constant.
import {registerSecret} from '../lib/secrets.js';
import {HostError} from './errors.js';
import {LoginDataSchema} from './schemas.js';
import {HostTransport, unwrap} from './transport.js';
import {z} from 'zod';

export interface HostSession {
	access_token: string;
	refresh_token: string | null;
	expires_at: string | null;
	user_agent: string;
}

export interface JwtSessionOptions {
	email: string;
	password: string;
	totp?: () => Promise<string>;
	session?: HostSession | null;
	onSession?: (s: HostSession | null) => void;
}

/** 401 codes after which a new token is worth one more try. */
export const RENEWABLE_401 = new Set([
	'TOKEN_EXPIRED',
	'INVALID_TOKEN',
	'TOKEN_REVOKED',
	'SESSION_BINDING_MISMATCH',
]);

const RefreshSchema = z
	.object({
		access_token: z.string(),
		refresh_token: z.string().nullable().optional(),
		expires_in: z.number().nullable().optional(),
	})
	.loose();

export class JwtSession {
	session: HostSession | null;
	private loginInFlight: Promise<HostSession> | null = null;
	private renewInFlight: Promise<HostSession> | null = null;

	constructor(
		private readonly t: HostTransport,
		private readonly o: JwtSessionOptions,
	) {
		// A session bound to another User-Agent would be rejected (SESSION_BINDING_MISMATCH): drop it.
		const s = o.session ?? null;
		registerSecret(o.password);
		registerSession(s);
		this.session = s && s.user_agent === t.userAgent && s.access_token ? s : null;
	}

	/** A valid-looking access token: the cached one, refreshed if expired, or a fresh login. */
	async token(): Promise<string> {
		if (!this.session) return (await this.login()).access_token;
		if (this.session.expires_at && Date.parse(this.session.expires_at) - 30_000 < Date.now()) {
			return (await this.renew('TOKEN_EXPIRED')).access_token;
		}
		return this.session.access_token;
	}

	/** After a 401: refresh when the host gave a refresh token and the token merely expired, else log in again. */
	/**
	 * Renews after a 401 on a request sent with `usedToken`, unless another request already replaced that
	 * token, in which case the current session is simply used again.
	 */
	renewAfter(usedToken: string, code: string | null): Promise<HostSession> {
		if (this.session && this.session.access_token !== usedToken) return Promise.resolve(this.session);
		return this.renew(code);
	}

	renew(code: string | null): Promise<HostSession> {
		// Concurrent 401s share one renewal (a refresh token is single-use on recent hosts).
		this.renewInFlight ??= this.doRenew(code).finally(() => {
			this.renewInFlight = null;
		});
		return this.renewInFlight;
	}

	private async doRenew(code: string | null): Promise<HostSession> {
		if (code === 'TOKEN_EXPIRED' && this.session?.refresh_token) {
			try {
				return await this.refresh(this.session.refresh_token);
			} catch (error) {
				if (!(error instanceof HostError) || error.kind === 'network' || error.kind === 'timeout')
					throw error;
			}
		}
		return this.login();
	}

	login(): Promise<HostSession> {
		// Concurrent callers share one login (login is rate limited at 20/min on recent hosts).
		this.loginInFlight ??= this.doLogin().finally(() => {
			this.loginInFlight = null;
		});
		return this.loginInFlight;
	}

	private async doLogin(): Promise<HostSession> {
		const path = '/api/v1/auth/login';
		const res = await this.t.send('POST', path, {
			json: {email: this.o.email, password: this.o.password},
			retryable: false,
		});
		let data = unwrap(res, LoginDataSchema, 'POST', path);
		if (data.requires_2fa) {
			if (!data.temp_token) {
				throw new HostError({
					kind: 'not_sub2api',
					code: 'SCHEMA_MISMATCH',
					message: 'login asked for 2FA without a temp_token',
					method: 'POST',
					path,
				});
			}
			const code = await this.askTotp('login');
			const path2 = '/api/v1/auth/login/2fa';
			const res2 = await this.t.send('POST', path2, {
				json: {temp_token: data.temp_token, totp_code: code},
				retryable: false,
			});
			data = unwrap(res2, LoginDataSchema, 'POST', path2);
		}
		if (!data.access_token) {
			throw new HostError({
				kind: 'not_sub2api',
				code: 'SCHEMA_MISMATCH',
				message: 'login answer has no access_token',
				method: 'POST',
				path,
			});
		}
		return this.store({
			access_token: data.access_token,
			refresh_token: data.refresh_token ?? null,
			expires_at: expiresAt(data.expires_in),
			user_agent: this.t.userAgent,
		});
	}

	private async refresh(refreshToken: string): Promise<HostSession> {
		const path = '/api/v1/auth/refresh';
		const res = await this.t.send('POST', path, {json: {refresh_token: refreshToken}, retryable: false});
		const data = unwrap(res, RefreshSchema, 'POST', path);
		return this.store({
			access_token: data.access_token,
			refresh_token: data.refresh_token ?? refreshToken,
			expires_at: expiresAt(data.expires_in),
			user_agent: this.t.userAgent,
		});
	}

	async askTotp(purpose: 'login' | 'step-up'): Promise<string> {
		if (!this.o.totp) {
			throw new HostError({
				kind: purpose === 'login' ? 'auth' : 'step_up_required',
				code: 'TOTP_REQUIRED',
				message:
					purpose === 'login'
						? 'the host requires a TOTP code for this login (two-factor authentication); supply one with --totp-env'
						: 'the host requires a recent two-factor verification for this operation; supply a TOTP code with --totp-env',
			});
		}
		const code = (await this.o.totp()).trim();
		if (!/^\d{6}$/.test(code)) {
			throw new HostError({
				kind: 'validation',
				code: 'TOTP_INVALID_FORMAT',
				message: 'the TOTP code must be exactly 6 digits',
			});
		}
		return code;
	}

	clear(): void {
		this.session = null;
		this.o.onSession?.(null);
	}

	private store(s: HostSession): HostSession {
		registerSession(s);
		this.session = s;
		this.o.onSession?.(s);
		return s;
	}
}

/** Tokens the host issued are secrets from the moment they arrive. */
function registerSession(s: HostSession | null): void {
	registerSecret(s?.access_token);
	registerSecret(s?.refresh_token);
}

function expiresAt(expiresIn: number | null | undefined): string | null {
	if (!expiresIn || expiresIn <= 0) return null;
	return new Date(Date.now() + expiresIn * 1000).toISOString();
}
