// The CLI says the same next step as the TUI (the order is decided once, in source/app): a failed
// import that left resources points at `crm rollback --batch B --yes`; one that created nothing for a
// passing reason says to run it again; the access of a batch that never reached its smoke reads
// `none`, never `pending`.
import test from 'ava';
import {hostEnv} from './helpers/host-env.js';

test('crm import: a failure that created resources ends with "next: crm rollback --batch B --yes"', async (t) => {
	const env = await hostEnv(t);
	env.sandbox.setFaults({gateway_503_count: 100_000});
	const up = env.sandbox.info.upstreams.deepseek!;
	const r = await env.run(
		['import', '--host', 'sb', '--pack', 'deepseek', '--url', up.base_url, '--key-env', 'PROVIDER_KEY'],
		{PROVIDER_KEY: up.api_key},
	);
	t.is(r.code, 1, r.stderr);
	const batch = /batch (b\d{8}-\d{6}-[0-9a-f]{6}): failed/.exec(r.stdout)?.[1];
	t.truthy(batch, r.stdout);
	t.regex(r.stdout, new RegExp(`next: crm rollback --batch ${batch} --yes \\(removes its 5 resources`));
	t.regex(r.stdout, /group #\d+ crm-deepseek-/);
});

test('crm import: a transient failure that created nothing says to run it again; access reads none', async (t) => {
	const env = await hostEnv(t);
	env.sandbox.setFaults({host_down: true});
	const up = env.sandbox.info.upstreams.deepseek!;
	const r = await env.run(
		['import', '--host', 'sb', '--pack', 'deepseek', '--url', up.base_url, '--key-env', 'PROVIDER_KEY'],
		{PROVIDER_KEY: up.api_key},
	);
	t.is(r.code, 1, r.stderr);
	t.regex(r.stdout, /network_unreachable/);
	t.regex(r.stdout, /next: run the same crm import again/);
	t.regex(r.stdout, /access none/);
	t.notRegex(r.stdout, /access pending/);
});
