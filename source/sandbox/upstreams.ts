// Fake upstream providers (one path prefix per pack) with each provider's URL shape, models and errors.
import http, {type IncomingMessage, type ServerResponse} from 'node:http';
import {randomBytes} from 'node:crypto';
import {sleep} from './http-util.js';
import {streamHugeJson} from './hostile.js';
import {hex, type SandboxState} from './state.js';
import {balanceAnswer} from './upstream-billing.js';

type Answer = [number, unknown];

interface PackSpec {
	id: string;
	/** Base path a pack's base_url ends with. */
	basePath: string;
	listed: string[];
	modelsPaths: string[];
	chatPaths: string[];
	auth: () => Answer;
	quota: () => Answer;
	rateLimit: () => Answer;
	notFound: (model: string) => Answer;
}

const openaiError = (message: string, type: string, code: string | null = null): unknown => ({
	error: {message, type, param: null, code},
});

export const PACKS: PackSpec[] = [
	{
		id: 'deepseek',
		basePath: '/deepseek',
		listed: ['deepseek-flash', 'deepseek-v4-pro', 'deepseek-v4-flash'],
		modelsPaths: ['/deepseek/models', '/deepseek/v1/models'],
		chatPaths: ['/deepseek/chat/completions', '/deepseek/v1/chat/completions'],
		auth: () => [
			401,
			openaiError(
				'Authentication Fails, Your api key is invalid',
				'authentication_error',
				'invalid_request_error',
			),
		],
		quota: () => [402, openaiError('Insufficient Balance', 'unknown_error', 'invalid_request_error')],
		rateLimit: () => [429, openaiError('Rate Limit Reached', 'rate_limit_error', 'rate_limit_exceeded')],
		notFound: (m) => [
			404,
			openaiError(`Model Not Exist: model not found: ${m}`, 'invalid_request_error', 'model_not_found'),
		],
	},
	{
		id: 'kimi',
		basePath: '/kimi/v1',
		listed: ['kimi-k3', 'kimi-k2.7-code', 'kimi-k2.6'],
		modelsPaths: ['/kimi/v1/models'],
		chatPaths: ['/kimi/v1/chat/completions'],
		auth: () => [401, {error: {message: 'Invalid Authentication', type: 'invalid_authentication_error'}}],
		quota: () => [
			429,
			{
				error: {
					type: 'exceeded_current_quota_error',
					message:
						'Your account org-sandbox is suspended due to insufficient balance, please recharge your account or check your plan and billing details',
				},
			},
		],
		rateLimit: () => [
			429,
			{
				error: {
					type: 'rate_limit_reached_error',
					message: 'Your account org-sandbox request reached max RPM: 3',
				},
			},
		],
		notFound: (m) => [404, {error: {type: 'resource_not_found_error', message: `model not found: ${m}`}}],
	},
	{
		id: 'minimax',
		basePath: '/minimax/v1',
		listed: ['MiniMax-M3', 'MiniMax-M2.7', 'MiniMax-M2.5'],
		modelsPaths: ['/minimax/v1/models'],
		chatPaths: ['/minimax/v1/chat/completions'],
		auth: () => [
			401,
			{
				base_resp: {
					status_code: 1004,
					status_msg: 'login fail: Please carry the API secret key in the Authorization field',
				},
			},
		],
		quota: () => [429, {base_resp: {status_code: 1008, status_msg: 'insufficient balance'}}],
		rateLimit: () => [429, {base_resp: {status_code: 1002, status_msg: 'rate limit exceeded(RPM)'}}],
		notFound: (m) => [
			404,
			{base_resp: {status_code: 2013, status_msg: `invalid params, model not found: ${m}`}},
		],
	},
	{
		id: 'qwen',
		basePath: '/qwen/compatible-mode/v1',
		listed: ['qwen3.8-max', 'qwen3.7-plus', 'qwen3-coder-plus', 'qwen3.8-flash'],
		modelsPaths: [],
		chatPaths: ['/qwen/compatible-mode/v1/chat/completions'],
		auth: () => [401, {code: 'InvalidApiKey', message: 'Invalid API-key provided.', type: 'InvalidApiKey'}],
		quota: () => [
			400,
			{
				code: 'Arrearage',
				message: 'Access denied, please make sure your account is in good standing.',
				type: 'Arrearage',
			},
		],
		rateLimit: () => [
			429,
			{
				code: 'Throttling',
				message: 'Requests rate limit exceeded, please try again later.',
				type: 'Throttling',
			},
		],
		notFound: (m) => [
			404,
			{
				code: 'ModelNotFound',
				message: `The model \`${m}\` does not exist or you do not have access to it. model not found`,
				type: 'ModelNotFound',
			},
		],
	},
	{
		id: 'glm',
		basePath: '/glm/api/paas/v4',
		listed: ['glm-5.2', 'glm-5.1', 'glm-4.7-flash'],
		modelsPaths: ['/glm/api/paas/v4/models'],
		chatPaths: ['/glm/api/paas/v4/chat/completions'],
		auth: () => [
			401,
			{error: {code: '1002', message: 'Authorization Token非法，请确认Authorization Token正确传递。'}},
		],
		quota: () => [429, {error: {code: '1113', message: '账户已欠费'}}],
		rateLimit: () => [
			429,
			{error: {code: '1302', message: '您当前使用该API的并发数过高，请降低并发，或联系客服增加限额。'}},
		],
		notFound: (m) => [
			404,
			{error: {code: '1211', message: `模型不存在，请检查模型代码。model not found: ${m}`}},
		],
	},
	{
		id: 'step',
		basePath: '/step/v1',
		listed: ['step-3.7-flash', 'step-3.5-flash'],
		modelsPaths: ['/step/v1/models'],
		chatPaths: ['/step/v1/chat/completions'],
		auth: () => [401, {error: {message: 'Incorrect API key provided', type: 'invalid_api_key'}}],
		quota: () => [402, {error: {message: 'insufficient balance', type: 'insufficient_balance'}}],
		rateLimit: () => [429, {error: {message: 'rate limit exceeded', type: 'rate_limit_error'}}],
		notFound: (m) => [404, {error: {message: `model not found: ${m}`, type: 'invalid_request_error'}}],
	},
	{
		id: 'relay',
		basePath: '/relay/v1',
		listed: ['deepseek-flash', 'qwen3.8-flash', 'glm-5.1', 'gpt-4o-mini'],
		modelsPaths: ['/relay/v1/models'],
		chatPaths: ['/relay/v1/chat/completions'],
		auth: () => [401, {error: {message: '无效的令牌 (request id: sandbox)', type: 'new_api_error'}}],
		quota: () => [
			403,
			{error: {message: '用户额度不足 insufficient quota, 剩余额度: ＄0.000000', type: 'new_api_error'}},
		],
		rateLimit: () => [
			429,
			{error: {message: '当前分组上游负载已饱和，请稍后再试 (rate limited)', type: 'new_api_error'}},
		],
		notFound: (m) => [404, {error: {message: `model not found: ${m}`, type: 'new_api_error'}}],
	},
];

