// Never trust a host's bytes (docs/domain.md): every answer body is capped (8 MiB from a host, 4 MiB
// from an upstream) with an error naming the cap and no second request; model ids from a provider's
// /models that are not model names the host takes never enter a model_mapping (dropped, with a count);
// and what a host or an upstream says (names, replies) reaches the terminal without control
// characters. All through the real CLI against the sandbox's hostile faults.
import test from 'ava';
import {listUpstreamModels, UpstreamError} from '../source/upstream/index.js';
import {startSandbox} from '../source/sandbox/index.js';
import {HOSTILE_MODEL_IDS} from '../source/sandbox/upstreams.js';
import {hostEnv, parseJson} from './helpers/host-env.js';
import {guardFile} from './helpers/leak-guard.js';

const guard = guardFile(test, 'security-bytes');

// Any C0 control but tab and newline, DEL, C1: none may reach a terminal. Built from code points.
const CONTROL = new RegExp(
	`[${String.fromCharCode(0)}-${String.fromCharCode(8)}${String.fromCharCode(11)}-${String.fromCharCode(31)}${String.fromCharCode(0x7f)}-${String.fromCharCode(0x9f)}]`,
);

async function env(t: Parameters<typeof hostEnv>[0], register = true) {
	const e = await hostEnv(t, {}, register);
	guard.dir(e.data);
	guard.secrets(...e.secrets());
	return e;
}

test('a host answering 9 MiB: host add and reconcile fail naming the 8 MiB cap, each request sent once, nothing saved', async (t) => {
	const e = await env(t, false);
	e.sandbox.setFaults({host_huge_body: true});
	const add = await e.run([
		'host',
		'add',
		'--name',
		'sb',
		'--url',
		e.sandbox.info.host_url,
		'--admin-key-env',
		'CRM_ADMIN_KEY',
		'--json',
	]);
	t.is(add.code, 1, add.stderr);
	t.regex(parseJson(add).error.message, /larger than 8 MiB/);
	const apiRequests = e.sandbox.requestLog().filter((r) => r.path.startsWith('/api/'));
	t.true(apiRequests.length >= 1);
	const paths = apiRequests.map((r) => `${r.method} ${r.path}`);
	t.deepEqual(paths, [...new Set(paths)], 'no request was sent twice (a GET is retryable, but not this)');
	t.is((await e.run(['host', 'list', '--json'])).stdout.includes('"sb"'), false, 'nothing saved');

	e.sandbox.setFaults({host_huge_body: false});
	const added = await e.run([
		'host',
		'add',
		'--name',
		'sb',
		'--url',
		e.sandbox.info.host_url,
		'--admin-key-env',
		'CRM_ADMIN_KEY',
		'--json',
	]);
	t.is(added.code, 0, added.stderr);
	e.sandbox.setFaults({host_huge_body: true});
	const before = e.sandbox.requestLog().length;
	const rec = await e.run(['reconcile', '--host', 'sb', '--json']);
	t.is(rec.code, 1, rec.stderr);
	t.regex(parseJson(rec).error.message, /larger than 8 MiB/);
	t.is(e.sandbox.requestLog().length - before, 1, 'reconcile stopped at the first oversized answer');
});

test('an upstream /models of 5 MiB: UpstreamError too_large naming 4 MiB, asked once; an import warns and keeps the pack models', async (t) => {
	const sb = await startSandbox({faults: {upstream: {deepseek: 'huge_body'}}});
	t.teardown(() => sb.close());
	const up = sb.info.upstreams.deepseek!;
	const error = await t.throwsAsync(listUpstreamModels({baseUrl: up.base_url, apiKey: up.api_key}), {
		instanceOf: UpstreamError,
	});
	t.is(error.kind, 'too_large');
	t.regex(error.message, /larger than 4 MiB/);
	t.is(sb.snapshot().upstream_log.filter((l) => l.method === 'GET').length, 1, 'not retried');

	const e = await env(t);
	e.sandbox.setFaults({upstream: {deepseek: 'huge_body'}});
	const imp = await e.importPack('deepseek');
	t.is(imp.code, 0, imp.stderr);
	t.regex(imp.stderr, /larger than 4 MiB/);
	const modelGets = e.sandbox.snapshot().upstream_log.filter((l) => l.method === 'GET');
	t.is(modelGets.length, 1, 'the oversized list was asked for once, and no other candidate URL after it');
});

test('control characters: hostile model ids are dropped with a count, replies and host names reach no terminal with them', async (t) => {
	const e = await env(t);
	e.sandbox.setFaults({upstream: {relay: 'control_chars'}});
	const imp = await e.importPack('relay');
	t.is(imp.code, 0, imp.stderr);
	t.regex(
		imp.stderr,
		new RegExp(`dropped ${HOSTILE_MODEL_IDS.length} model ids from the provider's /models`),
	);
	const account = e.sandbox.snapshot().accounts.find((a) => !a.deleted_at && a.name.startsWith('crm-relay'));
	const mapped = Object.keys(account?.credentials.model_mapping ?? {});
	t.true(mapped.length > 0);
	t.deepEqual(
		mapped.filter((id) => HOSTILE_MODEL_IDS.includes(id)),
		[],
		'no hostile id in the account',
	);
	const batchId = parseJson(imp).batch_id as string;
	// A residue group the host holds whose name carries an escape sequence (reconcile lists it).
	const esc = String.fromCharCode(27);
	const res = await fetch(`${e.sandbox.info.control_url}/oob`, {
		method: 'POST',
		headers: {'content-type': 'application/json', 'x-api-key': e.sandbox.info.admin_api_key},
		body: JSON.stringify({op: 'create', type: 'group', body: {name: `crm-${esc}[2J${esc}]0;owned-residue`}}),
	});
	t.is(res.status, 200);
	const outputs = [
		imp,
		await e.run(['batch', 'show', batchId]),
		await e.run(['smoke', '--batch', batchId]),
		await e.run(['reconcile', '--host', 'sb']),
		await e.run(['reconcile', '--host', 'sb', '--json']),
	];
	t.regex(outputs[3]!.stdout + outputs[3]!.stderr, /crm-\[2J|crm-owned-residue|owned-residue/);
	for (const [i, o] of outputs.entries()) {
		t.false(CONTROL.test(o.stdout), `stdout ${i} holds a control character`);
		t.false(CONTROL.test(o.stderr), `stderr ${i} holds a control character`);
	}
	t.regex(imp.stdout + outputs[1]!.stdout + outputs[2]!.stdout + outputs[2]!.stderr, /pong from relay/);
});
