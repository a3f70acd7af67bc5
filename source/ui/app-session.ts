// The TUI's door into the application layer (source/app, docs/architecture.md): one Session per
// engine config (and operator, who answers a host's TOTP or compliance prompts), built from the same
// data folder and timing, so the health screens call the app functions the CLI calls.
import {Session} from '../app/session.js';
import type {Operator} from '../core/hosts/access.js';
import type {EngineConfig} from './engine.js';

const sessions = new WeakMap<EngineConfig, Map<Operator | null, Session>>();

export function sessionOf(config: EngineConfig, operator: Operator | null = null): Session {
	let byOperator = sessions.get(config);
	if (!byOperator) {
		byOperator = new Map();
		sessions.set(config, byOperator);
	}
	let session = byOperator.get(operator);
	if (!session) {
		session = new Session({
			dataDir: config.dataDir,
			timing: config.timing,
			actor: 'crm tui',
			operator: operator ?? undefined,
		});
		byOperator.set(operator, session);
	}
	return session;
}
