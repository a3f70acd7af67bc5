import test from 'ava';
import {redactHostBody, redactText, isSecretKey} from '../source/host/redact.js';

test('redactHostBody strips secret fields recursively, keeps numbers under token-ish names', (t) => {
	const body = {
		code: 0,
		data: {
			id: 7,
			credentials: {
				api_key: 'sk-live-0123456789',
				base_url: 'https://api.deepseek.com',
				model_mapping: {a: 'b'},
			},
			access_token: 'eyJx.eyJy.zzzz',
			refresh_token: 'r-123',
			temp_token: 't',
			token_type: 'Bearer',
			password: 'hunter22',
			key: 'sk-0123456789abcdef',
			items: [{key: 'sk-aaaaaaaaaaaaaaaa', name: 'k1'}],
			max_tokens: 8,
			note: 'uses sk-abcdefghijkl0000 inline',
		},
	};
	const r = redactHostBody(body);
	t.is(r.data.credentials.api_key, '[redacted]');
	t.is(r.data.credentials.base_url, 'https://api.deepseek.com');
	t.deepEqual(r.data.credentials.model_mapping, {a: 'b'});
	t.is(r.data.access_token, '[redacted]');
	t.is(r.data.refresh_token, '[redacted]');
	t.is(r.data.temp_token, '[redacted]');
	t.is(r.data.token_type, 'Bearer');
	t.is(r.data.password, '[redacted]');
	t.is(r.data.key, '[redacted]');
	t.is(r.data.items[0].key, '[redacted]');
	t.is(r.data.items[0].name, 'k1');
	t.is(r.data.max_tokens, 8);
	t.is(r.data.note, 'uses [redacted] inline');
	t.is(body.data.password, 'hunter22', 'input untouched');
});

test('redactText masks keys, JWTs, admin keys, auth headers and key=value pairs', (t) => {
	const s = redactText(
		'k=sk-0123456789abcdef admin-' +
			'a'.repeat(64) +
			' Authorization: Bearer abcdefghijk jwt eyJhbGciOi.eyJzdWIiOjF9.c2lnbmF0dXJl {"password":"p4ss"}',
		['literal-secret-value'],
	);
	t.notRegex(s, /sk-0123|aaaaaaaa|abcdefghijk|eyJhbG|p4ss/);
	t.regex(s, /Bearer \[redacted\]/);
	t.is(redactText('my literal-secret-value here', ['literal-secret-value']), 'my [redacted] here');
});

test('isSecretKey', (t) => {
	for (const k of [
		'api_key',
		'apiKey',
		'key',
		'password',
		'access_token',
		'refresh_token',
		'temp_token',
		'id_token',
		'session_key',
		'client_secret',
	])
		t.true(isSecretKey(k), k);
	for (const k of ['token_type', 'name', 'model_mapping', 'base_url', 'group_id']) t.false(isSecretKey(k), k);
});
