// Crash anywhere. Real `crm import` processes against a sandbox with added latency
// and a slow disk (test/helpers/slow-disk.mjs: every durable write waits before its rename), each
// SIGKILLed at a chosen moment inside a chosen step, for every step of the import. After each kill:
// `crm reconcile --batch` sees every resource that exists on the sandbox for that batch, the batch
// reads failed at the step it died in, no record stays pending, and `crm rollback` leaves nothing of
// that batch on the sandbox (so nothing state does not know). Where the process really died is read
// from everything it printed, not assumed from the timer.
//
// `npm test` runs one kill per step (alternating access modes); `npm run test:faults`
// (CRM_FAULTS_LONG=1) runs three moments per step in both access modes.
import test, {type ExecutionContext} from 'ava';
import {STEP_NAMES} from '../source/store/schema.js';
import {hostEnv, parseJson, recordedResources, type HostEnv} from './helpers/host-env.js';
import {killInStep, stepTimeline, type StepKill} from './helpers/kill.js';
import {guardFile} from './helpers/leak-guard.js';
import {runCli, repoRoot} from './helpers/cli.js';
import path from 'node:path';

const guard = guardFile(test, 'reliability-crash');
const LONG = process.env.CRM_FAULTS_LONG === '1';
const FRACTIONS = LONG ? [0.15, 0.5, 0.9] : [0.5];
const MODES = ['subscription', 'self_service'] as const;
const PARALLEL = ['host_probe', 'upstream_probe'];

const SLOW_DISK = {
	CRM_TEST_SLOW_RENAME_MS: '40',
	NODE_OPTIONS: [process.env.NODE_OPTIONS, `--import=${path.join(repoRoot, 'test/helpers/slow-disk.mjs')}`]
		.filter(Boolean)
		.join(' '),
};

let env: HostEnv;
/** Per step: how long it took in an uninterrupted run (ms, as seen from this process). */
const durations = new Map<string, number>();
const landed: Array<{step: string; open: string[]; mode: string}> = [];

function importArgs(mode: string): string[] {
	const up = env.sandbox.info.upstreams.deepseek!;
	return [
		'import',
		'--host',
		'sb',
		'--pack',
		'deepseek',
		'--url',
		up.base_url,
		'--key-env',
		'KEY_DEEPSEEK',
		'--access',
		mode,
		'--force',
		'--data',
		env.data,
	];
}

/** Everything alive on the sandbox that carries this batch's short id (and its subscriptions). */
function onSandbox(batchId: string) {
	const short = batchId.slice(-6);
	const snap = env.sandbox.snapshot();
	const alive = (r: {deleted_at: string | null}) => !r.deleted_at;
	const groups = snap.groups.filter((g) => alive(g) && g.name.includes(short));
	const users = snap.users.filter((u) => alive(u) && u.email.includes(short));
	const out = [
		...groups.map((g) => ({type: 'group', id: g.id, name: g.name})),
		...snap.accounts
			.filter((a) => alive(a) && a.name.includes(short))
			.map((a) => ({type: 'account', id: a.id, name: a.name})),
		...users.map((u) => ({type: 'user', id: u.id, name: u.email})),
		...snap.api_keys
			.filter((k) => alive(k) && k.name.includes(short))
			.map((k) => ({type: 'api_key', id: k.id, name: k.name})),
		...snap.subscriptions
			.filter(
				(s) =>
					alive(s) &&
					s.status !== 'revoked' &&
					(groups.some((g) => g.id === s.group_id) || users.some((u) => u.id === s.user_id)),
			)
			.map((s) => ({type: 'subscription', id: s.id, name: `${s.group_id}:${s.user_id}`})),
	];
	return out;
}

async function checkAfterKill(t: ExecutionContext, kill: StepKill, label: string): Promise<void> {
	if (!kill.batchId) {
		t.fail(`${label}: died before its batch existed (the kill is armed on a step line, after it)`);
		return;
	}
	const id = kill.batchId;
	const before = onSandbox(id);

	// Reconcile (which first recovers dead batches and resolves pending records by name) sees all of it.
	const rec = await env.run(['reconcile', '--batch', id, '--json']);
	t.true([0, 3].includes(rec.code ?? -1), `${label}: reconcile exit ${rec.code}: ${rec.stderr}`);
	const items: any[] = parseJson(rec).items;
	for (const r of before) {
		t.true(
			items.some(
				(i) => i.resource_type === r.type && i.host_resource_id === String(r.id) && i.state !== 'missing',
			),
			`${label}: reconcile does not see ${r.type} ${r.id} ${r.name} that is on the host`,
		);
	}
	const show = parseJson(await env.run(['batch', 'show', id, '--json']));
	t.is(show.batch_status, 'failed', `${label}: a dead batch reads failed`);
	// Where it died: an open step; a step whose start was written but not yet printed (a start line
	// follows its write; at most two steps start at once); or a step whose end was printed but not yet
	// written (an end rides with the next start's write), so the batch still read it running.
	const printed = new Set(stepTimeline(kill.stderr).map((e) => e.step));
	const unannounced = (show.steps as Array<{name: string; message: string}>)
		.filter((s) => /died during this step/.test(s.message) && !printed.has(s.name))
		.map((s) => s.name);
	t.true(unannounced.length <= 2, `${label}: steps recorded but never announced: ${unannounced.join(', ')}`);
	const diedIn = [...kill.open, kill.lastEnded, ...kill.recentlyEnded, ...unannounced].filter(Boolean);
	if (diedIn.some((s) => PARALLEL.includes(s!))) diedIn.push(...PARALLEL);
	t.true(
		diedIn.includes(show.stopped_at_step),
		`${label}: stopped_at_step ${show.stopped_at_step}, died with ${JSON.stringify(kill.open)} open, ` +
			`${JSON.stringify(kill.recentlyEnded)} just ended, ${JSON.stringify(unannounced)} unannounced`,
	);
	const records = (await recordedResources(env.data)).filter((r) => r.batch_id === id);
	t.deepEqual(
		records.filter((r) => r.status === 'pending'),
		[],
		`${label}: pending records resolved`,
	);

	// Rollback leaves nothing of this batch on the host.
	const rb = await env.run(['rollback', '--batch', id, '--yes', '--json']);
	if (records.every((r) => r.status === 'failed')) {
		t.is(rb.code, 1, `${label}: ${rb.stdout}`);
		t.regex(rb.stdout, /recorded no resources/);
		t.deepEqual(before, [], `${label}: nothing recorded, so nothing may exist`);
	} else {
		t.is(rb.code, 0, `${label}: rollback ${rb.stdout} ${rb.stderr}`);
		t.is(parseJson(rb).batch_status, 'rolled_back');
	}
	t.deepEqual(onSandbox(id), [], `${label}: nothing of the batch is left on the host`);
}

