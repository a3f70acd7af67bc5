// Shared helpers for the sandbox tests: boot a sandbox per test and talk to it with plain fetch.
import type {ExecutionContext} from 'ava';
import {type SandboxHandle, type SandboxOptions, startSandbox} from '../source/sandbox/index.js';

export interface Reply {
	status: number;
	headers: Headers;
	text: string;
	json: any;
}

export async function boot(t: ExecutionContext, opts: SandboxOptions = {}): Promise<SandboxHandle> {
	const sandbox = await startSandbox(opts);
	t.teardown(() => sandbox.close());
	return sandbox;
}

export async function call(
	url: string,
	init: {method?: string; headers?: Record<string, string>; body?: unknown; raw?: string} = {},
): Promise<Reply> {
	const headers: Record<string, string> = {'user-agent': 'crm-test/1', ...init.headers};
	let body: string | undefined = init.raw;
	if (init.body !== undefined) {
		body = JSON.stringify(init.body);
		headers['content-type'] = 'application/json';
	}
	const res = await fetch(url, {method: init.method ?? (body === undefined ? 'GET' : 'POST'), headers, body});
	const text = await res.text();
	let json: any;
	try {
		json = JSON.parse(text);
	} catch {
		json = undefined;
	}
	return {status: res.status, headers: res.headers, text, json};
}

/** Admin call with the admin API key. */
export function admin(
	s: SandboxHandle,
	method: string,
	path: string,
	body?: unknown,
	headers: Record<string, string> = {},
): Promise<Reply> {
	return call(`${s.info.host_url}/api/v1/admin${path}`, {
		method,
		body,
		headers: {'x-api-key': s.info.admin_api_key, ...headers},
	});
}

/** Call with a JWT. */
export function withToken(
	s: SandboxHandle,
	token: string,
	method: string,
	path: string,
	body?: unknown,
	headers: Record<string, string> = {},
): Promise<Reply> {
	return call(`${s.info.host_url}${path}`, {
		method,
		body,
		headers: {authorization: `Bearer ${token}`, ...headers},
	});
}

export async function login(
	s: SandboxHandle,
	email: string,
	password: string,
	ua = 'crm-test/1',
): Promise<Reply> {
	return call(`${s.info.host_url}/api/v1/auth/login`, {body: {email, password}, headers: {'user-agent': ua}});
}

export function control(s: SandboxHandle, method: string, path: string, body?: unknown): Promise<Reply> {
	return call(`${s.info.control_url}${path}`, {method, body, headers: {'x-api-key': s.info.admin_api_key}});
}

export function gateway(
	s: SandboxHandle,
	key: string,
	method: string,
	path: string,
	body?: unknown,
	headers: Record<string, string> = {},
): Promise<Reply> {
	return call(`${s.info.host_url}${path}`, {
		method,
		body,
		headers: {authorization: `Bearer ${key}`, ...headers},
	});
}

export const chatBody = (model: string, stream = false): Record<string, unknown> => ({
	model,
	messages: [{role: 'user', content: 'ping'}],
	max_tokens: 8,
	stream,
});

export interface Provisioned {
	groupId: number;
	accountId: number;
	userId: number;
	token: string;
	key: string;
	email: string;
	password: string;
}

let seq = 0;

/**
 * Imports a pack the portable way on a recent/old sandbox (admin API key): group, account with
 * model_mapping and force_chat_completions, a normal user with balance, the user's login and key.
 */
export async function provision(
	s: SandboxHandle,
	pack: string,
	models: Record<string, string>,
	opts: {subscription?: boolean; balance?: number; exclusive?: boolean; extra?: Record<string, unknown>} = {},
): Promise<Provisioned> {
	seq++;
	const group = await admin(s, 'POST', '/groups', {
		name: `crm-${pack}-${seq}`,
		platform: 'openai',
		rate_multiplier: 1,
		is_exclusive: opts.exclusive ?? false,
		subscription_type: opts.subscription ? 'subscription' : 'standard',
	});
	if (group.status !== 200) throw new Error(`group: ${group.text}`);
	const groupId = group.json.data.id;
	const upstream = s.info.upstreams[pack];
	const account = await admin(s, 'POST', '/accounts', {
		name: `crm-${pack}-${seq}`,
		platform: 'openai',
		type: 'apikey',
		credentials: {api_key: upstream.api_key, base_url: upstream.base_url, model_mapping: models},
		extra: opts.extra ?? {openai_responses_mode: 'force_chat_completions'},
		concurrency: 0,
		priority: 1,
		group_ids: [groupId],
	});
	if (account.status !== 200) throw new Error(`account: ${account.text}`);
	const email = `crm-${pack}-${seq}@crm.invalid`;
	const password = `pw-${seq}-secret`;
	const user = await admin(s, 'POST', '/users', {
		email,
		password,
		balance: opts.balance ?? (opts.subscription ? 0 : 10),
		concurrency: 5,
		allowed_groups: opts.exclusive ? [groupId] : [],
	});
	if (user.status !== 200) throw new Error(`user: ${user.text}`);
	const userId = user.json.data.id;
	if (opts.subscription) {
		const sub = await admin(s, 'POST', '/subscriptions/assign', {
			user_id: userId,
			group_id: groupId,
			validity_days: 30,
		});
		if (sub.status !== 200) throw new Error(`subscription: ${sub.text}`);
	}
	const session = await login(s, email, password);
	const token = session.json.data.access_token;
	const key = await withToken(s, token, 'POST', '/api/v1/keys', {name: 'smoke', group_id: groupId});
	if (key.status !== 200) throw new Error(`key: ${key.text}`);
	return {groupId, accountId: account.json.data.id, userId, token, key: key.json.data.key, email, password};
}

/** Parses `data: {...}` SSE events. */
export function sseEvents(text: string): any[] {
	return text
		.split('\n')
		.filter((line) => line.startsWith('data: ') && line !== 'data: [DONE]')
		.map((line) => JSON.parse(line.slice(6)));
}
