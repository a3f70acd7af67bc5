// Pacing against a host's rate limits (docs/domain.md "The host": login 20/min and refresh 30/min per
// client, a normal user's JWT calls 240/min per user): a host answering `429` with `Retry-After` has
// said when to come back, so every request of this process that counts against the same limit waits
// until then instead of hitting the host again and again. Rows of a batch import share the gates,
// so a batch far larger than a limit runs at the host's pace. One gate per host and limit.

export interface RateWait {
	method: string;
	path: string;
	/** The limit it counts against: `login`, `refresh`, `admin`, `user:<email>`, ... */
	bucket: string;
	waitMs: number;
	/** `retry-after`: this request was refused; `paced`: another request of its limit was. */
	reason: 'retry-after' | 'paced';
}

/** Requests that count against the host's per-client login and refresh limits, whoever sends them. */
export function bucketOf(path: string, fallback: string): string {
	if (path === '/api/v1/auth/login' || path === '/api/v1/auth/login/2fa') return 'login';
	if (path === '/api/v1/auth/refresh') return 'refresh';
	return fallback;
}

const closedUntil = new Map<string, number>();

/** The time (epoch ms) before which this host's limit takes no request, or 0. */
export function gateOpensAt(host: string, bucket: string): number {
	const key = `${host} ${bucket}`;
	const until = closedUntil.get(key) ?? 0;
	if (until <= Date.now()) closedUntil.delete(key);
	return until;
}

/** The host said to come back at `until` (never moves the gate earlier). */
export function closeGate(host: string, bucket: string, until: number): void {
	const key = `${host} ${bucket}`;
	if ((closedUntil.get(key) ?? 0) < until) closedUntil.set(key, until);
}

/** Waits `ms`, or rejects with the signal's reason when it is aborted first. */
export function pause(ms: number, signal?: AbortSignal): Promise<void> {
	return new Promise((resolve, reject) => {
		if (signal?.aborted) return reject(new Error('aborted'));
		const onAbort = () => {
			clearTimeout(timer);
			reject(new Error('aborted'));
		};
		const timer = setTimeout(() => {
			signal?.removeEventListener('abort', onAbort);
			resolve();
		}, ms);
		signal?.addEventListener('abort', onAbort, {once: true});
	});
}
