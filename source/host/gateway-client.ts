// The user-key plane of a host (docs/domain.md "The host"): `GET /v1/models` and a minimal `POST /v1/chat/completions`.
// Gateway errors come as middleware codes (INVALID_API_KEY, INSUFFICIENT_BALANCE, ...) or OpenAI-style
// `{"error":{"type","message"}}`; both become HostError. Chat is never retried (the caller decides).
import {HostError} from './errors.js';
import {ModelListSchema} from './schemas.js';
import {isEventStream, parseSse} from './sse.js';
import {HostTransport, errorOf, isOk, parseJson} from './transport.js';
import {safeText} from '../lib/safe-text.js';
import {redactText, registerSecret} from '../lib/secrets.js';

export interface GatewayClientOptions {
	baseUrl: string;
	apiKey: string;
	timeoutMs?: number;
	signal?: AbortSignal;
	userAgent?: string;
	/** Retries of GET /v1/models on network errors and 5xx/429; default 1. */
	retries?: number;
}

export interface ChatRequest {
	model: string;
	stream?: boolean;
	prompt?: string;
	max_tokens?: number;
}

export interface ChatResult {
	status: number;
	type: 'json' | 'stream';
	content: string;
	/** First 80 characters of the content. */
	preview: string;
}

export class GatewayClient {
	readonly transport: HostTransport;
	private readonly apiKey: string;

	constructor(o: GatewayClientOptions) {
		// The smoke has its own bounded retry window for 429s (rate_limit_error): no pacing here.
		this.transport = new HostTransport({
			...o,
			timeoutMs: o.timeoutMs ?? 30_000,
			retries: o.retries ?? 1,
			rateRetries: 0,
		});
		this.apiKey = o.apiKey;
		registerSecret(o.apiKey);
	}

	async models(): Promise<string[]> {
		const path = '/v1/models';
		const res = await this.transport.send('GET', path, {headers: this.headers()});
		if (!isOk(res)) throw errorOf(res, 'GET', path);
		const parsed = ModelListSchema.safeParse(parseJson(res, 'GET', path));
		if (!parsed.success) {
			throw new HostError({
				kind: 'not_sub2api',
				status: res.status,
				code: 'SCHEMA_MISMATCH',
				message: 'GET /v1/models: answer is not an OpenAI model list',
				method: 'GET',
				path,
			});
		}
		return parsed.data.data.map((m) => m.id);
	}

	async chat(b: ChatRequest): Promise<ChatResult> {
		const path = '/v1/chat/completions';
		const stream = b.stream ?? false;
		const res = await this.transport.send('POST', path, {
			headers: {...this.headers(), ...(stream ? {accept: 'text/event-stream'} : {})},
			json: {
				model: b.model,
				messages: [{role: 'user', content: b.prompt ?? 'ping'}],
				max_tokens: b.max_tokens ?? 8,
				stream,
			},
			retryable: false,
		});
		if (!isOk(res)) throw errorOf(res, 'POST', path);
		if (isEventStream(res.contentType, res.body)) {
			const content = this.streamContent(res.body, path);
			return {status: res.status, type: 'stream', content, preview: preview(content)};
		}
		const json = parseJson(res, 'POST', path);
		const content = messageContent(json);
		if (content === null) {
			throw new HostError({
				kind: 'not_sub2api',
				status: res.status,
				code: 'SCHEMA_MISMATCH',
				message: 'POST /v1/chat/completions: answer has no choices[0].message',
				method: 'POST',
				path,
			});
		}
		return {status: res.status, type: 'json', content, preview: preview(content)};
	}

	private streamContent(body: string, path: string): string {
		let content = '';
		for (const e of parseSse(body)) {
			if (e.data === '[DONE]') break;
			const o = e.json as Record<string, unknown> | null;
			if (e.event === 'error' || (o && typeof o === 'object' && 'error' in o && o.error)) {
				const err = (o?.error ?? {}) as Record<string, unknown>;
				throw new HostError({
					kind: 'upstream_error',
					status: 200,
					code: typeof err.type === 'string' ? err.type : 'stream_error',
					message: `POST ${path}: error inside the stream: ${redactText(String(err.message ?? e.data)).slice(0, 200)}`,
					method: 'POST',
					path,
				});
			}
			const choice = Array.isArray(o?.choices)
				? (o.choices[0] as Record<string, unknown> | undefined)
				: undefined;
			const delta = choice?.delta as Record<string, unknown> | undefined;
			if (typeof delta?.content === 'string') content += delta.content;
			else if (typeof delta?.reasoning_content === 'string') content += delta.reasoning_content;
		}
		return content;
	}

	private headers(): Record<string, string> {
		return {authorization: `Bearer ${this.apiKey}`};
	}
}

function messageContent(json: unknown): string | null {
	const o = json as {choices?: Array<{message?: {content?: unknown; reasoning_content?: unknown}}>} | null;
	const msg = o?.choices?.[0]?.message;
	if (!msg) return null;
	if (typeof msg.content === 'string' && msg.content !== '') return msg.content;
	if (typeof msg.reasoning_content === 'string') return msg.reasoning_content;
	return typeof msg.content === 'string' ? msg.content : '';
}

/** The first 80 characters of a reply, printable and redacted (a reply can carry escape sequences). */
export function preview(s: string): string {
	return redactText(safeText(s)).slice(0, 80);
}
