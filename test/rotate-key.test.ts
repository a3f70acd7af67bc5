// Key rotation in place (docs/cli.md `crm rotate-key`), through the built CLI against the sandbox: a
// key the provider refuses changes nothing; a good one reaches the account through the admin API,
// the smoke passes, no resource is added, both fingerprints are recorded; rollback still removes the
// batch. `crm keep-key` keeps only the key the batch imported.
import test from 'ava';
import {readFileSync} from 'node:fs';
import path from 'node:path';
import {keyFingerprint} from '../source/lib/secrets.js';
import {countOurs, hostEnv, parseJson} from './helpers/host-env.js';
import {scanForSecrets} from './helpers/scan.js';
import {readState} from './helpers/state-file.js';

test('rotate-key: a refused key changes nothing; a good one is in place, smoke passes, nothing added; rollback removes the batch', async (t) => {
	const env = await hostEnv(t);
	const imported = await env.importPack('deepseek');
	t.is(imported.code, 0, imported.stderr);
	const batch = parseJson(imported).batch_id as string;
	const accountId = Number(
		parseJson(imported).resources.find((r: any) => r.resource_type === 'account').host_resource_id,
	);
	const oldKey = env.sandbox.info.upstreams.deepseek!.api_key;
	const account = () => env.sandbox.snapshot().accounts.find((a) => a.id === accountId)!;
	const stateBefore = readFileSync(path.join(env.data, 'state.json'), 'utf8');
	const before = countOurs(env.sandbox);

	const badKey = 'sk-refused-by-the-provider-0001';
	const bad = await env.run(['rotate-key', '--batch', batch, '--key-env', 'NEW_KEY', '--json'], {
		NEW_KEY: badKey,
	});
	t.is(bad.code, 1);
	t.regex(parseJson(bad).error.message, /refused by the provider \(401: auth\); nothing was changed/);
	t.is((account().credentials as any).api_key, oldKey, 'the account keeps its key');
	t.is(readFileSync(path.join(env.data, 'state.json'), 'utf8'), stateBefore, 'state unchanged');

	const sameKey = await env.run(['rotate-key', '--batch', batch, '--key-env', 'NEW_KEY', '--json'], {
		NEW_KEY: oldKey,
	});
	t.is(sameKey.code, 2);
	t.regex(parseJson(sameKey).error.message, /already uses/);

	const goodKey = 'sk-rotated-good-key-000000000002';
	env.sandbox.setUpstream({accept_keys: {deepseek: [goodKey]}});
	const good = await env.run(['rotate-key', '--batch', batch, '--key-env', 'NEW_KEY', '--json'], {
		NEW_KEY: goodKey,
	});
	t.is(good.code, 0, good.stderr);
	t.deepEqual(parseJson(good), {
		batch_id: batch,
		old_fingerprint: keyFingerprint(oldKey),
		new_fingerprint: keyFingerprint(goodKey),
		access_status: 'subscription_ready',
		completion_ok: true,
	});
	t.is((account().credentials as any).api_key, goodKey, 'the account got the new key in place');
	t.is(countOurs(env.sandbox), before, 'no resource added');
	const file = JSON.parse(readFileSync(path.join(env.data, 'batches', `${batch}.json`), 'utf8'));
	t.like(file.tool_actions.at(-1), {
		action: 'rotate_key',
		status: 'done',
		host_resource_id: String(accountId),
		old_fingerprint: keyFingerprint(oldKey),
		new_fingerprint: keyFingerprint(goodKey),
	});
	t.is(file.resources.length, parseJson(imported).resources.length);
	const state = readState(env.data);
	t.is(state.batches[0]!.key_fingerprint, keyFingerprint(goodKey));
	t.falsy(state.batch_secrets[batch]?.provider_key, 'not kept: it was not asked for');

	// keep-key accepts only the key the batch now uses.
	const wrong = await env.run(['keep-key', '--batch', batch, '--key-env', 'K', '--json'], {K: oldKey});
	t.is(wrong.code, 2);
	const kept = await env.run(['keep-key', '--batch', batch, '--key-env', 'K', '--json'], {K: goodKey});
	t.is(kept.code, 0, kept.stderr);
	t.is(readState(env.data).batch_secrets[batch]!.provider_key, goodKey);

	const rollback = await env.run(['rollback', '--batch', batch, '--yes', '--json']);
	t.is(rollback.code, 0, rollback.stderr);
	t.is(parseJson(rollback).batch_status, 'rolled_back');
	t.is(countOurs(env.sandbox), 0);
	t.is(
		readState(env.data).batch_secrets[batch]!.provider_key,
		null,
		'a rolled-back batch keeps no provider key',
	);

	const leaks = scanForSecrets(
		[env.data],
		[imported, bad, good, wrong, kept, rollback],
		[...env.secrets(), goodKey, badKey],
		{
			allowStateFile: true,
		},
	);
	t.deepEqual(leaks, []);
});