const closers: Array<() => unknown> = [];
test.before(async () => {
	// Hooks have no t.teardown: collect the sandbox's close and run it in after.always.
	const hookContext = {teardown: (fn: () => unknown) => closers.push(fn)} as unknown as ExecutionContext;
	env = await hostEnv(hookContext, {latencyMs: 60});
	guard.dir(env.data);
	guard.secrets(...env.secrets());
	Object.assign(env.env, SLOW_DISK);
	// One uninterrupted run measures each step, so kill moments are fractions of real durations.
	const started = new Map<string, number>();
	const t0 = Date.now();
	let stderr = '';
	const {startCli} = await import('./helpers/cli.js');
	const child = startCli(importArgs('subscription'), {env: env.env});
	child.stdout!.resume();
	child.stdin!.end();
	child.stderr!.on('data', (d) => {
		const chunk = String(d);
		stderr += chunk;
		for (const e of stepTimeline(chunk)) {
			if (e.event === 'start') started.set(e.step, Date.now() - t0);
			else durations.set(e.step, Date.now() - t0 - (started.get(e.step) ?? 0));
		}
	});
	const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
	if (code !== 0) throw new Error(`calibration import failed: ${stderr}`);
	const rb = await runCli(['batches', '--json', '--data', env.data]);
	const calibration = parseJson(rb).batches[0].batch_id;
	await env.run(['rollback', '--batch', calibration, '--yes']);
});

for (const step of STEP_NAMES) {
	test.serial(`SIGKILL inside ${step}: reconcile sees everything, rollback leaves nothing`, async (t) => {
		t.timeout(LONG ? 600_000 : 240_000);
		const duration = durations.get(step) ?? 100;
		let inside = 0;
		for (const [i, fraction] of FRACTIONS.entries()) {
			for (const mode of LONG ? MODES : [MODES[STEP_NAMES.indexOf(step) % 2]!]) {
				// Aim at a fraction of the step; when the step ended first, aim earlier (bounded).
				let delay = Math.round(duration * fraction);
				for (let attempt = 0; attempt < 4; attempt++) {
					const kill = await killInStep(importArgs(mode), env.env, step, delay);
					const label = `${step} +${delay}ms (${mode}, moment ${i + 1}, try ${attempt + 1})`;
					if (!kill.killed) {
						// It finished first: its batch is complete; roll it back so the host stays clean.
						if (kill.batchId) await env.run(['rollback', '--batch', kill.batchId, '--yes']);
						delay = Math.floor(delay / 3);
						continue;
					}
					landed.push({step, open: kill.open, mode});
					await checkAfterKill(t, kill, label);
					if (kill.open.includes(step)) {
						inside += 1;
						break;
					}
					delay = Math.floor(delay / 3);
				}
			}
		}
		t.true(inside >= 1, `at least one kill landed inside ${step}`);
		t.log(`${inside} kill(s) inside ${step}; ${landed.length} kill points so far`);
	});
}

test.after.always('no residue host-wide after every kill and rollback', async (t) => {
	try {
		if (env) await residueCheck(t);
	} finally {
		for (const close of closers) await close();
	}
});

async function residueCheck(t: ExecutionContext): Promise<void> {
	const rec = await env.run(['reconcile', '--host', 'sb', '--json']);
	const run = parseJson(rec);
	t.true([0, 3].includes(rec.code ?? -1), rec.stdout + rec.stderr);
	t.deepEqual(
		run.items.filter((i: any) => i.state === 'unmanaged'),
		[],
		'no resource on the host that state does not know',
	);
	const steps = new Set(landed.flatMap((l) => l.open));
	t.log(`kill points: ${landed.length}; steps with a kill inside: ${[...steps].sort().join(', ')}`);
	const {mkdirSync, writeFileSync} = await import('node:fs');
	const {SPOOL} = await import('./helpers/leak-guard.js');
	mkdirSync(SPOOL, {recursive: true});
	writeFileSync(
		path.join(SPOOL, 'kill-points.json'),
		JSON.stringify({long: LONG, kill_points: landed.length, steps: [...steps].sort()}) + '\n',
	);
}
