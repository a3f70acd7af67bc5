// The operations the service is running. Each gets its own abort signal; stopping the service aborts
// them all and waits until each has stopped at a step boundary (state consistent, the batch marked
// where it stopped), the way Ctrl-C stops a CLI run (docs/architecture.md).
import {CrmError} from '../lib/errors.js';

interface Running {
	name: string;
	controller: AbortController;
	done: Promise<unknown>;
}

export class Operations {
	private readonly running = new Set<Running>();
	private stopping = false;

	/** Runs `fn` as a tracked operation; refused once the service is stopping. */
	start<T>(name: string, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
		if (this.stopping)
			return Promise.reject(
				new CrmError('operation_failed', `the service is stopping; ${name} was not started`),
			);
		const controller = new AbortController();
		const done = fn(controller.signal);
		const entry: Running = {name, controller, done};
		this.running.add(entry);
		const forget = () => this.running.delete(entry);
		done.then(forget, forget);
		return done;
	}

	get count(): number {
		return this.running.size;
	}

	names(): string[] {
		return [...this.running].map((r) => r.name);
	}

	/** Stops every running operation cleanly and resolves when all have ended. */
	async drain(): Promise<void> {
		this.stopping = true;
		const all = [...this.running];
		for (const r of all) r.controller.abort();
		await Promise.allSettled(all.map((r) => r.done));
	}
}
