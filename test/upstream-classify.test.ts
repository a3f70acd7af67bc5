import test from 'ava';
import {classifyUpstreamAnswer, type UpstreamErrorKind} from '../source/upstream/errors.js';

// Real answers from docs/domain.md, Providers.
const cases: Array<[string, number, string, UpstreamErrorKind]> = [
	[
		'DeepSeek 402',
		402,
		'{"error":{"message":"Insufficient Balance","type":"unknown_error","param":null,"code":"invalid_request_error"}}',
		'quota',
	],
	[
		'DeepSeek 401',
		401,
		'{"error":{"message":"Authentication Fails, Your api key: ****abcd is invalid","type":"authentication_error"}}',
		'auth',
	],
	[
		'DeepSeek 429',
		429,
		'{"error":{"message":"Rate limit reached","type":"rate_limit_error"}}',
		'rate_limited',
	],
	['DeepSeek 503', 503, '{"error":{"message":"Server overloaded","type":"server_error"}}', 'server'],
	[
		'Moonshot 401',
		401,
		'{"error":{"message":"Invalid Authentication","type":"invalid_authentication_error"}}',
		'auth',
	],
	[
		'Moonshot 429 quota',
		429,
		'{"error":{"message":"Your account is suspended due to insufficient balance","type":"exceeded_current_quota_error"}}',
		'quota',
	],
	[
		'Moonshot 429 rate',
		429,
		'{"error":{"message":"Your account reached max request","type":"rate_limit_reached_error"}}',
		'rate_limited',
	],
	[
		'Moonshot 429 overloaded',
		429,
		'{"error":{"message":"The engine is currently overloaded","type":"engine_overloaded_error"}}',
		'rate_limited',
	],
	[
		'Kimi 403 balance',
		403,
		'{"error":{"message":"insufficient balance","type":"permission_denied_error"}}',
		'quota',
	],
	[
		'Kimi Coding 403 usage limit',
		403,
		'{"error":{"message":"You\'ve reached your usage limit for this period","type":"forbidden"}}',
		'quota',
	],
	[
		'Kimi Coding 403 agents only',
		403,
		'{"error":{"message":"Kimi For Coding is only available for Coding Agents","type":"forbidden"}}',
		'auth',
	],
	['Zhipu 401', 401, '{"error":{"code":"1001","message":"Header中未收到Authentication参数"}}', 'auth'],
	['Zhipu 429 1113', 429, '{"error":{"code":"1113","message":"您的账户已欠费，请充值后重试。"}}', 'quota'],
	[
		'Zhipu 429 concurrency',
		429,
		'{"error":{"code":"1302","message":"您当前使用该API的并发数过高"}}',
		'rate_limited',
	],
	['MiniMax 401', 401, '{"base_resp":{"status_code":1004,"status_msg":"login fail"}}', 'auth'],
	[
		'DashScope 401',
		401,
		'{"code":"InvalidApiKey","message":"Invalid API-key provided.","request_id":"x"}',
		'auth',
	],
	[
		'DashScope Arrearage',
		400,
		'{"code":"Arrearage","message":"Access denied, please make sure your account is in good standing.","type":"Arrearage"}',
		'quota',
	],
	[
		'DashScope 429 throttling',
		429,
		'{"code":"Throttling.RateQuota","message":"Requests rate limit exceeded"}',
		'rate_limited',
	],
	[
		'DashScope 429 allocation',
		429,
		'{"code":"Throttling.AllocationQuota","message":"Allocated quota exceeded"}',
		'rate_limited',
	],
	['StepFun 402', 402, '{"error":{"message":"insufficient balance","type":"insufficient_balance"}}', 'quota'],
	['StepFun 401', 401, '{"error":{"message":"invalid api key","type":"invalid_api_key"}}', 'auth'],
	[
		'Volcengine 403 overdue',
		403,
		'{"error":{"code":"AccountOverdueError","message":"The request failed because your account has an overdue balance.","type":"Forbidden"}}',
		'quota',
	],
	[
		'Volcengine 401',
		401,
		'{"error":{"code":"AuthenticationError","message":"The API key in the request is missing or invalid.","type":"Unauthorized"}}',
		'auth',
	],
	[
		'Volcengine 404 ModelNotOpen',
		404,
		'{"error":{"code":"ModelNotOpen","message":"model not activated","type":"NotFound"}}',
		'not_found',
	],
	[
		'SiliconFlow 403 balance',
		403,
		'{"code":30001,"message":"Sorry, your account balance is insufficient","data":null}',
		'quota',
	],
	['SiliconFlow 401', 401, '"Invalid token"', 'auth'],
	[
		'sub2api relay 403',
		403,
		'{"code":"INSUFFICIENT_BALANCE","message":"Insufficient account balance"}',
		'quota',
	],
	[
		'sub2api relay 503',
		503,
		'{"error":{"message":"No available accounts","type":"api_error"},"type":"error"}',
		'server',
	],
	['new-api 401', 401, '{"error":{"message":"无效的令牌 (request id: x)","type":"new_api_error"}}', 'auth'],
	['bad request', 400, '{"error":{"message":"max_tokens is invalid"}}', 'bad_response'],
	['405', 405, '', 'not_found'],
];

for (const [name, status, body, kind] of cases) {
	test(`classify: ${name}`, (t) => {
		t.is(classifyUpstreamAnswer(status, body), kind);
	});
}
