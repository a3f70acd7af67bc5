// The host's rate limits (docs/domain.md "The host": login limits, the panel's rate limiter), as the host applies
// them: fixed windows (a counter per key that resets at each window boundary), logins and refreshes
// counted per client address, a normal user's JWT calls per user (admins exempt), and a refusal of
// `429 {"code":"RATE_LIMITED"}` with `Retry-After` (whole seconds to the window's end). The old build
// has none of them. Limits are settable so that tests can make a batch far larger than a window.
import {type Ctx, mwFail} from './http-util.js';
import type {SandboxProfile} from './types.js';

export interface SandboxRateLimits {
	/** `POST /api/v1/auth/login` and `/login/2fa` per window, per client address; 0 = no limit. */
	login: number;
	/** `POST /api/v1/auth/refresh` per window, per client address; 0 = no limit. */
	refresh: number;
	/** A normal user's JWT calls (keys, available groups, profile) per window, per user; 0 = no limit. */
	user: number;
	/** Length of a window in ms (the host's is one minute). */
	window_ms: number;
}

export function defaultRateLimits(profile: SandboxProfile): SandboxRateLimits {
	if (profile === 'old') return {login: 0, refresh: 0, user: 0, window_ms: 60_000};
	return {login: 20, refresh: 30, user: 240, window_ms: 60_000};
}

const KEYS: ReadonlyArray<keyof SandboxRateLimits> = ['login', 'refresh', 'user', 'window_ms'];

/** Merges a partial update in place, all or nothing; throws an Error naming the bad field. */
export function mergeRateLimits(limits: SandboxRateLimits, patch: unknown): SandboxRateLimits {
	if (patch === null || typeof patch !== 'object' || Array.isArray(patch))
		throw new Error('rate limits must be an object');
	const next = {...limits};
	for (const [key, value] of Object.entries(patch as Record<string, unknown>)) {
		if (!(KEYS as readonly string[]).includes(key)) throw new Error(`unknown rate limit: ${key}`);
		const min = key === 'window_ms' ? 1 : 0;
		if (typeof value !== 'number' || !Number.isInteger(value) || value < min)
			throw new Error(`${key} must be an integer of at least ${min}`);
		next[key as keyof SandboxRateLimits] = value;
	}
	return Object.assign(limits, next);
}

interface Window {
	start: number;
	count: number;
}

export class RateLimiter {
	private readonly windows = new Map<string, Window>();
	/** Refusals so far, per kind (login, refresh, user): tests read them through the snapshot. */
	readonly refused: Record<string, number> = {};

	constructor(readonly limits: SandboxRateLimits) {}

	/**
	 * Counts one request under `kind` for `who`; answers the 429 and returns false when the window is
	 * full. A limit of 0 counts nothing.
	 */
	admit(ctx: Ctx, kind: 'login' | 'refresh' | 'user', who: string | number): boolean {
		const limit = this.limits[kind];
		if (limit <= 0) return true;
		const now = Date.now();
		const span = this.limits.window_ms;
		const start = now - (now % span);
		const key = `${kind}:${who}`;
		let window = this.windows.get(key);
		if (!window || window.start !== start) {
			window = {start, count: 0};
			this.windows.set(key, window);
		}
		window.count += 1;
		if (window.count <= limit) return true;
		this.refused[kind] = (this.refused[kind] ?? 0) + 1;
		const retryAfter = Math.max(1, Math.ceil((start + span - now) / 1000));
		mwFail(ctx, 429, 'RATE_LIMITED', 'Too many requests, please slow down and try again later', {
			'retry-after': String(retryAfter),
		});
		return false;
	}
}

/** The client address a per-address limit counts under. */
export function clientAddress(ctx: Ctx): string {
	return ctx.req.socket.remoteAddress ?? 'unknown';
}
