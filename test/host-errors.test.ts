import test from 'ava';
import {hostErrorFromResponse, parseErrorBody, parseRetryAfter, HostError} from '../source/host/errors.js';

const at = {method: 'GET', path: '/api/v1/admin/groups'};

test('middleware shape: string code', (t) => {
	const e = hostErrorFromResponse({
		...at,
		status: 401,
		body: '{"code":"INVALID_ADMIN_KEY","message":"Invalid admin API key"}',
	});
	t.is(e.kind, 'auth');
	t.is(e.code, 'INVALID_ADMIN_KEY');
	t.is(e.reason, null);
	t.is(e.status, 401);
	t.is(e.machineCode, 'INVALID_ADMIN_KEY');
	t.regex(e.message, /GET \/api\/v1\/admin\/groups: HTTP 401 INVALID_ADMIN_KEY: Invalid admin API key/);
});

test('middleware shape: 423 compliance with metadata', (t) => {
	const e = hostErrorFromResponse({
		...at,
		status: 423,
		body: JSON.stringify({
			code: 'ADMIN_COMPLIANCE_ACK_REQUIRED',
			message: 'administrator compliance acknowledgement is required',
			metadata: {version: 'v2026.06.10', document_url_en: 'https://x/en'},
		}),
	});
	t.is(e.kind, 'compliance_required');
	t.deepEqual(e.metadata, {version: 'v2026.06.10', document_url_en: 'https://x/en'});
});

test('middleware step-up codes', (t) => {
	for (const [status, code] of [
		[403, 'STEP_UP_ADMIN_API_KEY_FORBIDDEN'],
		[401, 'STEP_UP_SESSION_REQUIRED'],
		[403, 'STEP_UP_REQUIRED'],
		[403, 'STEP_UP_TOTP_NOT_ENABLED'],
		[503, 'STEP_UP_UNAVAILABLE'],
	] as const) {
		const e = hostErrorFromResponse({...at, status, body: JSON.stringify({code, message: 'x'})});
		t.is(e.kind, 'step_up_required', code);
	}
});

test('handler shape: int code with reason and metadata', (t) => {
	const e = hostErrorFromResponse({
		method: 'POST',
		path: '/api/v1/admin/groups',
		status: 409,
		body: '{"code":409,"message":"group name already exists","reason":"GROUP_EXISTS","metadata":{"name":"crm-x"}}',
	});
	t.is(e.kind, 'conflict');
	t.is(e.code, null);
	t.is(e.reason, 'GROUP_EXISTS');
	t.deepEqual(e.metadata, {name: 'crm-x'});
	t.is(e.machineCode, 'GROUP_EXISTS');
});

test('handler shape: plain bad request and internal error', (t) => {
	const bad = hostErrorFromResponse({
		...at,
		status: 400,
		body: '{"code":400,"message":"Invalid request: name required"}',
	});
	t.is(bad.kind, 'validation');
	t.is(bad.reason, null);
	const internal = hostErrorFromResponse({
		...at,
		status: 500,
		body: '{"code":500,"message":"internal error"}',
	});
	t.is(internal.kind, 'host_error');
	const nf = hostErrorFromResponse({
		...at,
		status: 404,
		body: '{"code":404,"message":"not found","reason":"GROUP_NOT_FOUND"}',
	});
	t.is(nf.kind, 'not_found');
	t.is(nf.reason, 'GROUP_NOT_FOUND');
});

test('gateway OpenAI shape', (t) => {
	const e = hostErrorFromResponse({
		method: 'POST',
		path: '/v1/chat/completions',
		status: 503,
		body: '{"error":{"type":"api_error","message":"No available accounts supporting model: x"}}',
	});
	t.is(e.kind, 'host_error');
	t.is(e.code, 'api_error');
	const up = hostErrorFromResponse({
		method: 'POST',
		path: '/v1/chat/completions',
		status: 502,
		body: '{"error":{"type":"upstream_error","message":"Upstream authentication failed, please contact administrator"}}',
	});
	t.is(up.kind, 'upstream_error');
	const rl = hostErrorFromResponse({
		method: 'POST',
		path: '/v1/chat/completions',
		status: 429,
		body: '{"error":{"type":"rate_limit_error","message":"Upstream rate limit exceeded"}}',
		retryAfter: '7',
	});
	t.is(rl.kind, 'rate_limited');
	t.is(rl.retryAfterS, 7);
});

test('gateway Anthropic shape', (t) => {
	const e = hostErrorFromResponse({
		method: 'GET',
		path: '/v1/models',
		status: 403,
		body: '{"type":"error","error":{"type":"permission_error","message":"API Key is not assigned to any group"}}',
	});
	t.is(e.kind, 'auth');
	t.is(e.code, 'permission_error');
	t.regex(e.message, /not assigned to any group/);
});

test('gin text 404 → not_found ROUTE_NOT_FOUND', (t) => {
	const e = hostErrorFromResponse({
		method: 'POST',
		path: '/v1/chat/completions',
		status: 404,
		body: '404 page not found',
		contentType: 'text/plain',
	});
	t.is(e.kind, 'not_found');
	t.is(e.code, 'ROUTE_NOT_FOUND');
});

test('HTML and unknown bodies → not_sub2api; 5xx HTML → host_error', (t) => {
	const html = hostErrorFromResponse({
		...at,
		status: 200,
		body: '<!doctype html><html></html>',
		contentType: 'text/html',
	});
	t.is(html.kind, 'not_sub2api');
	t.is(html.code, 'NON_API_HTML');
	const truncated = hostErrorFromResponse({...at, status: 400, body: '{"code":"INVALID_ADM'});
	t.is(truncated.kind, 'not_sub2api');
	t.is(truncated.code, 'NON_ENVELOPE');
	const other = hostErrorFromResponse({...at, status: 401, body: '{"detail":"Not authenticated"}'});
	t.is(other.kind, 'not_sub2api');
	const nginx = hostErrorFromResponse({...at, status: 502, body: '<html>502 Bad Gateway</html>'});
	t.is(nginx.kind, 'host_error');
});

test('non-envelope {"error":"mixed_channel_warning"}', (t) => {
	const p = parseErrorBody('{"error":"mixed_channel_warning","message":"mixed_channel_warning: Group x"}');
	t.is(p.code, 'mixed_channel_warning');
	const e = hostErrorFromResponse({
		...at,
		status: 409,
		body: '{"error":"mixed_channel_warning","message":"m"}',
	});
	t.is(e.kind, 'conflict');
});

test('messages and metadata never carry secrets', (t) => {
	const e = hostErrorFromResponse({
		...at,
		status: 400,
		body: JSON.stringify({
			code: 400,
			message:
				'invalid base_url for key sk-abcdef1234567890abcdef with Bearer eyJhbGciOi.eyJzdWIiOjF9.sgnature',
			metadata: {api_key: 'sk-secret-secret-secret', fields: ['x']},
		}),
	});
	t.notRegex(e.message, /sk-abcdef|eyJhbGci/);
	t.deepEqual(e.metadata, {api_key: '[redacted]', fields: ['x']});
	t.true(e instanceof HostError);
	t.notRegex(JSON.stringify(e.toJSON()), /sk-secret/);
});

test('Retry-After parsing', (t) => {
	t.is(parseRetryAfter('3'), 3);
	t.is(parseRetryAfter(null), null);
	t.is(parseRetryAfter('nonsense'), null);
	const future = new Date(Date.now() + 5000).toUTCString();
	const s = parseRetryAfter(future)!;
	t.true(s >= 3 && s <= 6);
});