export const PACK_IDS = PACKS.map((p) => p.id);

/** GLM's coding-plan endpoint: same provider, another path, its own keys (docs/domain.md, Providers). */
export const GLM_CODING_PATH = '/glm/api/coding/paas/v4';
export const GLM_CODING_KEY = 'glm-coding';

export function upstreamKeys(): Record<string, string> {
	return Object.fromEntries([...PACK_IDS, GLM_CODING_KEY].map((id) => [id, `sk-fake-${id}-${hex(16)}`]));
}

function send(res: ServerResponse, [status, body]: Answer, headers: Record<string, string> = {}): void {
	const text = JSON.stringify(body);
	res.writeHead(status, {
		'content-type': 'application/json',
		'content-length': String(Buffer.byteLength(text)),
		...headers,
	});
	res.end(text);
}

/** The words each provider sends with a business code (the code, not the words, carries the meaning). */
const CODE_MESSAGES: Record<string, Record<number, string>> = {
	minimax: {
		1002: 'rate limit exceeded(RPM)',
		1004: 'login fail: Please carry the API secret key in the Authorization field',
		1008: 'insufficient balance',
		1028: 'token plan request count used up for this period',
		1030: 'token plan exhausted, renew the plan',
		2061: 'your current token plan does not support model',
	},
	glm: {1113: '账户已欠费，请充值后重试。', 1308: '已达到套餐使用上限', 1311: '当前套餐不支持该模型'},
};

