// Admin and user authentication middleware, sessions (opaque tokens), compliance guard, step-up.
import {timingSafeEqual} from 'node:crypto';
import {type Ctx, type Handler, header, mwFail, sendJson} from './http-util.js';
import {type Family, hex, type SandboxState} from './state.js';
import type {UserRow} from './types.js';

export const COMPLIANCE_VERSION = 'v2026.06.10';
export const ACK_PHRASE_EN =
	'I have read, understood, and agree to the Sub2API Deployment and Operation Compliance Commitment';
export const ACK_PHRASE_ZH = '我已阅读、理解并同意 Sub2API 部署与运营合规承诺';
export const STEP_UP_SECONDS = 300;

export function complianceDocs(): Record<string, string> {
	return {
		version: COMPLIANCE_VERSION,
		document_path_zh: 'docs/legal/ADMIN_COMPLIANCE.zh-CN.md',
		document_path_en: 'docs/legal/ADMIN_COMPLIANCE.en.md',
		document_url_zh: 'https://sandbox.invalid/docs/legal/ADMIN_COMPLIANCE.zh-CN.md',
		document_url_en: 'https://sandbox.invalid/docs/legal/ADMIN_COMPLIANCE.en.md',
	};
}

export function accessTtlSeconds(state: SandboxState): number {
	return state.isOld ? 86_400 : 3_600;
}

function safeEqual(a: string, b: string): boolean {
	const left = Buffer.from(a);
	const right = Buffer.from(b);
	return left.length === right.length && timingSafeEqual(left, right);
}

export function issueSession(state: SandboxState, user: UserRow, userAgent: string): Record<string, unknown> {
	const family: Family = {
		id: hex(8),
		userId: user.id,
		userAgent,
		tokenVersion: user.token_version,
		revoked: false,
		stepUpUntil: 0,
	};
	state.families.set(family.id, family);
	return tokensFor(state, family);
}

export function tokensFor(state: SandboxState, family: Family): Record<string, unknown> {
	const ttl = accessTtlSeconds(state);
	const accessToken = `sbx-at-${hex(24)}`;
	state.accessTokens.set(accessToken, {familyId: family.id, expiresAt: Date.now() + ttl * 1000});
	if (state.isOld) return {access_token: accessToken, token_type: 'Bearer'};
	const refreshToken = `sbx-rt-${hex(24)}`;
	state.refreshTokens.set(refreshToken, {
		familyId: family.id,
		used: false,
		expiresAt: Date.now() + 7 * 86_400_000,
	});
	return {access_token: accessToken, refresh_token: refreshToken, expires_in: ttl, token_type: 'Bearer'};
}

export function revokeFamily(state: SandboxState, familyId: string): void {
	const family = state.families.get(familyId);
	if (family) family.revoked = true;
	for (const [token, row] of state.accessTokens)
		if (row.familyId === familyId) state.accessTokens.delete(token);
	for (const [token, row] of state.refreshTokens)
		if (row.familyId === familyId) state.refreshTokens.delete(token);
}

/** Verifies `Authorization: Bearer <token>`; answers the §2.1 error and returns null on failure. */
export function verifyJwt(state: SandboxState, ctx: Ctx): {user: UserRow; family: Family} | null {
	const auth = header(ctx, 'authorization');
	if (auth === '') {
		mwFail(ctx, 401, 'UNAUTHORIZED', 'Authorization required');
		return null;
	}
	const match = state.isOld ? /^Bearer (.+)$/.exec(auth) : /^bearer\s+(.+)$/i.exec(auth);
	if (!match || match[1].trim() === '') {
		mwFail(ctx, 401, 'INVALID_AUTH_HEADER', "Authorization header format must be 'Bearer {token}'");
		return null;
	}
	const token = match[1].trim();
	const access = state.accessTokens.get(token);
	const family = access ? state.families.get(access.familyId) : undefined;
	if (!access || !family || family.revoked) {
		mwFail(ctx, 401, 'INVALID_TOKEN', 'Invalid token');
		return null;
	}
	if (access.expiresAt <= Date.now()) {
		mwFail(ctx, 401, 'TOKEN_EXPIRED', 'Token has expired');
		return null;
	}
	const user = state.liveUser(family.userId);
	if (!user) {
		mwFail(ctx, 401, 'USER_NOT_FOUND', 'User not found');
		return null;
	}
	if (user.status !== 'active') {
		mwFail(ctx, 401, 'USER_INACTIVE', 'User is not active');
		return null;
	}
	if (!state.isOld) {
		if (family.tokenVersion !== user.token_version) {
			mwFail(ctx, 401, 'TOKEN_REVOKED', 'Token has been revoked (password changed)');
			return null;
		}
		if (family.userAgent !== header(ctx, 'user-agent')) {
			revokeFamily(state, family.id);
			mwFail(ctx, 401, 'SESSION_BINDING_MISMATCH', 'Session network fingerprint changed, please login again');
			return null;
		}
	}
	return {user, family};
}

