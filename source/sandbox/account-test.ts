// POST /api/v1/admin/accounts/:id/test: an SSE stream, HTTP 200 even on failure (§5).
import {type Ctx, fail, parseBody} from './http-util.js';
import {
	baseUrlOf,
	chatCompletionsUrl,
	mapModel,
	postUpstream,
	readAll,
	responsesUrl,
	usesChatCompletions,
} from './routing.js';
import {DEFAULT_TEST_MODEL, nowIso, type SandboxState} from './state.js';
import type {AccountRow} from './types.js';
import {validate} from './validate.js';

const CC_PREFIX = 'Chat Completions API (/v1/chat/completions) returned';

/** Text of an upstream chat answer, JSON or SSE. */
export function extractContent(contentType: string, text: string): string {
	if (contentType.includes('text/event-stream')) {
		let out = '';
		for (const line of text.split('\n')) {
			if (!line.startsWith('data:')) continue;
			const data = line.slice(5).trim();
			if (data === '[DONE]' || data === '') continue;
			try {
				const chunk = JSON.parse(data);
				out += chunk.choices?.[0]?.delta?.content ?? '';
			} catch {
				// ignore malformed chunks
			}
		}
		return out;
	}
	try {
		return String(JSON.parse(text).choices?.[0]?.message?.content ?? '');
	} catch {
		return '';
	}
}

export async function runAccountTest(state: SandboxState, ctx: Ctx, account: AccountRow): Promise<void> {
	const body = parseBody(ctx, 'admin.TestAccountRequest', true);
	if (!body) return;
	const error = validate('TestAccountRequest', body, {
		model_id: {type: 'string'},
		prompt: {type: 'string'},
		mode: {type: 'string'},
	});
	if (error) return fail(ctx, 400, error);
	const meta = state.accountMeta.get(account.id) ?? {tests: 0, warmup503Left: 0};
	state.accountMeta.set(account.id, meta);
	meta.tests++;
	const requested: string = body.model_id || DEFAULT_TEST_MODEL;
	const model = mapModel(account, requested) ?? requested;
	const cc = usesChatCompletions(state, account);

	ctx.res.writeHead(200, {
		'content-type': 'text/event-stream',
		'cache-control': 'no-cache',
		connection: 'keep-alive',
	});
	const send = (event: Record<string, unknown>): void => {
		ctx.res.write(`data: ${JSON.stringify(event)}\n\n`);
	};
	send({type: 'test_start', model});
	// A test that hangs upstream of the host: the stream stays open and never finishes.
	if (state.faults.account_test_stall) return;

	if (meta.tests === 1 && state.faults.first_account_test_403) {
		send({type: 'error', error: `${CC_PREFIX} 403: {"error":{"message":"Forbidden","type":"forbidden"}}`});
		ctx.res.end();
		return;
	}
	if (cc) send({type: 'status', text: '正在通过 /v1/chat/completions 测试连接'});

	const base = baseUrlOf(account);
	const url = cc ? chatCompletionsUrl(base) : responsesUrl(state, base);
	const prompt = body.prompt || 'hi';
	const payload = cc
		? {model, messages: [{role: 'user', content: prompt}], max_tokens: 16, stream: true}
		: {model, input: [{role: 'user', content: prompt}], stream: true, store: false};
	const apiKey = typeof account.credentials.api_key === 'string' ? account.credentials.api_key : '';
	try {
		const upstream = await postUpstream(url, apiKey, payload);
		const text = await readAll(upstream);
		const status = upstream.statusCode ?? 0;
		if (status >= 400) {
			send({type: 'error', error: `${cc ? CC_PREFIX : 'API returned'} ${status}: ${text}`});
			applyFailure(state, account, status, text);
		} else {
			const content = extractContent(String(upstream.headers['content-type'] ?? ''), text);
			if (content) send({type: 'content', text: content});
			send({type: 'test_complete', success: true});
			if (!state.isOld) recover(account);
		}
	} catch (caught) {
		send({type: 'error', error: `Request failed: ${(caught as Error).message}`});
	}
	ctx.res.end();
}

function applyFailure(state: SandboxState, account: AccountRow, status: number, text: string): void {
	if (state.isOld) return;
	const now = nowIso();
	if (status === 401) {
		account.status = 'error';
		account.error_message = `Authentication failed (401): ${text.slice(0, 200)}`;
		account.updated_at = now;
	} else if (status === 429) {
		account.rate_limited_at = now;
		account.rate_limit_reset_at = new Date(Date.now() + 5 * 60_000).toISOString();
		account.updated_at = now;
	}
}

function recover(account: AccountRow): void {
	if (account.status === 'error') {
		account.status = 'active';
		account.error_message = '';
	}
	account.rate_limited_at = null;
	account.rate_limit_reset_at = null;
}
