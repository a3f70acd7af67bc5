// What every route receives: the service's token, version, data folder, the running operations, the
// live event hub, and a way to make the application session an operation runs in (docs/architecture.md:
// the service is a view of source/app, like the CLI and the TUI).
import {Session, type SessionOptions} from '../app/session.js';
import type {StateStore} from '../store/state-store.js';
import type {EventHub} from './events.js';
import type {Operations} from './operations.js';

export interface ServiceDeps {
	version: string;
	token: string;
	dataDir: string;
	startedAt: string;
	hub: EventHub;
	ops: Operations;
	/** Aborted when the service starts stopping: long-lived streams end. */
	stopping: AbortSignal;
	/** Whether the health loop runs inside this service (`--watch`). */
	watching: boolean;
	log(line: string): void;
	/** The current state, read-only and shared between requests (re-read when state.json changes). */
	read(): Promise<StateStore>;
	/** An answer computed from the current state, computed once per version of state.json. */
	derived<T>(key: string, compute: (store: StateStore) => T): Promise<T>;
	/** A session for one operation; `waitS` is how long it waits for a busy data folder. */
	session(waitS?: number): Session;
}

export function sessionFactory(base: SessionOptions): (waitS?: number) => Session {
	return (waitS) => new Session({...base, lockWaitMs: waitS === undefined ? base.lockWaitMs : waitS * 1000});
}