/** A business-code answer in the provider's own dialect. */
function codeAnswer(pack: string, fault: {code: number; status: number}): Answer {
	const message = CODE_MESSAGES[pack]?.[fault.code] ?? `error ${fault.code}`;
	if (pack === 'minimax')
		return [fault.status, {id: '', choices: null, base_resp: {status_code: fault.code, status_msg: message}}];
	return [fault.status, {error: {code: String(fault.code), message}}];
}

/** Takes one of a pack's counted plain 429s, if any are left. */
function take429(state: SandboxState, pack: string): {retry_after_s: number} | null {
	const fault = state.faults.upstream_429[pack];
	if (!fault || fault.count <= 0) return null;
	fault.count -= 1;
	return fault;
}

function readBody(req: IncomingMessage): Promise<string> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
		req.on('error', reject);
	});
}

const ESC = String.fromCharCode(27);
const BEL = String.fromCharCode(7);
/** What a hostile provider's /models adds: escape sequences, a space, a wildcard, an overlong id. */
export const HOSTILE_MODEL_IDS = [
	`evil${ESC}[2J${ESC}]0;owned${BEL}-model`,
	'has space',
	'wild*card',
	`x${'y'.repeat(200)}`,
];
/** Put before a hostile provider's reply: clear the screen, set the title, ring the bell. */
export const HOSTILE_REPLY = `${ESC}[2J${ESC}[H${ESC}]0;owned${BEL}${BEL}`;
/** 5 MiB: over the client's 4 MiB cap for an upstream answer. */
export const HUGE_UPSTREAM_BODY_BYTES = 5 * 1024 * 1024;

function chatAnswer(res: ServerResponse, pack: string, model: string, body: any, prefix = ''): void {
	const id = `chatcmpl-${randomBytes(8).toString('hex')}`;
	const created = Math.floor(Date.now() / 1000);
	const content = `${prefix}pong from ${pack}/${model}`;
	const usage = {prompt_tokens: 5, completion_tokens: 4, total_tokens: 9};
	if (body.stream !== true) {
		send(res, [
			200,
			{
				id,
				object: 'chat.completion',
				created,
				model,
				choices: [{index: 0, message: {role: 'assistant', content}, finish_reason: 'stop'}],
				usage,
			},
		]);
		return;
	}
	res.writeHead(200, {'content-type': 'text/event-stream', 'cache-control': 'no-cache'});
	const chunk = (delta: Record<string, unknown>, finish: string | null): string =>
		`data: ${JSON.stringify({id, object: 'chat.completion.chunk', created, model, choices: [{index: 0, delta, finish_reason: finish}]})}\n\n`;
	res.write(chunk({role: 'assistant', content: ''}, null));
	for (const word of content.split(/(?= )/)) res.write(chunk({content: word}, null));
	res.write(chunk({}, 'stop'));
	if (body.stream_options?.include_usage) {
		res.write(
			`data: ${JSON.stringify({id, object: 'chat.completion.chunk', created, model, choices: [], usage})}\n\n`,
		);
	}
	res.end('data: [DONE]\n\n');
}

