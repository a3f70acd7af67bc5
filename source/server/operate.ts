// Running one operation for a request: a session that waits `?wait_s=` for a busy data folder (else
// 409 naming the holder at once), answered by the request's own operator fields (a TOTP code, the
// compliance acknowledgement), tracked so that stopping the service stops it at a step boundary.
import type {Run, Session} from '../app/session.js';
import type {ServiceDeps} from './deps.js';

export interface OperatorFields {
	totp?: string;
	accept_compliance?: boolean;
}

/** The session for one request: its lock wait and its operator. */
export function requestSession(
	deps: ServiceDeps,
	waitS: number | undefined,
	o: OperatorFields = {},
): Session {
	const session = deps.session(waitS);
	if (o.totp === undefined && o.accept_compliance === undefined) return session;
	// A 6-digit code is not registered as a secret (it would mask digits everywhere, e.g. in batch
	// ids); it is used once and never written.
	return session.withOperator({
		totp: o.totp === undefined ? undefined : async () => o.totp!,
		acceptCompliance: async () => o.accept_compliance === true,
	});
}

/** Runs `fn` as a tracked operation; its step events go nowhere (the answer is the result). */
export function operate<T>(
	deps: ServiceDeps,
	name: string,
	session: Session,
	fn: (session: Session, run: Run) => Promise<T>,
): Promise<T> {
	return deps.ops.start(name, (signal) => fn(session, {sink: () => {}, signal}));
}
