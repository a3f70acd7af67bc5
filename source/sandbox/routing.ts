// How the host picks an upstream: model mapping, upstream URLs, CC vs Responses, loopback-only calls.
import http, {type IncomingMessage} from 'node:http';
import type {SandboxState} from './state.js';
import type {AccountRow} from './types.js';

/** String-valued entries of credentials.model_mapping (others are ignored, as the host does). */
export function mappingOf(account: AccountRow): Record<string, string> {
	const raw = account.credentials?.model_mapping;
	const out: Record<string, string> = {};
	if (raw && typeof raw === 'object' && !Array.isArray(raw)) {
		for (const [key, value] of Object.entries(raw)) if (typeof value === 'string') out[key] = value;
	}
	return out;
}

/** The upstream model for `model`, or null when the account does not support it. Empty mapping = all. */
export function mapModel(account: AccountRow, model: string): string | null {
	const mapping = mappingOf(account);
	const keys = Object.keys(mapping);
	if (keys.length === 0) return model;
	if (model in mapping) return mapping[model];
	const wildcards = keys.filter((k) => k.includes('*')).sort((a, b) => b.length - a.length);
	for (const key of wildcards) {
		const [prefix, suffix] = [key.slice(0, key.indexOf('*')), key.slice(key.indexOf('*') + 1)];
		if (model.startsWith(prefix) && model.endsWith(suffix) && model.length >= prefix.length + suffix.length) {
			const target = mapping[key];
			return target.includes('*')
				? target.replace('*', model.slice(prefix.length, model.length - suffix.length))
				: target;
		}
	}
	return null;
}

export function baseUrlOf(account: AccountRow): string {
	const base = typeof account.credentials?.base_url === 'string' ? account.credentials.base_url.trim() : '';
	return (base || 'https://api.openai.com').replace(/\/+$/, '');
}

/** buildOpenAIChatCompletionsURL, newest rules (§10). */
export function chatCompletionsUrl(base: string): string {
	if (base.endsWith('/chat/completions')) return base;
	if (/\/v\d+$/.test(base)) return `${base}/chat/completions`;
	return `${base}/v1/chat/completions`;
}

export function responsesUrl(state: SandboxState, base: string): string {
	if (state.isOld) return `${base}/v1/responses`;
	if (base.endsWith('/responses')) return base;
	if (/\/v\d+$/.test(base)) return `${base}/responses`;
	return `${base}/v1/responses`;
}

/** Whether a chat completion (or account test) goes upstream as Chat Completions rather than Responses. */
export function usesChatCompletions(state: SandboxState, account: AccountRow): boolean {
	if (state.isOld) return false;
	const mode = account.extra?.openai_responses_mode;
	if (mode === 'force_chat_completions' || mode === 'passthrough') return true;
	return mode === 'auto' && account.extra?.openai_responses_supported === false;
}

export function isLoopback(url: string): boolean {
	try {
		const parsed = new URL(url);
		return (
			parsed.protocol === 'http:' &&
			['127.0.0.1', 'localhost', '[::1]'].includes(parsed.hostname.toLowerCase())
		);
	} catch {
		return false;
	}
}

/** POSTs JSON to a loopback upstream; rejects for any other address (the sandbox never leaves 127.0.0.1). */
export function postUpstream(
	url: string,
	apiKey: string,
	body: unknown,
	extraHeaders: Record<string, string> = {},
	timeoutMs = 30_000,
): Promise<IncomingMessage> {
	return new Promise((resolve, reject) => {
		if (!isLoopback(url)) {
			reject(new Error(`sandbox does not connect outside 127.0.0.1 (${url})`));
			return;
		}
		const payload = JSON.stringify(body);
		const req = http.request(url, {
			method: 'POST',
			headers: {
				'content-type': 'application/json',
				'content-length': String(Buffer.byteLength(payload)),
				authorization: `Bearer ${apiKey}`,
				...extraHeaders,
			},
			timeout: timeoutMs,
		});
		req.on('response', resolve);
		req.on('timeout', () => req.destroy(new Error('upstream timeout')));
		req.on('error', reject);
		req.end(payload);
	});
}

export function readAll(res: IncomingMessage): Promise<string> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		res.on('data', (chunk: Buffer) => chunks.push(chunk));
		res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
		res.on('error', reject);
	});
}
