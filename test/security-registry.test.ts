// The one secret registry (lib/secrets) and the terminal-safe text helper (lib/safe-text), as units:
// every secret registered is masked in every encoding, objects are redacted field by field before
// they are serialised, shapes nobody registered are masked too, and control characters are removed.
import test from 'ava';
import {safeText} from '../source/lib/safe-text.js';
import {
	isSecretKey,
	knownSecrets,
	redactText,
	redactValue,
	registerSecret,
	registerSecretFields,
	registerSecretsIn,
	resetSecretsForTests,
	secretForms,
	secretsGeneration,
} from '../source/lib/secrets.js';
import {scrubbedAnswer, scrubbedJson} from '../source/server/secrets.js';

test.beforeEach(() => resetSecretsForTests());

test.serial('redactValue strips secret fields recursively, keeps numbers under token-ish names', (t) => {
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
	const r = redactValue(body);
	t.is(r.data.credentials.api_key, '[redacted]');
	t.is(r.data.credentials.base_url, 'https://api.deepseek.com');
	t.deepEqual(r.data.credentials.model_mapping, {a: 'b'});
	t.is(r.data.access_token, '[redacted]');
	t.is(r.data.refresh_token, '[redacted]');
	t.is(r.data.temp_token, '[redacted]');
	t.is(r.data.token_type, 'Bearer');
	t.is(r.data.password, '[redacted]');
	t.is(r.data.key, '[redacted]');
	t.is(r.data.items[0]!.key, '[redacted]');
	t.is(r.data.items[0]!.name, 'k1');
	t.is(r.data.max_tokens, 8);
	t.is(r.data.note, 'uses [redacted] inline');
	t.is(body.data.password, 'hunter22', 'input untouched');
});

test.serial(
	'redactText masks keys, JWTs, admin keys, auth headers and key=value pairs nobody registered',
	(t) => {
		const s = redactText(
			'k=sk-0123456789abcdef admin-' +
				'a'.repeat(64) +
				' Authorization: Bearer abcdefghijk jwt eyJhbGciOi.eyJzdWIiOjF9.c2lnbmF0dXJl {"password":"p4ss"}',
		);
		t.notRegex(s, /sk-0123|aaaaaaaa|abcdefghijk|eyJhbG|p4ss/);
		t.regex(s, /Bearer \[redacted\]/);
		t.deepEqual(knownSecrets(), [], 'shapes are masked without being registered');
	},
);

test.serial(
	'a registered secret is masked raw, JSON-escaped (once and twice), URL-encoded and base64',
	(t) => {
		const secret = 'zp"9f8e7d\\6c5b/+=:@4a3210';
		registerSecret(secret);
		t.deepEqual(knownSecrets(), [secret]);
		const forms = secretForms(secret);
		t.true(forms.includes(JSON.stringify(secret).slice(1, -1)), 'the JSON-escaped form is one of the forms');
		t.is(forms.length, 5);
		for (const form of forms) {
			const out = redactText(`before ${form} after`);
			t.is(out, 'before [redacted] after', form);
		}
		// An object holding it anywhere, serialised the usual way, holds none of its forms.
		const doc = {message: `upstream said: {"error":"bad key ${secret}"}`, nested: [{text: secret}]};
		const text = JSON.stringify(redactValue(doc));
		for (const form of forms) t.false(text.includes(form), form);
		// Serialised first and scrubbed after (the last line of defence) is just as clean.
		const late = redactText(JSON.stringify(JSON.stringify(doc)));
		for (const form of forms) t.false(late.includes(form), `late ${form}`);
	},
);

test.serial('short values are not registered; the trimmed form is; many secrets scrub in one pass', (t) => {
	registerSecret('12345');
	registerSecret('');
	registerSecret(null);
	registerSecret('  padded-secret-value\n');
	t.deepEqual(knownSecrets().sort(), ['  padded-secret-value\n', 'padded-secret-value'].sort());
	const many = Array.from({length: 10_000}, (_, i) => `key-${i.toString(36).padStart(6, '0')}-secretvalue`);
	for (const s of many) registerSecret(s);
	const text = many.slice(0, 2000).join(' | ');
	const started = Date.now();
	const out = redactText(text);
	const ms = Date.now() - started;
	t.false(many.slice(0, 2000).some((s) => out.includes(s)));
	t.true(ms < 2000, `2,000 secrets in a text scrubbed against 10,000 registered in ${ms} ms`);
});

test.serial('secrets sharing their first characters are each found, the longest where they overlap', (t) => {
	// One prefix, three lengths (registered shortest first), and a secret that is another's start.
	registerSecret('shared-abc');
	registerSecret('shared-abcdefgh');
	registerSecret('shared-xyz-0123456789');
	registerSecret('shared-abc'); // registered again: nothing changes
	t.is(
		redactText('a shared-abcdefgh b shared-abc c shared-xyz-0123456789 d shared-ab e'),
		'a [redacted] b [redacted] c [redacted] d shared-ab e',
	);
	t.is(redactText('shared-abcdefg'), '[redacted]defg');
	t.is(knownSecrets().length, 3);
});