/** adminAuth (+ panel limiter fault, compliance guard on gated, step-up where required). */
export function adminRoute(state: SandboxState, handler: Handler, opts: {stepUp?: boolean} = {}): Handler {
	return async (ctx) => {
		const apiKey = header(ctx, 'x-api-key');
		if (apiKey !== '') {
			if (!safeEqual(apiKey, state.adminApiKey)) {
				mwFail(ctx, 401, 'INVALID_ADMIN_KEY', 'Invalid admin API key');
				return;
			}
			const admin = state.firstAdmin();
			if (!admin) {
				mwFail(ctx, 500, 'INTERNAL_ERROR', 'No admin user found');
				return;
			}
			ctx.actor = admin;
			ctx.authMethod = 'admin_api_key';
		} else {
			const verified = verifyJwt(state, ctx);
			if (!verified) return;
			if (verified.user.role !== 'admin') {
				mwFail(ctx, 403, 'FORBIDDEN', 'Admin access required');
				return;
			}
			ctx.actor = verified.user;
			ctx.authMethod = 'jwt';
			ctx.familyId = verified.family.id;
		}
		if (state.faults.admin_429 > 0) {
			state.faults.admin_429--;
			mwFail(ctx, 429, 'RATE_LIMITED', 'Too many requests, please slow down and try again later', {
				'retry-after': '1',
			});
			return;
		}
		if (state.isGated) {
			const exempt =
				ctx.path === '/api/v1/admin/compliance' || ctx.path.startsWith('/api/v1/admin/compliance/');
			const ack = state.complianceAcks.get(ctx.actor.id);
			if (!exempt && ack?.version !== COMPLIANCE_VERSION) {
				complianceLocked(ctx);
				return;
			}
			if (opts.stepUp && !stepUpSatisfied(state, ctx)) return;
		}
		await handler(ctx);
	};
}

function complianceLocked(ctx: Ctx): void {
	const {version, document_path_zh, document_path_en, document_url_zh, document_url_en} = complianceDocs();
	sendJson(ctx, 423, {
		code: 'ADMIN_COMPLIANCE_ACK_REQUIRED',
		message: 'administrator compliance acknowledgement is required',
		metadata: {version, document_path_zh, document_path_en, document_url_zh, document_url_en},
	});
}

function stepUpSatisfied(state: SandboxState, ctx: Ctx): boolean {
	if (ctx.authMethod === 'admin_api_key') {
		mwFail(
			ctx,
			403,
			'STEP_UP_ADMIN_API_KEY_FORBIDDEN',
			'Admin API key cannot access this endpoint; a two-factor verified admin session is required',
		);
		return false;
	}
	if (!ctx.actor?.totp_enabled) {
		mwFail(
			ctx,
			403,
			'STEP_UP_TOTP_NOT_ENABLED',
			'Two-factor authentication must be enabled for this operation',
		);
		return false;
	}
	const family = state.families.get(ctx.familyId ?? '');
	if (!family || family.stepUpUntil <= Date.now()) {
		mwFail(ctx, 403, 'STEP_UP_REQUIRED', 'This operation requires recent two-factor verification');
		return false;
	}
	return true;
}

/** JWT-authenticated user route (any role); a normal user's calls count against the panel limit. */
export function userRoute(state: SandboxState, handler: Handler): Handler {
	return async (ctx) => {
		const verified = verifyJwt(state, ctx);
		if (!verified) return;
		// The panel limiter keys per user and exempts admins by default (docs/domain.md "The host").
		if (verified.user.role !== 'admin' && !state.limiter.admit(ctx, 'user', verified.user.id)) return;
		ctx.actor = verified.user;
		ctx.authMethod = 'jwt';
		ctx.familyId = verified.family.id;
		await handler(ctx);
	};
}
