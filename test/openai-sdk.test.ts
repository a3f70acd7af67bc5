// The official `openai` SDK as a real client of the sandbox gateway, with a user key created through our clients.
import test from 'ava';
import OpenAI from 'openai';
import {startSandbox, type SandboxHandle} from '../source/sandbox/index.js';
import {GatewayClient, HostClient, UserClient} from '../source/host/client.js';
import {HostError} from '../source/host/errors.js';

let sb: SandboxHandle;
let userKey = '';
let brokeKey = '';
const MODEL = 'deepseek-flash';

test.before(async () => {
	// The first chat completion routed to a new account answers 503 (the warm-up race).
	sb = await startSandbox({profile: 'recent', faults: {gateway_503_count: 1}});
	const admin = new HostClient({
		baseUrl: sb.info.host_url,
		auth: {type: 'admin_api_key', key: sb.info.admin_api_key},
	});
	const up = sb.info.upstreams.deepseek!;
	const group = await admin.createGroup({
		name: 'crm-sdk',
		platform: 'openai',
		rate_multiplier: 1,
		is_exclusive: true,
	});
	await admin.createAccount(
		{
			name: 'crm-sdk-acct',
			platform: 'openai',
			type: 'apikey',
			credentials: {api_key: up.api_key, base_url: up.base_url, model_mapping: {[MODEL]: MODEL}},
			extra: {openai_responses_mode: 'force_chat_completions'},
			concurrency: 0,
			priority: 1,
			group_ids: [group.id],
		},
		{idempotencyKey: 'sdk-acct'},
	);
	const make = async (email: string, balance: number) => {
		const u = await admin.createUser({
			email,
			password: 'sdk-pass-1',
			balance: 0,
			concurrency: 5,
			allowed_groups: [group.id],
		});
		if (balance > 0) await admin.setBalance(u.id, {balance, operation: 'set'});
		const user = new UserClient({baseUrl: sb.info.host_url, email, password: 'sdk-pass-1'});
		return (await user.createKey({name: `${email}-key`, group_id: group.id})).key!;
	};
	userKey = await make('sdk@crm.invalid', 10);
	brokeKey = await make('sdk-broke@crm.invalid', 0);
});

test.after.always(async () => {
	await sb?.close();
});

const client = (apiKey: string) =>
	new OpenAI({apiKey, baseURL: `${sb.info.host_url}/v1`, maxRetries: 0, timeout: 10_000});

test.serial('503 warm-up answer is the SDK InternalServerError', async (t) => {
	const e = await t.throwsAsync(
		client(userKey).chat.completions.create({
			model: MODEL,
			messages: [{role: 'user', content: 'ping'}],
			max_tokens: 8,
		}),
	);
	t.true(e instanceof OpenAI.InternalServerError, String(e));
	t.is((e as InstanceType<typeof OpenAI.APIError>).status, 503);
});

test.serial('models.list lists the smoke model', async (t) => {
	const ids: string[] = [];
	for await (const m of client(userKey).models.list()) ids.push(m.id);
	t.true(ids.includes(MODEL));
});

test.serial('non-streamed chat completion', async (t) => {
	const r = await client(userKey).chat.completions.create({
		model: MODEL,
		messages: [{role: 'user', content: 'ping'}],
		max_tokens: 8,
	});
	t.is(r.object, 'chat.completion');
	t.true((r.choices[0]?.message.content ?? '').length > 0);
});

test.serial('streamed chat completion', async (t) => {
	const stream = await client(userKey).chat.completions.create({
		model: MODEL,
		messages: [{role: 'user', content: 'ping'}],
		max_tokens: 8,
		stream: true,
	});
	let text = '';
	let chunks = 0;
	for await (const chunk of stream) {
		chunks++;
		text += chunk.choices[0]?.delta?.content ?? '';
	}
	t.true(chunks > 0);
	t.true(text.length > 0);
});

test.serial('bad key is the SDK AuthenticationError (401)', async (t) => {
	const e = await t.throwsAsync(client('sk-crm-not-a-real-key').models.list());
	t.true(e instanceof OpenAI.AuthenticationError, String(e));
	t.is((e as InstanceType<typeof OpenAI.APIError>).status, 401);
});

test.serial('zero balance is the SDK PermissionDeniedError (403 INSUFFICIENT_BALANCE)', async (t) => {
	const e = await t.throwsAsync(
		client(brokeKey).chat.completions.create({
			model: MODEL,
			messages: [{role: 'user', content: 'ping'}],
			max_tokens: 8,
		}),
	);
	t.true(e instanceof OpenAI.PermissionDeniedError, String(e));
	t.is((e as InstanceType<typeof OpenAI.APIError>).status, 403);
	// sub2api's middleware shape {"code":"INSUFFICIENT_BALANCE","message"} has no `error` key, so the SDK
	// cannot show its text ("403 status code (no body)"); our GatewayClient keeps the code.
	const ours = await t.throwsAsync(
		new GatewayClient({baseUrl: sb.info.host_url, apiKey: brokeKey}).chat({model: MODEL}),
		{
			instanceOf: HostError,
		},
	);
	t.is(ours?.code, 'INSUFFICIENT_BALANCE');
	t.is(ours?.status, 403);
});
