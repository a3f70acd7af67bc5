// Public routes, login / 2FA / refresh, the current user, TOTP step-up, and the compliance gate.
import {
	ACK_PHRASE_EN,
	ACK_PHRASE_ZH,
	adminRoute,
	COMPLIANCE_VERSION,
	complianceDocs,
	issueSession,
	revokeFamily,
	STEP_UP_SECONDS,
	tokensFor,
	userRoute,
} from './auth.js';
import {userDto} from './dto.js';
import {fail, header, mwFail, ok, parseBody, type Router, sendJson} from './http-util.js';
import {clientAddress} from './rate-limits.js';
import {hex, nowIso, type SandboxState} from './state.js';
import type {UserRow} from './types.js';
import {validate} from './validate.js';

function maskEmail(email: string): string {
	const [local, domain] = email.split('@');
	return `${local.slice(0, 2)}***@${domain}`;
}

export function registerAuthRoutes(router: Router, state: SandboxState): void {
	router.add('GET', '/health', (ctx) => sendJson(ctx, 200, {status: 'ok'}));
	router.add('GET', '/setup/status', (ctx) => ok(ctx, {needs_setup: false, step: 'completed'}));
	router.add('GET', '/api/v1/settings/public', (ctx) => {
		const data: Record<string, unknown> = {
			sandbox: true,
			version: state.version,
			site_name: 'crm sandbox',
			site_subtitle: 'sub2api-compatible sandbox host (in memory)',
			api_base_url: state.hostUrl,
			turnstile_enabled: false,
			turnstile_site_key: '',
			registration_enabled: false,
			email_verify_enabled: false,
		};
		if (!state.isOld) {
			data.backend_mode_enabled = false;
			data.totp_enabled = state.isGated;
		}
		ok(ctx, data);
	});

	router.add('POST', '/api/v1/auth/login', (ctx) => {
		if (!state.limiter.admit(ctx, 'login', clientAddress(ctx))) return;
		const body = parseBody(ctx, 'handler.LoginRequest');
		if (!body) return;
		const error = validate('LoginRequest', body, {
			email: {type: 'string', required: true, email: true},
			password: {type: 'string', required: true},
			turnstile_token: {type: 'string'},
		});
		if (error) return fail(ctx, 400, error);
		const user = [...state.users.values()].find((u) => !u.deleted_at && u.email === body.email);
		if (!user || state.passwords.get(user.id) !== body.password) {
			return fail(ctx, 401, 'invalid email or password', 'INVALID_CREDENTIALS');
		}
		if (user.status !== 'active') return fail(ctx, 403, 'user is not active', 'USER_NOT_ACTIVE');
		if (state.isGated && user.totp_enabled) {
			const tempToken = `sbx-2fa-${hex(16)}`;
			state.tempTokens.set(tempToken, {userId: user.id, expiresAt: Date.now() + 300_000});
			return ok(ctx, {requires_2fa: true, temp_token: tempToken, user_email_masked: maskEmail(user.email)});
		}
		ok(ctx, loginData(state, user, header(ctx, 'user-agent')));
	});

	router.add(
		'GET',
		'/api/v1/auth/me',
		userRoute(state, (ctx) => ok(ctx, userDto(state, ctx.actor!))),
	);
	router.add(
		'GET',
		'/api/v1/user/profile',
		userRoute(state, (ctx) => ok(ctx, userDto(state, ctx.actor!))),
	);

	if (state.isOld) return;

	router.add('POST', '/api/v1/auth/login/2fa', (ctx) => {
		if (!state.limiter.admit(ctx, 'login', clientAddress(ctx))) return;
		const body = parseBody(ctx, 'handler.Login2FARequest');
		if (!body) return;
		const error = validate('Login2FARequest', body, {
			temp_token: {type: 'string', required: true},
			totp_code: {type: 'string', required: true, len: 6},
		});
		if (error) return fail(ctx, 400, error);
		const temp = state.tempTokens.get(body.temp_token);
		const user = temp ? state.liveUser(temp.userId) : undefined;
		if (!temp || temp.expiresAt <= Date.now() || !user) {
			return fail(ctx, 400, 'Invalid or expired 2FA session', 'TOTP_SESSION_INVALID');
		}
		if (body.totp_code !== state.totpCode)
			return fail(ctx, 401, 'invalid verification code', 'TOTP_INVALID_CODE');
		state.tempTokens.delete(body.temp_token);
		ok(ctx, loginData(state, user, header(ctx, 'user-agent')));
	});

	router.add('POST', '/api/v1/auth/refresh', (ctx) => {
		if (!state.limiter.admit(ctx, 'refresh', clientAddress(ctx))) return;
		const body = parseBody(ctx, 'handler.RefreshTokenRequest');
		if (!body) return;
		const error = validate('RefreshTokenRequest', body, {refresh_token: {type: 'string', required: true}});
		if (error) return fail(ctx, 400, error);
		const row = state.refreshTokens.get(body.refresh_token);
		const family = row ? state.families.get(row.familyId) : undefined;
		if (!row || !family || family.revoked || row.expiresAt <= Date.now()) {
			return fail(ctx, 401, 'invalid refresh token', 'INVALID_REFRESH_TOKEN');
		}
		if (row.used) {
			revokeFamily(state, family.id);
			return fail(ctx, 401, 'refresh token reuse detected', 'REFRESH_TOKEN_REUSED');
		}
		if (family.userAgent !== header(ctx, 'user-agent')) {
			revokeFamily(state, family.id);
			return mwFail(
				ctx,
				401,
				'SESSION_BINDING_MISMATCH',
				'Session network fingerprint changed, please login again',
			);
		}
		const user = state.liveUser(family.userId);
		if (!user || user.status !== 'active' || user.token_version !== family.tokenVersion) {
			revokeFamily(state, family.id);
			return fail(ctx, 401, 'invalid refresh token', 'INVALID_REFRESH_TOKEN');
		}
		row.used = true;
		ok(ctx, tokensFor(state, family));
	});

	router.add(
		'POST',
		'/api/v1/user/totp/step-up',
		userRoute(state, (ctx) => {
			const body = parseBody(ctx, 'handler.StepUpRequest');
			if (!body) return;
			const error = validate('StepUpRequest', body, {code: {type: 'string', required: true, len: 6}});
			if (error) return fail(ctx, 400, error);
			if (!ctx.actor!.totp_enabled) return fail(ctx, 400, 'TOTP is not enabled', 'TOTP_NOT_ENABLED');
			if (body.code !== state.totpCode)
				return fail(ctx, 400, 'invalid verification code', 'TOTP_INVALID_CODE');
			const family = state.families.get(ctx.familyId!)!;
			family.stepUpUntil = Date.now() + STEP_UP_SECONDS * 1000;
			ok(ctx, {verified: true, expires_in: STEP_UP_SECONDS});
		}),
	);

	if (!state.isGated) return;

	const status = (actor: UserRow): Record<string, unknown> => {
		const ack = state.complianceAcks.get(actor.id);
		const data: Record<string, unknown> = {
			required: ack?.version !== COMPLIANCE_VERSION,
			...complianceDocs(),
			ack_phrase_zh: ACK_PHRASE_ZH,
			ack_phrase_en: ACK_PHRASE_EN,
		};
		if (ack) data.acknowledgement = ack;
		return data;
	};
	router.add(
		'GET',
		'/api/v1/admin/compliance',
		adminRoute(state, (ctx) => ok(ctx, status(ctx.actor!))),
	);
	router.add(
		'POST',
		'/api/v1/admin/compliance/accept',
		adminRoute(state, (ctx) => {
			const body = parseBody(ctx, 'admin.AcceptComplianceRequest');
			if (!body) return;
			const error = validate('AcceptComplianceRequest', body, {
				phrase: {type: 'string', required: true},
				language: {type: 'string', oneof: ['en', 'zh']},
			});
			if (error) return fail(ctx, 400, error);
			const language = body.language || 'en';
			const expected = language === 'zh' ? ACK_PHRASE_ZH : ACK_PHRASE_EN;
			if (body.phrase !== expected) {
				return fail(ctx, 400, 'acknowledgement phrase does not match', 'ADMIN_COMPLIANCE_INVALID_PHRASE', {
					language,
				});
			}
			state.complianceAcks.set(ctx.actor!.id, {
				version: COMPLIANCE_VERSION,
				language,
				accepted_at: nowIso(),
				ip: ctx.req.socket.remoteAddress ?? '',
				user_agent: header(ctx, 'user-agent'),
			});
			ok(ctx, status(ctx.actor!));
		}),
	);
}

function loginData(state: SandboxState, user: UserRow, userAgent: string): Record<string, unknown> {
	return {...issueSession(state, user, userAgent), user: userDto(state, user)};
}