test.serial(
	'plain secrets: raw and base64 found anywhere in a text, lengths 6 to 60, sharing prefixes',
	(t) => {
		const secrets = Array.from(
			{length: 55},
			(_, n) => `sk-pro${'j0123456789abcdefghijklmnopqrstuvwxyz_.~-ABCDEFGHIJKLMNOPQRS'.slice(0, n)}`,
		);
		for (const s of secrets) registerSecret(s);
		for (const s of secrets) {
			const b64 = Buffer.from(s).toString('base64');
			for (const text of [
				s,
				`x${s}y`,
				JSON.stringify({k: s}),
				b64,
				`Basic:${b64}.`,
				`?q=${encodeURIComponent(s)}`,
			]) {
				const out = redactText(text);
				t.false(out.includes(s), `${s} in ${out}`);
				t.false(out.includes(b64), `${b64} in ${out}`);
			}
		}
		// Not a secret: a known secret's start, or its base64 with a character changed.
		t.is(redactText('sk-pr'), 'sk-pr');
		const b64 = Buffer.from(secrets[20]!).toString('base64');
		const changed = `${b64.slice(0, 2)}${b64[2] === 'A' ? 'B' : 'A'}${b64.slice(3)}`;
		t.is(redactText(changed), changed);
		t.is(knownSecrets().length, 55);
	},
);

test.serial('registerSecretFields registers the named fields of many records, and only those', (t) => {
	const rows = Array.from({length: 500}, (_, n) => ({
		batch_id: `b-${n}`,
		user_email: `user-${n}@crm.invalid`,
		user_password: `pw-${n.toString().padStart(4, '0')}-generated`,
		user_key: `sk-${n.toString(16).padStart(40, '0')}`,
		provider_key: n % 2 ? null : ` padded key ${n} \n`,
	}));
	registerSecretFields(rows, ['user_password', 'user_key', 'provider_key']);
	const known = new Set(knownSecrets());
	t.is(known.size, 500 + 500 + 250 * 2); // a padded key is known with and without its spaces
	t.true(known.has('pw-0042-generated') && known.has('padded key 42') && known.has(' padded key 42 \n'));
	t.false(known.has('user-7@crm.invalid'));
	const text = rows
		.map((r) => `${r.user_email} ${r.user_password} ${Buffer.from(r.user_key).toString('base64')}`)
		.join('\n');
	const out = redactText(text);
	for (const r of rows) t.false(out.includes(r.user_password) || out.includes(r.user_key));
	t.true(out.includes('user-499@crm.invalid'));
});

test.serial('a kept service answer is scrubbed again once a secret it holds is registered', (t) => {
	const kept = scrubbedJson({status: [{name: 'late-secret-value-0001'}]});
	t.true(scrubbedAnswer(kept).status === 200 && kept.text.includes('late-secret-value-0001'));
	const before = secretsGeneration();
	registerSecret('late-secret-value-0001');
	t.is(secretsGeneration(), before + 1);
	registerSecret('late-secret-value-0001');
	t.is(secretsGeneration(), before + 1, 'a secret registered again changes nothing');
	const res = scrubbedAnswer(kept);
	t.is(res.headers.get('content-type'), 'application/json');
	t.false(kept.text.includes('late-secret-value-0001'));
	t.is(kept.text, JSON.stringify({status: [{name: '[redacted]'}]}));
});

test.serial('registerSecretsIn takes every string under a secret-named field of a host answer', (t) => {
	registerSecretsIn({
		access_token: 'at-0123456789',
		token_type: 'Bearer',
		user: {email: 'u@example.com', keys: [{key: 'issued-user-key-0001', name: 'crm-k'}]},
		max_tokens: 8,
	});
	t.deepEqual(knownSecrets().sort(), ['at-0123456789', 'issued-user-key-0001']);
});

test.serial('isSecretKey', (t) => {
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
		'user_password',
	])
		t.true(isSecretKey(k), k);
	for (const k of ['token_type', 'name', 'model_mapping', 'base_url', 'group_id', 'key_fingerprint'])
		t.false(isSecretKey(k), k);
});

test('safeText removes escape sequences and control characters, keeps text, tabs and newlines', (t) => {
	const esc = String.fromCharCode(27);
	const bel = String.fromCharCode(7);
	const csi8 = String.fromCharCode(0x9b);
	const hostile = [
		`${esc}[2J${esc}[Hcleared`,
		`${esc}]0;owned title${bel}title`,
		`${esc}]8;;https://evil.example${esc}\\link${esc}]8;;${esc}\\`,
		`${csi8}31mred`,
		`bell${bel} back${String.fromCharCode(8)}space cr${String.fromCharCode(13)}`,
		`bidi${String.fromCharCode(0x202e)}txet`,
		'模型\tok\nnext line',
	];
	t.deepEqual(hostile.map(safeText), [
		'cleared',
		'title',
		'link',
		'red',
		'bell backspace cr',
		'biditxet',
		'模型\tok\nnext line',
	]);
});
