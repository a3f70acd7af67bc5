// Reads for a busy service: state.json is parsed and checked once per version of the file, not once
// per request (at 10,000 batches one open costs a few hundred ms, and 50 clients at once would queue
// behind it). The version is the file's inode, size and mtime, taken before the read, so a file
// replaced meanwhile is simply read again next time; writers replace state.json by rename. Answers
// derived from one version (the status rows) are kept with it.
import {statSync} from 'node:fs';
import type {Session} from '../app/session.js';
import type {StateStore} from '../store/state-store.js';

function version(file: string): string {
	try {
		const s = statSync(file, {bigint: true});
		return `${s.ino}:${s.size}:${s.mtimeNs}`;
	} catch {
		return 'absent';
	}
}

export class ReadCache {
	private cached: {version: string; store: Promise<StateStore>; derived: Map<string, unknown>} | null = null;

	constructor(private readonly session: () => Session) {}

	/** A read-only store of the current state.json (shared: callers must not change it). */
	read(): Promise<StateStore> {
		const session = this.session();
		const current = version(`${session.dataDir}/state.json`);
		if (this.cached?.version !== current) {
			const store = session.read();
			this.cached = {version: current, store, derived: new Map()};
			store.catch(() => {
				if (this.cached?.store === store) this.cached = null;
			});
		}
		return this.cached.store;
	}

	/**
	 * An answer computed from the state (status rows over 10,000 batches take tens of ms), kept for as
	 * long as this version of state.json is current. `key` names the answer and its input.
	 */
	async derived<T>(key: string, compute: (store: StateStore) => T): Promise<T> {
		const store = await this.read();
		const cached = this.cached;
		if (cached && (await cached.store) === store) {
			if (!cached.derived.has(key)) cached.derived.set(key, compute(store));
			return cached.derived.get(key) as T;
		}
		return compute(store);
	}
}
