// Watch at scale: one `crm watch --once` pass over 1,000 ready batches on 10 sandbox hosts, timed
// against the watch's default interval (15 min) with its peak RSS (bound: 250 MiB) and the most
// requests any host saw at once (the per-host bound: 4 checks, each /v1/models and a completion
// side by side). The hosts are real in-process sandboxes with 20 ms added to every answer; each
// batch has its own user key on its host (made through the admin API), and the data folder is
// written directly with the schema types (no 1,000 imports). One host's provider is out of balance,
// so a tenth of the checks take the failing path (the direct check with the kept key, alerts).
//
// Run alone: `npx tsx scripts/bench/watch.ts` (after `npm run build`) also writes its section into
// docs/benchmarks.md; `npm run bench` runs it with the rest.
import {mkdirSync, readFileSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {pathToFileURL} from 'node:url';
import {randomBytes} from 'node:crypto';
import os from 'node:os';
import {startSandbox, type SandboxHandle} from '../../source/sandbox/index.js';
import {
	BATCH_FILE_VERSION,
	SCHEMA_VERSION,
	resourceKey,
	type BatchFile,
	type BatchIndex,
	type HostRecord,
	type State,
} from '../../source/store/schema.js';
import {StateEncoder} from '../../source/store/state-codec.js';
import {ResourceIndex} from '../../source/store/resource-index.js';
import {DEFAULT_INTERVAL_MS} from '../../source/core/health/types.js';
import {
	cliPath,
	crmWithRss,
	hasGnuTime,
	log,
	ms,
	now,
	ratio,
	removeDir,
	repoRoot,
	tempDir,
	timedSpawn,
	type Figure,
	type SectionResult,
} from './common.js';

const MAPPING = {'deepseek-flash': 'deepseek-flash', 'deepseek-v4-pro': 'deepseek-v4-pro'};
const RSS_BOUND_KIB = 250 * 1024;

export interface WatchBenchOptions {
	hosts: number;
	batchesPerHost: number;
	latencyMs: number;
}

interface Row {
	id: number;
	key?: string;
}

async function admin(s: SandboxHandle, method: string, p: string, body?: unknown): Promise<Row> {
	const res = await fetch(`${s.info.host_url}/api/v1/admin${p}`, {
		method,
		headers: {'x-api-key': s.info.admin_api_key, 'content-type': 'application/json'},
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	const json = (await res.json()) as {data?: Row};
	if (!res.ok || !json.data) throw new Error(`${method} ${p}: ${res.status} ${JSON.stringify(json)}`);
	return json.data;
}

interface Provisioned {
	groupId: number;
	accountId: number;
	keys: string[];
}

/** One group and account (the provider) and `n` user keys bound to the group, on one sandbox. */
async function provision(s: SandboxHandle, n: number, tag: string): Promise<Provisioned> {
	const up = s.info.upstreams.deepseek!;
	const group = await admin(s, 'POST', '/groups', {
		name: `crm-deepseek-${tag}`,
		platform: 'openai',
		rate_multiplier: 1,
		is_exclusive: false,
		subscription_type: 'standard',
	});
	const account = await admin(s, 'POST', '/accounts', {
		name: `crm-deepseek-${tag}`,
		platform: 'openai',
		type: 'apikey',
		credentials: {api_key: up.api_key, base_url: up.base_url, model_mapping: MAPPING},
		extra: {openai_responses_mode: 'force_chat_completions'},
		concurrency: 0,
		priority: 1,
		group_ids: [group.id],
	});
	const user = await admin(s, 'POST', '/users', {
		email: `crm-bench-${tag}@crm.invalid`,
		password: `pw-${randomBytes(8).toString('hex')}`,
		balance: 1000,
		concurrency: 100,
	});
	const keys: string[] = [];
	for (let i = 0; i < n; i += 10) {
		const made = await Promise.all(
			Array.from({length: Math.min(10, n - i)}, async (_, k) => {
				const key = await admin(s, 'POST', `/users/${user.id}/api-keys`, {name: `crm-${tag}-${i + k}`});
				await admin(s, 'PUT', `/api-keys/${key.id}`, {group_id: group.id});
				return key.key as string;
			}),
		);
		keys.push(...made);
	}
	return {groupId: group.id, accountId: account.id, keys};
}

/** state.json and one batch file a batch, as finished imports would have left them. */
function writeDataFolder(dir: string, sandboxes: SandboxHandle[], provisioned: Provisioned[]): number {
	mkdirSync(path.join(dir, 'batches'), {recursive: true, mode: 0o700});
	const at = new Date(Date.now() - 86_400_000).toISOString();
	const state: State = {
		schema_version: SCHEMA_VERSION,
		hosts: [],
		batches: [],
		batch_secrets: {},
		reconcile_runs: [],
	};
	const resourceIndex = new Map<string, string>();
	sandboxes.forEach((s, h) => {
		const host: HostRecord = {
			host_id: `h${h}${randomBytes(4).toString('hex')}`,
			name: `bench${h}`,
			url: s.info.host_url,
			auth_type: 'admin_api_key',
			credential: {admin_api_key: s.info.admin_api_key},
			session: null,
			version: '0.1.180',
			capabilities: {chat_completions: true},
			prefix: 'crm-',
			user_domain: 'crm.invalid',
			created_at: at,
			last_probe_at: at,
		};
		state.hosts.push(host);
		const p = provisioned[h]!;
		p.keys.forEach((userKey, i) => {
			const batchId = `b20260101-${String(h * 1000 + i).padStart(6, '0')}-${randomBytes(3).toString('hex')}`;
			const index: BatchIndex = {
				batch_id: batchId,
				host_id: host.host_id,
				pack: 'deepseek',
				base_url: s.info.upstreams.deepseek!.base_url,
				key_fingerprint: `sha256:${randomBytes(8).toString('hex')}`,
				access_mode: 'self_service',
				batch_status: 'succeeded',
				access_status: 'self_service_ready',
				provider_status: 'active',
				failure_class: null,
				stopped_at_step: null,
				created_at: at,
				updated_at: at,
				finished_at: at,
				pid: null,
				resource_count: 1,
			};
			state.batches.push(index);
			resourceIndex.set(resourceKey(host.host_id, 'account', String(p.accountId)), batchId);
			state.batch_secrets[batchId] = {
				user_email: null,
				user_password: null,
				user_key: userKey,
				provider_key: s.info.upstreams.deepseek!.api_key,
			};
			const file: BatchFile = {
				schema_version: BATCH_FILE_VERSION,
				batch_id: batchId,
				host_id: host.host_id,
				pack: 'deepseek',
				input: {},
				steps: [],
				resources: [
					{
						resource_type: 'account',
						host_resource_id: String(p.accountId),
						name: `crm-deepseek-${h}`,
						status: 'created',
						snapshot: {name: `crm-deepseek-${h}`, model_mapping: MAPPING},
						created_at: at,
						confirmed_at: at,
						deleted_at: null,
						deleted_by: null,
						owned: true,
					},
				],
				access_results: [],
				reconcile_runs: [],
				summary: {smoke_model: 'deepseek-flash'},
			};
			writeFileSync(path.join(dir, 'batches', `${batchId}.json`), JSON.stringify(file));
		});
	});
	// As crm writes them: state.json in its compact form, the resource index beside the batch files.
	writeFileSync(path.join(dir, 'state.json'), new StateEncoder().encodeText(state), {mode: 0o600});
	new ResourceIndex(
		ResourceIndex.fileIn(path.join(dir, 'batches')),
		() => resourceIndex,
		() => true,
	).rewrite(resourceIndex);
	return state.batches.length;
}

/** The pass under GNU time: wall, peak RSS and CPU seconds (user + system) of the crm process. */
async function watchPass(
	dir: string,
): Promise<Awaited<ReturnType<typeof crmWithRss>> & {cpuS: number | null}> {
	const args = ['watch', '--once', '--json', '--data', dir];
	const env = {CRM_TIMEOUT_S: '30'};
	if (!hasGnuTime()) return {...(await crmWithRss(args, env, 30 * 60_000)), cpuS: null};
	const run = await timedSpawn(
		'/usr/bin/time',
		['-f', 'CRM_BENCH=%M %U %S', process.execPath, cliPath, ...args],
		{
			env,
			timeoutMs: 30 * 60_000,
		},
	);
	const m = /CRM_BENCH=(\d+) ([\d.]+) ([\d.]+)/.exec(run.stderr);
	return {...run, maxRssKb: m ? Number(m[1]) : null, cpuS: m ? Number(m[2]) + Number(m[3]) : null};
}

export async function benchWatch(
	o: WatchBenchOptions,
): Promise<SectionResult & {wallMs: number; rssKb: number | null}> {
	const t0 = now();
	const sandboxes = await Promise.all(
		Array.from({length: o.hosts}, () => startSandbox({adminKeyCreation: true})),
	);
	const dir = tempDir('watch');
	try {
		const provisioned = await Promise.all(sandboxes.map((s, h) => provision(s, o.batchesPerHost, String(h))));
		const batches = writeDataFolder(dir, sandboxes, provisioned);
		for (const s of sandboxes) s.setFaults({latency_ms: o.latencyMs});
		// One host's provider is out of balance: its checks fail and take the direct check.
		sandboxes[sandboxes.length - 1]!.setFaults({upstream: {deepseek: 'quota'}});
		log(`watch: ${batches} batches on ${o.hosts} hosts ready in ${ms(now() - t0)}; one pass`);
		const loadStart = os.loadavg()[0]!;
		const run = await watchPass(dir);
		let checks: Array<{health: string}> = [];
		let alerts = 0;
		try {
			const doc = JSON.parse(run.stdout) as {checks: Array<{health: string}>; alerts: unknown[]};
			checks = doc.checks;
			alerts = doc.alerts.length;
		} catch {
			throw new Error(`crm watch --once printed no JSON (exit ${run.code}): ${run.stderr.slice(-500)}`);
		}
		const ok = checks.filter((c) => c.health === 'ok').length;
		const failing = checks.filter((c) => c.health === 'failing').length;
		const peak = Math.max(...sandboxes.map((s) => s.snapshot().max_in_flight));
		const section = 'Watch at scale';
		const rss = run.maxRssKb;
		const figures: Figure[] = [
			{
				section,
				measure: `one \`crm watch --once\` pass, ${batches} batches on ${o.hosts} hosts (${o.latencyMs} ms per answer)`,
				value: ms(run.ms),
				ratio: ratio(run.ms, DEFAULT_INTERVAL_MS, '15 min interval'),
				target: '≤ 1.00 × interval',
				met: run.ms <= DEFAULT_INTERVAL_MS && checks.length === batches,
			},
			{
				section,
				measure: 'peak RSS of that pass',
				value: rss === null ? 'n/a' : `${(rss / 1024).toFixed(0)} MiB`,
				ratio: rss === null ? null : ratio(rss, RSS_BOUND_KIB, '250 MiB'),
				target: '≤ 1.00 × 250 MiB',
				met: rss === null ? null : rss <= RSS_BOUND_KIB,
			},
			{
				section,
				measure: 'most host requests at once on one host',
				value: String(peak),
				ratio: ratio(peak, 8, 'bound (4 checks × 2 requests)'),
				target: '≤ 1.00 × bound',
				met: peak <= 8,
			},
		];
		const details = [
			`${batches} batches: ${ok} ok, ${failing} failing (the out-of-balance host, each with a direct check of the provider and a balance read), ${alerts} alert(s) raised (no webhook set), exit code ${run.code}. ` +
				`The pass took ${ms(run.ms)} wall time, ${(run.ms / batches).toFixed(1)} ms a batch overall; every host answer carried ${o.latencyMs} ms, a check is two host requests side by side (and, when it fails, a direct chat and the balance read).`,
			run.cpuS === null
				? 'CPU time: not measured (no GNU time).'
				: `The crm process used ${run.cpuS.toFixed(1)} s of CPU (user + system), ${((run.cpuS * 1000) / batches).toFixed(1)} ms a check, ${((run.cpuS * 100000) / run.ms).toFixed(0)} % of one core over the pass: ` +
					(run.cpuS * 1000 > run.ms * 0.7
						? 'the pass is CPU-bound in its one process (HTTP client per request, batch file reads, history appends).'
						: 'most of the wall time is waiting (host and provider answers, the per-host bound, and on a busy machine a free core).'),
			`Machine: ${os.cpus().length} cores, load average ${loadStart.toFixed(1)} when the pass started and ${os.loadavg()[0]!.toFixed(1)} when it ended (the machine is shared; on a busy one the wall time is mostly waiting for a core).`,
			`The bound per host is 4 checks at once (\`--concurrency\`); the sandboxes counted at most ${peak} requests at once on one host. Hosts are checked in parallel, so the pass takes about as long as one host's share (${o.batchesPerHost} batches / 4 at a time).`,
		];
		return {figures, details, wallMs: run.ms, rssKb: rss};
	} finally {
		await Promise.all(sandboxes.map((s) => s.close()));
		removeDir(dir);
	}
}

const START = '<!-- watch-bench:start -->';
const END = '<!-- watch-bench:end -->';

/** Writes (or replaces) this benchmark's own section of docs/benchmarks.md. */
function writeSection(result: SectionResult): void {
	const file = path.join(repoRoot, 'docs', 'benchmarks.md');
	const text = readFileSync(file, 'utf8');
	const rows = result.figures.map(
		(f) =>
			`| ${f.measure} | ${f.value} | ${f.ratio ?? '–'} | ${f.target} | ${f.met === null ? '–' : f.met ? 'met' : 'MISSED'} |`,
	);
	const section = [
		START,
		'',
		'## Watch at scale',
		'',
		`Written by \`npx tsx scripts/bench/watch.ts\` on ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC (also part of \`npm run bench\`).`,
		'',
		'| Measure | Figure | Ratio | Target | |',
		'|---|---|---|---|---|',
		...rows,
		'',
		...result.details.flatMap((d) => [d, '']),
		END,
	].join('\n');
	const start = text.indexOf(START);
	const end = text.indexOf(END);
	const next =
		start >= 0 && end > start
			? text.slice(0, start) + section + text.slice(end + END.length)
			: `${text.trimEnd()}\n\n${section}\n`;
	writeFileSync(file, next);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
	benchWatch({hosts: 10, batchesPerHost: 100, latencyMs: 20}).then(
		(result) => {
			for (const f of result.figures)
				process.stdout.write(`${f.measure}: ${f.value} (${f.ratio ?? '–'}; ${f.target})\n`);
			writeSection(result);
		},
		(error: unknown) => {
			process.stderr.write(
				`bench watch: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
			);
			process.exitCode = 1;
		},
	);
}
