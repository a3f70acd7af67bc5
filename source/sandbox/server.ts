// The host's HTTP server: host-level faults, latency, routing, NoRoute (text 404 vs SPA) and errors.
import http, {type IncomingMessage, type ServerResponse} from 'node:http';
import {registerAccountRoutes} from './admin-accounts.js';
import {registerGroupRoutes} from './admin-groups.js';
import {registerSubscriptionRoutes} from './admin-subscriptions.js';
import {registerUserAdminRoutes} from './admin-users.js';
import {registerAuthRoutes} from './auth-routes.js';
import {registerCnProviderRoutes} from './admin-cn-providers.js';
import {CONTROL_PREFIX, registerControlRoutes} from './control.js';
import {registerGatewayRoutes} from './gateway.js';
import {hostileAnswer} from './hostile.js';
import {type Ctx, fail, internalError, Router, sendRaw, sleep, spa, text404} from './http-util.js';
import {applyLostAnswer} from './lost-answers.js';
import type {SandboxState} from './state.js';
import {registerUserRoutes} from './user-routes.js';

const BODY_LIMIT = 4 * 1024 * 1024;
const API_PREFIXES = ['/api/', '/v1/', '/v1beta/', '/setup/', '/health', '/responses'];

export function buildRouter(state: SandboxState): Router {
	const router = new Router();
	registerAuthRoutes(router, state);
	registerGroupRoutes(router, state);
	registerAccountRoutes(router, state);
	registerUserAdminRoutes(router, state);
	registerSubscriptionRoutes(router, state);
	registerCnProviderRoutes(router, state);
	registerUserRoutes(router, state);
	registerGatewayRoutes(router, state);
	registerControlRoutes(router, state);
	return router;
}

function readBody(req: IncomingMessage): Promise<string | null> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		let size = 0;
		req.on('data', (chunk: Buffer) => {
			size += chunk.length;
			if (size <= BODY_LIMIT) chunks.push(chunk);
		});
		req.on('end', () => resolve(size > BODY_LIMIT ? null : Buffer.concat(chunks).toString('utf8')));
		req.on('error', reject);
	});
}

/** What the gateway address serves: the user-key plane only (docs/domain.md, The host), as users call it. */
const GATEWAY_PREFIXES = ['/v1/', '/v1beta/', '/responses', '/health'];

async function handle(
	state: SandboxState,
	router: Router,
	req: IncomingMessage,
	res: ServerResponse,
	via: 'admin' | 'gateway',
): Promise<void> {
	const url = new URL(req.url ?? '/', 'http://127.0.0.1');
	const path = url.pathname;
	const method = (req.method ?? 'GET').toUpperCase();
	// Control routes are exempt from host faults and latency, so a test can always reach them.
	const isControl = via === 'admin' && (path === CONTROL_PREFIX || path.startsWith(`${CONTROL_PREFIX}/`));
	if (!isControl) {
		const entry = {method, path, status: 0, at: Date.now(), via};
		state.requestLog.push(entry);
		if (state.requestLog.length > 10_000) state.requestLog.shift();
		res.on('finish', () => (entry.status = res.statusCode));
		if (via === 'gateway' && state.faults.gateway_down) {
			req.socket.destroy();
			return;
		}
		state.inFlight += 1;
		state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
		res.on('close', () => (state.inFlight -= 1));
		if (state.faults.host_down) {
			req.socket.destroy();
			return;
		}
		if (state.faults.host_stall) return;
	}
	const rawBody = await readBody(req);
	const ctx: Ctx = {
		req,
		res,
		method,
		path,
		query: url.searchParams,
		params: {},
		rawBody: rawBody ?? '',
		truncateJson: !isControl && state.faults.host_truncated_json && path.startsWith('/api/'),
	};
	if (!isControl && state.faults.latency_ms > 0) await sleep(state.faults.latency_ms);
	if (rawBody === null) return sendRaw(ctx, 413, 'text/plain', 'request body too large');
	if (!isControl && state.faults.host_html) return spa(ctx);
	if (!isControl && applyLostAnswer(state, ctx)) return;
	if (!isControl && hostileAnswer(state, ctx)) return;
	if (via === 'gateway' && !GATEWAY_PREFIXES.some((prefix) => path.startsWith(prefix))) return text404(ctx);
	const match = router.match(method, path);
	if (!match) {
		if (API_PREFIXES.some((prefix) => path.startsWith(prefix) || path === prefix.replace(/\/$/, ''))) {
			return text404(ctx);
		}
		return spa(ctx);
	}
	ctx.params = match.params;
	try {
		await match.handler(ctx);
	} catch (error) {
		const typed = error as {status?: number; reason?: string; message?: string};
		if (res.headersSent) {
			res.end();
			return;
		}
		if (typeof typed.status === 'number') fail(ctx, typed.status, typed.message ?? 'error', typed.reason);
		else internalError(ctx);
	}
}

export function createHostServer(
	state: SandboxState,
	router: Router,
	via: 'admin' | 'gateway' = 'admin',
): http.Server {
	return http.createServer((req, res) => {
		handle(state, router, req, res, via).catch(() => {
			if (!res.headersSent && !res.destroyed) {
				res.writeHead(500, {'content-type': 'application/json'});
				res.end('{"code":500,"message":"internal error"}');
			} else res.destroy();
		});
	});
}

export function listen(server: http.Server, port: number): Promise<number> {
	return new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, '127.0.0.1', () => {
			server.off('error', reject);
			const address = server.address();
			resolve(typeof address === 'object' && address ? address.port : port);
		});
	});
}

export function closeServer(server: http.Server): Promise<void> {
	return new Promise((resolve) => {
		if (!server.listening) return resolve();
		server.close(() => resolve());
		server.closeAllConnections();
	});
}
