import test from 'ava';
import {admin, boot, call, login, withToken} from './sandbox-helpers.js';

async function userSession(
	s: Awaited<ReturnType<typeof boot>>,
	email: string,
	allowed: number[] = [],
): Promise<{id: number; token: string}> {
	const user = await admin(s, 'POST', '/users', {
		email,
		password: 'secret1',
		balance: 1,
		allowed_groups: allowed,
	});
	const session = await login(s, email, 'secret1');
	return {id: user.json.data.id, token: session.json.data.access_token};
}

const mk = async (
	s: Awaited<ReturnType<typeof boot>>,
	name: string,
	extra: Record<string, unknown>,
): Promise<number> =>
	(await admin(s, 'POST', '/groups', {name, platform: 'openai', rate_multiplier: 1, ...extra})).json.data.id;

test('bind rules of §8: subscription, exclusive, allowed_groups', async (t) => {
	const s = await boot(t);
	const open = await mk(s, 'open', {});
	const exclusive = await mk(s, 'excl', {is_exclusive: true});
	const subscription = await mk(s, 'sub', {subscription_type: 'subscription'});
	const plain = await userSession(s, 'plain@crm.invalid');
	const listed = await userSession(s, 'listed@crm.invalid', [exclusive]);
	const bind = (token: string, groupId: number): Promise<any> =>
		withToken(s, token, 'POST', '/api/v1/keys', {name: 'k', group_id: groupId});

	t.is((await bind(plain.token, open)).status, 200, 'empty allowed_groups + non-exclusive');
	const denied = await bind(plain.token, exclusive);
	t.is(denied.status, 403);
	t.deepEqual(denied.json, {
		code: 403,
		message: 'user is not allowed to bind this group',
		reason: 'GROUP_NOT_ALLOWED',
	});
	t.is((await bind(listed.token, exclusive)).status, 200, 'allowed_groups contains it');
	t.is(
		(await bind(listed.token, open)).json.reason,
		'GROUP_NOT_ALLOWED',
		'non-empty allowed_groups without it',
	);
	t.is(
		(await bind(plain.token, subscription)).json.reason,
		'GROUP_NOT_ALLOWED',
		'subscription group needs a subscription',
	);
	await admin(s, 'POST', '/subscriptions/assign', {user_id: plain.id, group_id: subscription});
	t.is((await bind(plain.token, subscription)).status, 200);
	t.is((await bind(plain.token, 999)).status, 404);

	const available = await withToken(s, plain.token, 'GET', '/api/v1/groups/available');
	t.deepEqual(available.json.data.map((g: any) => g.name).sort(), ['open', 'sub']);
	const listedAvailable = await withToken(s, listed.token, 'GET', '/api/v1/groups/available');
	t.deepEqual(
		listedAvailable.json.data.map((g: any) => g.name),
		['excl'],
	);
});

test('keys: create (sk- + 64 hex), custom keys, list, get, update rebind checks, delete', async (t) => {
	const s = await boot(t);
	const open = await mk(s, 'open', {});
	const exclusive = await mk(s, 'excl', {is_exclusive: true});
	const me = await userSession(s, 'me@crm.invalid');
	const other = await userSession(s, 'other@crm.invalid');
	const created = await withToken(s, me.token, 'POST', '/api/v1/keys', {name: 'k1', group_id: open});
	t.regex(created.json.data.key, /^sk-[0-9a-f]{64}$/);
	t.like(created.json.data, {name: 'k1', group_id: open, status: 'active', user_id: me.id});
	const ungrouped = await withToken(s, me.token, 'POST', '/api/v1/keys', {name: 'k2'});
	t.is(ungrouped.json.data.group_id, null);
	t.is((await withToken(s, me.token, 'POST', '/api/v1/keys', {group_id: open})).status, 400, 'name required');
	const short = await withToken(s, me.token, 'POST', '/api/v1/keys', {name: 'c', custom_key: 'short'});
	t.is(short.json.reason, 'API_KEY_TOO_SHORT');
	const chars = await withToken(s, me.token, 'POST', '/api/v1/keys', {
		name: 'c',
		custom_key: 'has spaces in it!!',
	});
	t.is(chars.json.reason, 'API_KEY_INVALID_CHARS');
	const custom = await withToken(s, me.token, 'POST', '/api/v1/keys', {
		name: 'c',
		custom_key: 'sk_custom_1234567890',
	});
	t.is(custom.json.data.key, 'sk_custom_1234567890');
	const again = await withToken(s, other.token, 'POST', '/api/v1/keys', {
		name: 'c',
		custom_key: 'sk_custom_1234567890',
	});
	t.is(again.status, 409);
	t.is(again.json.reason, 'API_KEY_EXISTS');

	const list = await withToken(s, me.token, 'GET', '/api/v1/keys');
	t.like(list.json.data, {total: 3, page: 1, page_size: 20, pages: 1});
	const foreign = await withToken(s, other.token, 'GET', `/api/v1/keys/${created.json.data.id}`);
	t.is(foreign.status, 403);
	t.is(foreign.json.message, 'Not authorized to access this key');
	const rebind = await withToken(s, me.token, 'PUT', `/api/v1/keys/${ungrouped.json.data.id}`, {
		group_id: exclusive,
	});
	t.is(rebind.json.reason, 'GROUP_NOT_ALLOWED');
	const rename = await withToken(s, me.token, 'PUT', `/api/v1/keys/${ungrouped.json.data.id}`, {
		name: 'n',
		group_id: open,
	});
	t.like(rename.json.data, {name: 'n', group_id: open});
	const deleted = await withToken(s, me.token, 'DELETE', `/api/v1/keys/${ungrouped.json.data.id}`);
	t.is(deleted.json.data.message, 'API key deleted successfully');
	t.is(
		(await withToken(s, me.token, 'GET', `/api/v1/keys/${ungrouped.json.data.id}`)).json.reason,
		'API_KEY_NOT_FOUND',
	);
	t.is((await call(`${s.info.host_url}/api/v1/keys`)).json.code, 'UNAUTHORIZED');
});

