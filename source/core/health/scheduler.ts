// When and how many checks run (docs/domain.md "Health"): a per-host concurrency bound, a guard so a
// batch is never checked twice at once, and each batch's next time (its interval plus jitter).
//
// Written here rather than taken from p-limit/p-queue: the watch needs one bound per host key, a
// wait that gives up when the watch is stopped, and the no-overlap guard beside it; the three
// together are a few lines, and a dependency for one of them would still leave the other two.

/** At most `limit` tasks at once per key (a host); the rest wait in arrival order. */
export class KeyedLimiter {
	private readonly running = new Map<string, number>();
	private readonly waiting = new Map<string, Array<() => void>>();
	/** The most tasks ever running at once for one key (the benchmark reports it). */
	peak = 0;

	constructor(readonly limit: number) {
		if (!Number.isInteger(limit) || limit < 1) throw new Error('limit must be a positive integer');
	}

	async run<T>(key: string, fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
		await this.acquire(key, signal);
		try {
			return await fn();
		} finally {
			this.release(key);
		}
	}

	private acquire(key: string, signal?: AbortSignal): Promise<void> {
		const now = this.running.get(key) ?? 0;
		if (now < this.limit) {
			this.take(key, now);
			return Promise.resolve();
		}
		return new Promise<void>((resolve, reject) => {
			const queue = this.waiting.get(key) ?? [];
			const go = () => {
				signal?.removeEventListener('abort', onAbort);
				this.take(key, this.running.get(key) ?? 0);
				resolve();
			};
			const onAbort = () => {
				const i = queue.indexOf(go);
				if (i >= 0) queue.splice(i, 1);
				reject(new Error('stopped'));
			};
			queue.push(go);
			this.waiting.set(key, queue);
			signal?.addEventListener('abort', onAbort, {once: true});
		});
	}

	private take(key: string, now: number): void {
		this.running.set(key, now + 1);
		this.peak = Math.max(this.peak, now + 1);
	}

	private release(key: string): void {
		this.running.set(key, (this.running.get(key) ?? 1) - 1);
		const next = this.waiting.get(key)?.shift();
		if (next) next();
	}
}

/** A batch's check never runs twice at once (a slow check outliving its interval is not doubled). */
export class NoOverlap {
	private readonly busy = new Set<string>();

	enter(id: string): boolean {
		if (this.busy.has(id)) return false;
		this.busy.add(id);
		return true;
	}

	leave(id: string): void {
		this.busy.delete(id);
	}

	get size(): number {
		return this.busy.size;
	}
}

/** The next check time: one interval later, moved by up to ±jitter of it at random. */
export function nextDue(
	lastAt: number,
	intervalMs: number,
	jitterRatio: number,
	random = Math.random,
): number {
	return lastAt + intervalMs + intervalMs * jitterRatio * (random() * 2 - 1);
}

/** The first check time of a batch not checked in this run: due now when its last check is old. */
export function firstDue(
	lastCheckAt: number | null,
	now: number,
	intervalMs: number,
	jitterRatio: number,
	random = Math.random,
): number {
	if (lastCheckAt === null) return now;
	return Math.max(now, nextDue(lastCheckAt, intervalMs, jitterRatio, random));
}
