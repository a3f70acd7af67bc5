// The TUI's door into the application layer (source/app, docs/architecture.md): one Session per
// engine config, built from the same data folder and timing, so the health screens call the app
// functions the CLI calls.
import {Session} from '../app/session.js';
import type {EngineConfig} from './engine.js';

const sessions = new WeakMap<EngineConfig, Session>();

export function sessionOf(config: EngineConfig): Session {
	let session = sessions.get(config);
	if (!session) {
		session = new Session({dataDir: config.dataDir, timing: config.timing, actor: 'crm tui'});
		sessions.set(config, session);
	}
	return session;
}