test('sessions are bound to the User-Agent; refresh rotates and detects reuse', async (t) => {
	const s = await boot(t);
	await admin(s, 'POST', '/users', {email: 'ua@crm.invalid', password: 'secret1'});
	const session = (await login(s, 'ua@crm.invalid', 'secret1', 'agent-A')).json.data;
	const ok = await withToken(s, session.access_token, 'GET', '/api/v1/keys', undefined, {
		'user-agent': 'agent-A',
	});
	t.is(ok.status, 200);
	const refreshUrl = `${s.info.host_url}/api/v1/auth/refresh`;
	const refreshed = await call(refreshUrl, {
		body: {refresh_token: session.refresh_token},
		headers: {'user-agent': 'agent-A'},
	});
	t.is(refreshed.status, 200);
	t.not(refreshed.json.data.access_token, session.access_token);
	t.is(refreshed.json.data.expires_in, 3600);
	const reuse = await call(refreshUrl, {
		body: {refresh_token: session.refresh_token},
		headers: {'user-agent': 'agent-A'},
	});
	t.is(reuse.status, 401, 'a rotated refresh token cannot be used again');
	const family = await withToken(s, refreshed.json.data.access_token, 'GET', '/api/v1/keys', undefined, {
		'user-agent': 'agent-A',
	});
	t.is(family.json.code, 'INVALID_TOKEN', 'reuse revokes the family');

	const second = (await login(s, 'ua@crm.invalid', 'secret1', 'agent-A')).json.data;
	const moved = await withToken(s, second.access_token, 'GET', '/api/v1/keys', undefined, {
		'user-agent': 'agent-B',
	});
	t.is(moved.status, 401);
	t.deepEqual(moved.json, {
		code: 'SESSION_BINDING_MISMATCH',
		message: 'Session network fingerprint changed, please login again',
	});
	const back = await withToken(s, second.access_token, 'GET', '/api/v1/keys', undefined, {
		'user-agent': 'agent-A',
	});
	t.is(back.status, 401, 'the mismatch revoked the session');
	const refreshAfter = await call(refreshUrl, {
		body: {refresh_token: second.refresh_token},
		headers: {'user-agent': 'agent-A'},
	});
	t.is(refreshAfter.status, 401, 'and its refresh family');
	t.is((await call(refreshUrl, {body: {}})).status, 400);
});

test('admin key creation for a user exists only with adminKeyCreation', async (t) => {
	const off = await boot(t);
	await admin(off, 'POST', '/users', {email: 'k@crm.invalid', password: 'secret1'});
	const missing = await admin(off, 'POST', '/users/2/api-keys', {name: 'k'});
	t.is(missing.status, 404);
	t.is(missing.text, '404 page not found');
	t.is(off.snapshot().api_keys.length, 0);

	const on = await boot(t, {adminKeyCreation: true});
	await admin(on, 'POST', '/users', {email: 'k@crm.invalid', password: 'secret1'});
	const created = await admin(on, 'POST', '/users/2/api-keys', {name: 'k'});
	t.is(created.status, 201);
	t.like(created.json.data, {user_id: 2, name: 'k', group_id: null});
	const g = (
		await admin(on, 'POST', '/groups', {
			name: 'x',
			platform: 'openai',
			rate_multiplier: 1,
			is_exclusive: true,
		})
	).json.data;
	const bound = await admin(on, 'PUT', `/api-keys/${created.json.data.id}`, {group_id: g.id});
	t.like(bound.json.data, {auto_granted_group_access: true, granted_group_id: g.id});
	t.is(bound.json.data.api_key.group_id, g.id);
	t.deepEqual(on.snapshot().users[1].allowed_groups, [g.id]);
});