async function handle(
	state: SandboxState,
	keys: Record<string, string>,
	req: IncomingMessage,
	res: ServerResponse,
): Promise<void> {
	const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
	const pack = PACKS.find((p) => path === p.basePath || path.startsWith(`/${p.id}/`));
	const raw = await readBody(req);
	let body: any;
	try {
		body = raw ? JSON.parse(raw) : {};
	} catch {
		body = null;
	}
	const model = body && typeof body.model === 'string' ? body.model : null;
	if (pack) {
		const entry = {
			pack: pack.id,
			method: req.method ?? '',
			path,
			status: 0,
			model,
			stream: body?.stream === true,
			at: Date.now(),
		};
		state.countUpstream(entry);
		res.on('finish', () => (entry.status = res.statusCode));
	}
	if (state.faults.latency_ms > 0) await sleep(state.faults.latency_ms);
	if (!pack) return send(res, [404, {error: {message: 'Not Found', type: 'not_found'}}]);
	const fault = state.faults.upstream[pack.id] ?? null;
	if (fault === 'down') {
		req.socket.destroy();
		return;
	}
	const coding = pack.id === 'glm' && path.startsWith(`${GLM_CODING_PATH}/`);
	const sub = coding ? path.slice(GLM_CODING_PATH.length) : null;
	const isModels = req.method === 'GET' && (pack.modelsPaths.includes(path) || sub === '/models');
	const isChat = req.method === 'POST' && (pack.chatPaths.includes(path) || sub === '/chat/completions');
	const balance = isModels || isChat ? null : balanceAnswer(state.upstream, pack.id, req.method ?? '', path);
	if (!isModels && !isChat && !balance)
		return send(res, [404, {error: {message: `Not Found: ${path}`, type: 'not_found'}}]);
	if (fault === 'server_error')
		return send(res, [500, {error: {message: 'Internal server error', type: 'server_error'}}]);
	const auth = req.headers.authorization ?? '';
	if (fault === 'echo_key') {
		const key = auth.replace(/^Bearer\s+/i, '');
		return send(res, [
			500,
			{error: {message: `internal error while checking key ${key}`, type: 'server_error'}},
		]);
	}
	// A GLM coding-plan key on the general endpoint answers like an account in arrears (1113).
	if (pack.id === 'glm' && !coding && auth === `Bearer ${keys[GLM_CODING_KEY]}`)
		return send(res, [429, {error: {code: '1113', message: '账户已欠费，请充值后重试。'}}]);
	const keyId = coding ? GLM_CODING_KEY : pack.id;
	if (fault === 'auth' || !accepted(state, keys, keyId, auth)) return send(res, pack.auth());
	// A balance read answers whatever the chat path does (out of balance is exactly when it matters).
	if (balance) return send(res, balance);
	if (fault === 'rate_limited') return send(res, pack.rateLimit(), {'retry-after': '1'});
	const limited = take429(state, pack.id);
	if (limited) return send(res, pack.rateLimit(), {'retry-after': String(limited.retry_after_s)});
	if (isModels) {
		if (fault === 'huge_body')
			return streamHugeJson(res, HUGE_UPSTREAM_BODY_BYTES, '{"object":"list","data":[{"id":"', '"}]}');
		const ids = fault === 'control_chars' ? [...pack.listed, ...HOSTILE_MODEL_IDS] : pack.listed;
		const data = ids.map((id) => ({id, object: 'model', created: 1_767_225_600, owned_by: pack.id}));
		return send(res, [200, {object: 'list', data}]);
	}
	if (fault === 'chat_fail')
		return send(res, [500, {error: {message: 'chat backend failure', type: 'server_error'}}]);
	if (fault === 'quota') return send(res, pack.quota());
	const coded = state.faults.upstream_code[pack.id];
	if (coded) return send(res, codeAnswer(pack.id, coded));
	if (!body || typeof body !== 'object' || !Array.isArray(body.messages) || body.messages.length === 0) {
		return send(res, [
			400,
			{error: {message: 'messages is required and must be a non-empty array', type: 'invalid_request_error'}},
		]);
	}
	if (!model || !pack.listed.includes(model)) return send(res, pack.notFound(model ?? ''));
	chatAnswer(res, pack.id, model, body, fault === 'control_chars' ? HOSTILE_REPLY : '');
}

/** The pack's own key, or one the test added (a rotated key). */
function accepted(state: SandboxState, keys: Record<string, string>, pack: string, auth: string): boolean {
	if (auth === `Bearer ${keys[pack]}`) return true;
	return (state.upstream.accept_keys[pack] ?? []).some((k) => auth === `Bearer ${k}`);
}

export function createUpstreamServer(state: SandboxState, keys: Record<string, string>): http.Server {
	return http.createServer((req, res) => {
		handle(state, keys, req, res).catch(() => {
			if (!res.headersSent)
				send(res, [500, {error: {message: 'sandbox upstream error', type: 'server_error'}}]);
			else res.destroy();
		});
	});
}
