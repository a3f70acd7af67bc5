// What the TUI remembers between runs (docs/architecture.md "Views"): kept in state.json under `tui`
// with the rest of the data folder, never a secret (the batch import's file path, not its keys).
import type {State, TuiSettings} from '../store/schema.js';
import type {Session} from './session.js';

export type {TuiSettings};

export function tuiSettingsOf(state: State | null): TuiSettings {
	return state?.tui ?? {};
}

/** Merges `patch` into the stored settings (under the lock, briefly). */
export async function saveTuiSettings(session: Session, patch: Partial<TuiSettings>): Promise<TuiSettings> {
	return session.withLock('tui settings', async (store) => {
		const next = {...store.data.tui, ...patch};
		store.data.tui = next;
		await store.write();
		return next;
	});
}
