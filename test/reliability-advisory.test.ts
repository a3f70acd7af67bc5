// An advisory step stays advisory (issue: trust hardening): the host's account test that never
// finishes costs a warning bounded by --timeout-s, never the import; the access smoke decides.
import test from 'ava';
import {hostEnv, parseJson} from './helpers/host-env.js';
import {guardFile} from './helpers/leak-guard.js';

const guard = guardFile(test, 'reliability-advisory');

test('an account test that stalls past --timeout-s is a warning; the smoke decides and the import succeeds', async (t) => {
	const e = await hostEnv(t);
	guard.dir(e.data);
	guard.secrets(...e.secrets());
	const res = await fetch(`${e.sandbox.info.control_url}/faults`, {
		method: 'POST',
		headers: {'content-type': 'application/json', 'x-api-key': e.sandbox.info.admin_api_key},
		body: JSON.stringify({account_test_stall: true}),
	});
	t.is(res.status, 200);
	const r = await e.importPack('deepseek', ['--timeout-s', '2']);
	t.is(r.code, 0, r.stderr);
	const doc = parseJson(r);
	t.is(doc.batch_status, 'succeeded');
	t.is(doc.access_status, 'subscription_ready');
	t.true(doc.completion_ok);
	const step = doc.steps.find((s: any) => s.name === 'account_test');
	t.is(step.status, 'warn');
	t.regex(step.message, /no answer within 2000 ms.*the access smoke decides/);
	t.true(
		step.duration_ms >= 1900 && step.duration_ms < 6000,
		`bounded by --timeout-s: ${step.duration_ms} ms`,
	);
	const tests = e.sandbox.requestLog().filter((x) => /\/accounts\/\d+\/test$/.test(x.path));
	t.is(tests.length, 1, 'the stalled test is not sent again');
});
