// A signal of its own for one part of a run (a batch import's row): aborted when the run's signal
// is, with its one listener on the run's signal removed when the part ends. Rows running side by
// side then add one listener each to the run's signal instead of one per request in flight (a
// MaxListenersExceeded warning once more than ten were), and none is left behind when a run ends.
import {setMaxListeners} from 'node:events';

export interface LinkedSignal {
	signal: AbortSignal;
	/** Removes the listener from the parent signal (call when the part has ended). */
	release: () => void;
}

export function linkedSignal(parent: AbortSignal): LinkedSignal {
	const controller = new AbortController();
	if (parent.aborted) {
		controller.abort(parent.reason);
		return {signal: controller.signal, release: () => {}};
	}
	const forward = () => controller.abort(parent.reason);
	parent.addEventListener('abort', forward, {once: true});
	return {signal: controller.signal, release: () => parent.removeEventListener('abort', forward)};
}

/** Runs `fn` with a linked signal and releases it when `fn` settles, whatever happens. */
export async function withLinkedSignal<T>(
	parent: AbortSignal,
	fn: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
	const linked = linkedSignal(parent);
	try {
		return await fn(linked.signal);
	} finally {
		linked.release();
	}
}

/** A run whose parts run `parallel` at once holds that many listeners on its signal, by design. */
export function allowParallel(signal: AbortSignal, parallel: number): void {
	if (parallel >= 8) setMaxListeners(parallel + 4, signal);
}
