// The plain-429 window (docs/domain.md rule 5): a provider that answers "rate limited" (not quota) is
// asked again after the wait its Retry-After names, or a short backoff, until the window is spent;
// then the 429 is final (`upstream_rate_limited`). got's own retry counts attempts, not a time
// window, and cannot tell a quota 429 from a rate-limit 429 by the body, so the loop is ours.
import {UpstreamError} from './errors.js';

export interface RateLimitWait {
	/** How long this wait is (ms). */
	waitMs: number;
	/** Whether the provider's Retry-After set it. */
	retryAfter: boolean;
	/** 1 for the first wait. */
	attempt: number;
	url: string;
}

export interface RateLimitOptions {
	rateLimitWindowMs?: number;
	onRateLimited?: (wait: RateLimitWait) => void;
	signal?: AbortSignal;
}

const FIRST_BACKOFF_MS = 1000;
const MAX_BACKOFF_MS = 8000;
const MIN_WAIT_MS = 250;

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
	return new Promise((resolve) => {
		const timer = setTimeout(done, ms);
		function done() {
			clearTimeout(timer);
			signal?.removeEventListener('abort', done);
			resolve();
		}
		signal?.addEventListener('abort', done, {once: true});
	});
}

/** Runs `attempt`, waiting out plain 429 answers for at most the window; any other outcome is final. */
export async function withRateLimitWindow<T>(o: RateLimitOptions, attempt: () => Promise<T>): Promise<T> {
	const windowMs = Math.max(0, o.rateLimitWindowMs ?? 0);
	const deadline = Date.now() + windowMs;
	for (let retries = 0; ; retries++) {
		try {
			return await attempt();
		} catch (error) {
			if (!(error instanceof UpstreamError) || error.kind !== 'rate_limited') throw error;
			error.rateLimitRetries = retries;
			const left = deadline - Date.now();
			const asked = error.retryAfterMs;
			// Never a tight loop: a Retry-After of 0 still waits a moment.
			const waitMs = Math.max(
				MIN_WAIT_MS,
				asked ?? Math.min(FIRST_BACKOFF_MS * 2 ** retries, MAX_BACKOFF_MS),
			);
			// A Retry-After beyond the window is not waited for: the answer is final now.
			if (windowMs === 0 || waitMs > left || o.signal?.aborted) throw error;
			o.onRateLimited?.({waitMs, retryAfter: asked !== null, attempt: retries + 1, url: error.url});
			await sleep(waitMs, o.signal);
			if (o.signal?.aborted) throw error;
		}
	}
}
