// Every wait and retry window an operation uses, with its default: written here once. Views never
// hold a default of their own; the app session resolves defaults, then the environment, then what
// the caller gives (docs/architecture.md "Timing").
export interface Timing {
	/** Per HTTP request of an operation (import, reconcile, rollback, repair, smoke). */
	requestTimeoutMs: number;
	/** Per HTTP request of a host probe while registering or re-probing a host. */
	probeTimeoutMs: number;
	/** Total window for retrying the access smoke (503 warm-up, stale models list). */
	smokeRetryMs: number;
	/** Pause between smoke attempts. */
	smokeRetryIntervalMs: number;
	/** Window for waiting out a provider's plain 429 (honouring Retry-After) before it is final. */
	upstreamRetryMs: number;
}

export const DEFAULT_TIMING: Timing = {
	requestTimeoutMs: 15_000,
	probeTimeoutMs: 8_000,
	smokeRetryMs: 25_000,
	smokeRetryIntervalMs: 1_000,
	upstreamRetryMs: 30_000,
};

/** The defaults with what the caller gave over them. */
export function withDefaults(given: Partial<Timing> = {}): Timing {
	const out = {...DEFAULT_TIMING};
	for (const key of Object.keys(out) as Array<keyof Timing>) {
		const value = given[key];
		if (value !== undefined) out[key] = value;
	}
	return out;
}
