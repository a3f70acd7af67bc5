// Errors of a provider's own API, classified the way docs/domain.md "Failure classes" needs them
// (quota vs auth vs rate limit vs unavailable), from each provider's real answers.
import {redactText} from '../lib/secrets.js';
import {businessCode, kindFromBusinessCode} from './dialects.js';

export type UpstreamErrorKind =
	| 'auth'
	| 'quota'
	| 'not_found'
	| 'rate_limited'
	| 'server'
	| 'network'
	| 'timeout'
	| 'bad_response'
	/** The key works but its plan does not cover the model (MiniMax 2061, GLM 1311). */
	| 'not_in_plan'
	/** The answer's body was over the cap (4 MiB); it was not read. */
	| 'too_large';

export class UpstreamError extends Error {
	override name = 'UpstreamError';
	kind: UpstreamErrorKind;
	status: number | null;
	/** At most 512 characters of the answer, secrets redacted. */
	body: string;
	/** Request URL without query string. */
	url: string;
	/** The provider's business code (MiniMax base_resp, GLM error.code), when it sent one. */
	code: number | null;
	/** What a 429's Retry-After asked for (ms), when it said. */
	retryAfterMs: number | null;
	/** How many plain 429 answers were waited out before this error (the rate-limit window). */
	rateLimitRetries = 0;

	constructor(init: {
		kind: UpstreamErrorKind;
		status: number | null;
		body?: string;
		url: string;
		message: string;
		code?: number | null;
		retryAfterMs?: number | null;
	}) {
		super(init.message);
		this.kind = init.kind;
		this.status = init.status;
		this.body = init.body ?? '';
		this.url = init.url;
		this.code = init.code ?? null;
		this.retryAfterMs = init.retryAfterMs ?? null;
	}

	toJSON(): Record<string, unknown> {
		return {
			kind: this.kind,
			status: this.status,
			code: this.code,
			url: this.url,
			message: this.message,
			body: this.body,
		};
	}
}

/**
 * Balance/quota wording across providers: DeepSeek/StepFun 402 "Insufficient Balance", Moonshot 429
 * `exceeded_current_quota_error`, Kimi 429 "suspended due to insufficient balance" (2026) and 403
 * insufficient balance, Zhipu 429 business code 1113 "账户已欠费", DashScope `Arrearage`, Volcengine
 * 403 `AccountOverdueError`, SiliconFlow 403 余额不足, sub2api relays 403 INSUFFICIENT_BALANCE, Kimi
 * Coding 403 "reached your usage limit".
 */
export const QUOTA_PATTERN =
	/quota|balance|insufficient|arrearage|欠费|余额不足|overdue|usage limit|suspended|(^|[^\d])1113([^\d]|$)/i;

/** DashScope `Throttling.RateQuota` / `Throttling.AllocationQuota` are request-rate limits despite the word. */
const THROTTLING = /"Throttling(\.[A-Za-z]+)?"/;

export function classifyUpstreamAnswer(status: number, body: string): UpstreamErrorKind {
	// A business code decides before the HTTP status (MiniMax 1008 comes as 402, 429, 500 or 200).
	const byCode = kindFromBusinessCode(businessCode(body));
	if (byCode && byCode !== 'bad_response') return byCode;
	const quota = QUOTA_PATTERN.test(body) && !(status === 429 && THROTTLING.test(body));
	if (status === 402) return 'quota';
	if ((status === 400 || status === 403 || status === 429) && quota) return 'quota';
	if (status === 401 || status === 403) return 'auth';
	if (status === 429) return 'rate_limited';
	if (status === 404 || status === 405) return 'not_found';
	if (status === 408) return 'timeout';
	if (status >= 500) return 'server';
	return 'bad_response';
}

/** At most 512 characters of an answer, every known secret redacted first (docs/domain.md). */
export function safeBody(body: string): string {
	return redactText(body).slice(0, 512);
}
