// 1. Import critical path. The sandbox adds a fixed latency to every host and upstream request; one
// real `crm import` runs against it through two recording proxies (host, upstream), which give
// every request's start and end. From those we build the longest chain of requests that had to wait
// for each other (a request that overlaps another in time ran in parallel with it), weigh each link
// by the latency it must pay (a host request that itself calls the upstream pays twice), and compare
//   - the wall time with chain x latency + the process start-up overhead (measured separately), and
//   - the chain with the one the domain's data dependencies force (docs/domain.md "Write-ahead records") (the model below).
import {startSandbox} from '../../source/sandbox/index.js';
import {startProxy, type ProxyEntry} from './proxy.js';
import {
	crm,
	crmWithRss,
	log,
	median,
	ms,
	ratio,
	removeDir,
	tempDir,
	type Figure,
	type SectionResult,
	type Timed,
} from './common.js';

export interface Req extends ProxyEntry {
	/** Upstream requests the host made while serving this one (gateway forwarding, account test). */
	nested: Req[];
	/** Latency units this request pays: itself plus its nested chain. */
	units: number;
	/** Model node it was matched to, or null (not expected by the model). */
	node: string | null;
}

/** Host requests that make the host call the upstream: the account test and a served completion. */
const FORWARDS = [/^\/api\/v1\/admin\/accounts\/\d+\/test$/, /^\/v1\/chat\/completions$/];

/**
 * Splits the proxy log into requests the CLI made (host requests, and its direct upstream probe)
 * and the upstream requests the host made while serving one of them: an upstream request that lies
 * inside a successful host request that forwards (the gateway passes the client's user-agent on,
 * so headers cannot tell them apart).
 */
export function classify(entries: ProxyEntry[]): Req[] {
	const reqs: Req[] = entries
		.filter((e) => e.end > 0)
		.map((e) => ({...e, nested: [], units: 1, node: null}))
		.sort((a, b) => a.start - b.start);
	const forwarding = reqs.filter(
		(r) => r.side === 'host' && r.status < 300 && FORWARDS.some((p) => p.test(r.path)),
	);
	const top: Req[] = [];
	for (const r of reqs) {
		if (r.side === 'upstream') {
			const parent = forwarding.find((h) => h.start <= r.start && r.end <= h.end);
			if (parent) {
				parent.nested.push(r);
				continue;
			}
		}
		top.push(r);
	}
	for (const r of top) r.units = 1 + longestChain(r.nested).units;
	return top;
}

/**
 * The longest chain (by latency units) of requests each of which started after the previous one
 * ended. Requests that overlap in time ran in parallel, so they are never in one chain.
 */
export function longestChain(reqs: Array<Pick<Req, 'start' | 'end' | 'units'>>): {
	units: number;
	chain: number[];
} {
	const order = reqs.map((_, i) => i).sort((a, b) => reqs[a]!.end - reqs[b]!.end);
	const best = new Array<number>(reqs.length).fill(0);
	const prev = new Array<number>(reqs.length).fill(-1);
	for (const i of order) {
		best[i] = reqs[i]!.units;
		for (const j of order) {
			if (reqs[j]!.end > reqs[i]!.start) continue;
			if (best[j]! + reqs[i]!.units > best[i]!) {
				best[i] = best[j]! + reqs[i]!.units;
				prev[i] = j;
			}
		}
	}
	let last = -1;
	for (let i = 0; i < reqs.length; i++) if (last < 0 || best[i]! > best[last]!) last = i;
	const chain: number[] = [];
	for (let i = last; i >= 0; i = prev[i]!) chain.unshift(i);
	return {units: last < 0 ? 0 : best[last]!, chain};
}

/** One request of an import as the domain's data dependencies see it (docs/domain.md). */
interface ModelNode {
	id: string;
	side: 'host' | 'upstream';
	method: string;
	path: RegExp;
	units: number;
	/** What it must wait for, and why. */
	deps: string[];
	why: string;
	/** Matches only requests sent with (true) or without (false) the probe's invalid key. */
	probe?: boolean;
}

const PROBES = ['health', 'settings', 'probe_admin_read', 'probe_step_up', 'probe_chat_route', 'up_chat'];

/** The requests of one import and what each really needs from an earlier answer. */
export function dependencyModel(mode: 'subscription' | 'self_service'): ModelNode[] {
	const node = (
		id: string,
		side: ModelNode['side'],
		method: string,
		path: RegExp,
		deps: string[],
		why: string,
		units = 1,
	): ModelNode => ({id, side, method, path, units, deps, why});
	return [
		node('health', 'host', 'GET', /^\/health$/, [], 'probe read'),
		node('settings', 'host', 'GET', /^\/api\/v1\/settings\/public$/, [], 'probe read'),
		node('probe_admin_read', 'host', 'GET', /^\/api\/v1\/admin\/groups$/, [], 'probe read (credential, 423)'),
		node('probe_step_up', 'host', 'GET', /^\/api\/v1\/admin\/users$/, [], 'probe read (step-up)'),
		{
			...node('probe_chat_route', 'host', 'POST', /^\/v1\/chat\/completions$/, [], 'probe (route exists)'),
			probe: true,
		},
		node('up_models', 'upstream', 'GET', /\/models$/, [], 'upstream probe'),
		node(
			'up_chat',
			'upstream',
			'POST',
			/\/chat\/completions$/,
			['up_models'],
			'direct chat: the smoke model comes from the live model list',
		),
		node(
			'plan_name_free',
			'host',
			'GET',
			/^\/api\/v1\/admin\/groups$/,
			[],
			'a read: the name needs only the batch id',
		),
		node(
			'create_group',
			'host',
			'POST',
			/^\/api\/v1\/admin\/groups$/,
			[...PROBES, 'plan_name_free'],
			'writes wait for both probes (rules 3, 5) and a free name',
		),
		node('create_account', 'host', 'POST', /^\/api\/v1\/admin\/accounts$/, ['create_group'], 'group_ids'),
		node(
			'account_test',
			'host',
			'POST',
			/^\/api\/v1\/admin\/accounts\/\d+\/test$/,
			['create_account'],
			'account id; advisory only (the smoke decides), so nothing waits for it',
			2,
		),
		node(
			'create_user',
			'host',
			'POST',
			/^\/api\/v1\/admin\/users$/,
			mode === 'self_service' ? [...PROBES, 'create_group'] : PROBES,
			mode === 'self_service' ? 'allowed_groups needs the group id' : 'writes wait for the probes',
		),
		node(
			'set_balance',
			'host',
			'POST',
			/^\/api\/v1\/admin\/users\/\d+\/balance$/,
			['create_user'],
			'user id',
		),
		node(
			'assign_subscription',
			'host',
			'POST',
			/^\/api\/v1\/admin\/subscriptions\/assign$/,
			['create_user', 'create_group'],
			'user id and group id',
		),
		node('user_login', 'host', 'POST', /^\/api\/v1\/auth\/login$/, ['create_user'], 'the user exists'),
		node(
			'create_key',
			'host',
			'POST',
			/^\/api\/v1\/keys$/,
			mode === 'subscription'
				? ['user_login', 'create_group', 'assign_subscription']
				: ['user_login', 'create_group', 'set_balance'],
			mode === 'subscription'
				? 'user token, group id; binding a subscription group needs the subscription'
				: 'user token, group id (allowed via the user)',
		),
		node(
			'smoke_models',
			'host',
			'GET',
			/^\/v1\/models$/,
			['create_key', 'create_account'],
			'user key; the account in the group',
		),
		{
			...node(
				'smoke_chat',
				'host',
				'POST',
				/^\/v1\/chat\/completions$/,
				['create_key', 'create_account'],
				'user key; the account in the group (independent of /v1/models)',
				2,
			),
			probe: false,
		},
	];
}

/** Matches observed requests to model nodes, in start order, each node at most once. */
export function matchModel(top: Req[], model: ModelNode[]): void {
	const used = new Set<string>();
	for (const r of top) {
		const n = model.find(
			(m) =>
				!used.has(m.id) &&
				m.side === r.side &&
				m.method === r.method &&
				m.path.test(r.path) &&
				(m.probe === undefined || m.probe === r.probe),
		);
		if (n) {
			used.add(n.id);
			r.node = n.id;
		}
	}
}

/** Longest path (units) through the model, over the nodes that were really sent. */
export function forcedChain(model: ModelNode[], present: Set<string>): {units: number; path: string[]} {
	const byId = new Map(model.map((m) => [m.id, m]));
	const memo = new Map<string, {units: number; path: string[]}>();
	const visit = (id: string): {units: number; path: string[]} => {
		const hit = memo.get(id);
		if (hit) return hit;
		const m = byId.get(id)!;
		let best: {units: number; path: string[]} = {units: 0, path: []};
		for (const d of m.deps) {
			if (!present.has(d)) continue;
			const sub = visit(d);
			if (sub.units > best.units) best = sub;
		}
		const out = {units: best.units + m.units, path: [...best.path, id]};
		memo.set(id, out);
		return out;
	};
	let top: {units: number; path: string[]} = {units: 0, path: []};
	for (const id of present) {
		if (!byId.has(id)) continue;
		const v = visit(id);
		if (v.units > top.units) top = v;
	}
	return top;
}

export interface ImportRun {
	timed: Timed;
	maxRssKb: number | null;
	top: Req[];
	all: Req[];
	chain: Req[];
	chainUnits: number;
	forced: {units: number; path: string[]};
	firstStart: number;
	lastEnd: number;
	hostCount: number;
	upstreamCount: number;
	mode: 'subscription' | 'self_service';
	steps: Array<{name: string; duration_ms: number | null}>;
	ok: boolean;
}

interface Env {
	data: string;
	env: Record<string, string>;
	upstreamUrl: (pack: string) => string;
	hostEntries: ProxyEntry[];
	upstreamEntries: ProxyEntry[];
	close(): Promise<void>;
}

/** A latency sandbox behind recording proxies, registered as host `sb` in a fresh data folder. */
export async function latencyEnv(latencyMs: number, data = tempDir('import')): Promise<Env> {
	const sandbox = await startSandbox({latencyMs});
	const hostProxy = await startProxy('host', sandbox.info.host_url);
	const upstreamBase = new URL(sandbox.info.upstreams.deepseek!.base_url).origin;
	const upstreamProxy = await startProxy('upstream', upstreamBase);
	const env: Record<string, string> = {
		CRM_ADMIN_KEY: sandbox.info.admin_api_key,
		CRM_SMOKE_RETRY_S: '5',
		CRM_SMOKE_RETRY_INTERVAL_MS: '200',
	};
	for (const [pack, up] of Object.entries(sandbox.info.upstreams))
		env[`KEY_${pack.toUpperCase().replace(/-/g, '_')}`] = up.api_key;
	const added = await crm(
		[
			'host',
			'add',
			'--name',
			'sb',
			'--url',
			hostProxy.url,
			'--admin-key-env',
			'CRM_ADMIN_KEY',
			'--json',
			'--data',
			data,
		],
		env,
	);
	if (added.code !== 0) throw new Error(`host add failed: ${added.stderr}`);
	return {
		data,
		env,
		upstreamUrl: (pack) => {
			const u = new URL(sandbox.info.upstreams[pack]!.base_url);
			return `${upstreamProxy.url}${u.pathname}`;
		},
		hostEntries: hostProxy.entries,
		upstreamEntries: upstreamProxy.entries,
		close: async () => {
			await hostProxy.close();
			await upstreamProxy.close();
			await sandbox.close();
		},
	};
}

export async function oneImport(
	env: Env,
	pack: string,
	mode: 'subscription' | 'self_service',
	force: boolean,
): Promise<ImportRun> {
	const h0 = env.hostEntries.length;
	const u0 = env.upstreamEntries.length;
	const args = [
		'import',
		'--host',
		'sb',
		'--pack',
		pack,
		'--url',
		env.upstreamUrl(pack),
		'--key-env',
		`KEY_${pack.toUpperCase()}`,
		'--access',
		mode,
		'--json',
		'--data',
		env.data,
		...(force ? ['--force'] : []),
	];
	const timed = await crmWithRss(args, env.env);
	const entries = [...env.hostEntries.slice(h0), ...env.upstreamEntries.slice(u0)];
	const top = classify(entries);
	const model = dependencyModel(mode);
	matchModel(top, model);
	const {units, chain} = longestChain(top);
	const present = new Set(top.map((r) => r.node).filter((n): n is string => n !== null));
	let steps: ImportRun['steps'] = [];
	let ok = false;
	try {
		const result = JSON.parse(timed.stdout) as {
			batch_status: string;
			steps: Array<{name: string; duration_ms: number | null}>;
		};
		steps = result.steps;
		ok = result.batch_status === 'succeeded';
	} catch {
		// not one JSON document: the run failed (ok stays false)
	}
	return {
		timed,
		maxRssKb: timed.maxRssKb,
		top,
		all: entries.map((e) => ({...e, nested: [], units: 1, node: null})),
		chain: chain.map((i) => top[i]!),
		chainUnits: units,
		forced: forcedChain(model, present),
		firstStart: Math.min(...entries.map((e) => e.start)),
		lastEnd: Math.max(...entries.map((e) => e.end)),
		hostCount: entries.filter((e) => e.side === 'host').length,
		upstreamCount: entries.filter((e) => e.side === 'upstream').length,
		mode,
		steps,
		ok,
	};
}

/** The import's module loading, state open and preflight: `crm import` stopped by an unknown pack. */
export async function importStartup(env: Env, runs: number): Promise<number[]> {
	const out: number[] = [];
	for (let i = 0; i < runs; i++) {
		const t = await crm(
			['import', '--host', 'sb', '--pack', 'no-such-pack', '--url', env.upstreamUrl('deepseek')].concat([
				'--key-env',
				'KEY_DEEPSEEK',
				'--json',
				'--data',
				env.data,
			]),
			env.env,
		);
		if (t.code !== 2) throw new Error(`expected exit 2 from an unknown pack, got ${t.code}: ${t.stderr}`);
		out.push(t.ms);
	}
	return out;
}

function describe(r: Req, t0: number): string {
	const nested = r.nested.length ? ` (+${r.nested.length} upstream inside)` : '';
	return `${r.side} ${r.method} ${r.path}${nested} [${(r.start - t0).toFixed(0)}–${(r.end - t0).toFixed(0)} ms] ${r.node ?? '(not in model)'}`;
}

/** Same method and path (ids folded) sent more than once by the CLI in one import. */
function repeats(top: Req[]): string[] {
	const counts = new Map<string, number>();
	for (const r of top) {
		const key = `${r.side} ${r.method} ${r.path.replace(/\/\d+(?=\/|$)/g, '/:id')}`;
		counts.set(key, (counts.get(key) ?? 0) + 1);
	}
	return [...counts].filter(([, n]) => n > 1).map(([k, n]) => `${k} ×${n}`);
}

/**
 * Where a chain's time over its latency goes, summed over its links: inside the requests (the
 * recording proxy and the sandbox host answering, both in the bench's process), crm's own time from
 * an answer to its next request, and waiting for a request beside the chain that ended later.
 */
export function linkCosts(
	chain: Array<Pick<Req, 'start' | 'end' | 'units'>>,
	top: Array<Pick<Req, 'end'>>,
	latencyMs: number,
): {insideMs: number; ownMs: number; besideMs: number} {
	let insideMs = 0;
	let ownMs = 0;
	let besideMs = 0;
	chain.forEach((r, i) => {
		insideMs += r.end - r.start - r.units * latencyMs;
		if (i === 0) return;
		const gap = r.start - chain[i - 1]!.end;
		const lastAnswer = Math.max(...top.filter((o) => o.end <= r.start).map((o) => o.end));
		const own = Math.min(gap, r.start - lastAnswer);
		ownMs += own;
		besideMs += gap - own;
	});
	return {insideMs, ownMs, besideMs};
}

export async function benchCriticalPath(options: {latencyMs: number; runs: number}): Promise<
	SectionResult & {
		importRssKb: number | null;
		importWallMs: number;
		importAfterStartMs: number;
		chainUnits: number;
	}
> {
	const {latencyMs} = options;
	log(`critical path: sandbox with ${latencyMs} ms per request, ${options.runs} imports`);
	const env = await latencyEnv(latencyMs);
	try {
		const startup = await importStartup(env, 5);
		const startupMs = median(startup);
		const runs: ImportRun[] = [];
		for (let i = 0; i < options.runs; i++) runs.push(await oneImport(env, 'deepseek', 'subscription', i > 0));
		const selfService = await oneImport(env, 'deepseek', 'self_service', true);
		const failed = [...runs, selfService].filter((r) => !r.ok);
		if (failed.length) throw new Error(`an import did not succeed: ${failed[0]!.timed.stderr.slice(-800)}`);
		runs.sort((a, b) => a.timed.ms - b.timed.ms);
		const run = runs[Math.floor(runs.length / 2)]!;
		const wall = run.timed.ms;
		const bound = run.chainUnits * latencyMs + startupMs;
		const forcedBound = run.forced.units * latencyMs + startupMs;
		const head = run.firstStart - run.timed.startedAt;
		const network = run.lastEnd - run.firstStart;
		const tail = run.timed.endedAt - run.lastEnd;
		const perLink = (network - run.chainUnits * latencyMs) / run.chain.length;
		const costs = linkCosts(run.chain, run.top, latencyMs);
		const links = `${ms(costs.insideMs)} inside the requests (the recording proxy and the sandbox host, both in the bench's process), ${ms(costs.ownMs)} of crm's own work from an answer to its next request, ${ms(costs.besideMs)} waiting for a request beside the chain that answered later`;
		const reps = repeats(run.top);
		const t0 = run.firstStart;
		const unmatched = run.top.filter((r) => r.node === null);
		const notForced = run.chain
			.map((r) => r.node)
			.filter((n): n is string => n !== null && !run.forced.path.includes(n));

		const figures: Figure[] = [
			{
				section: 'Import critical path',
				id: 'critical.requests',
				measure: `requests in one import (${latencyMs} ms added each)`,
				value: `${run.hostCount} host + ${run.upstreamCount} upstream (${run.top.length} made by crm)`,
				ratio: null,
				target: 'none repeated without cause',
				met: unmatched.length === 0,
				note: unmatched.length
					? `not expected by the dependency model: ${unmatched.map((r) => `${r.method} ${r.path}`).join(', ')}`
					: undefined,
			},
			{
				section: 'Import critical path',
				id: 'critical.chain',
				measure: 'longest chain of waiting requests',
				value: `${run.chain.length} requests = ${run.chainUnits} latency units`,
				ratio: ratio(run.chainUnits, run.forced.units, `forced (${run.forced.units} units)`),
				target: '1.00 × forced',
				met: run.chainUnits <= run.forced.units,
				note:
					run.chainUnits > run.forced.units
						? `links no dependency forces: ${notForced.join(', ')} (see the reading below)`
						: undefined,
			},
			{
				section: 'Import critical path',
				id: 'critical.wall',
				measure: 'wall time of `crm import` (median of runs)',
				value: ms(wall),
				ratio: ratio(wall, bound, `bound (${run.chainUnits} × ${latencyMs} ms + ${ms(startupMs)} start-up)`),
				target: '≤ 1.10 × bound',
				met: wall <= 1.1 * bound,
				note:
					wall > 1.1 * bound
						? `the ${run.chain.length} links cost ${ms(perLink)} each over their latency: ${links}; the first request leaves ${ms(head - startupMs)} after the measured start-up (preflight and the batch's creation before the host probe); ${ms(tail)} after the last answer (the summary and the finishing writes)`
						: undefined,
			},
			{
				section: 'Import critical path',
				id: 'critical.span',
				measure: 'network span (first request to last answer) against the forced chain',
				value: ms(network),
				ratio: ratio(
					network,
					run.forced.units * latencyMs,
					`forced chain (${run.forced.units} × ${latencyMs} ms)`,
				),
				target: '≤ 1.20 × forced chain',
				met: network <= 1.2 * run.forced.units * latencyMs,
				note:
					network > 1.2 * run.forced.units * latencyMs
						? `${run.chainUnits} latency units waited in the chain against ${run.forced.units} forced; over the ${run.chainUnits} × ${latencyMs} ms the span has ${ms(network - run.chainUnits * latencyMs)}: ${links}`
						: undefined,
			},
			{
				section: 'Import critical path',
				measure: 'wall time against what the dependencies force',
				value: ms(wall),
				ratio: ratio(wall, forcedBound, `forced bound (${run.forced.units} × ${latencyMs} ms + start-up)`),
				target: 'informational',
				met: null,
			},
		];

		const details: string[] = [];
		details.push(
			`Median of ${runs.length} subscription-mode imports of \`deepseek\` (wall times ${runs.map((r) => ms(r.timed.ms)).join(', ')}), ${latencyMs} ms added to every host and upstream request. ` +
				`Start-up overhead, measured separately as \`crm import\` stopped in preflight by an unknown pack (same modules, same state open): median ${ms(startupMs)} of ${startup.map((v) => v.toFixed(0)).join(', ')} ms. ` +
				`In the median run: ${ms(head)} from spawn to the first request, ${ms(network)} from the first request to the last answer, ${ms(tail)} from the last answer to exit. ` +
				`The network phase is ${ratio(network, run.chainUnits * latencyMs, 'chain × latency')}: ${ms(perLink)} per chain link above the added latency, in all ${links}.`,
		);
		details.push(
			'Observed chain (each waited for the one before):\n\n' +
				run.chain.map((r, i) => `${i + 1}. ${describe(r, t0)}`).join('\n'),
		);
		details.push(
			`Forced chain (the domain's data dependencies, ${run.forced.units} units): ${run.forced.path.join(' → ')}. ` +
				`Observed links that no dependency forces: ${notForced.length ? notForced.join(', ') : 'none'}.` +
				(reps.length ? ` Same endpoint sent more than once: ${reps.join('; ')}.` : ''),
		);
		details.push(
			`Steps (median run): ${run.steps.map((s) => `${s.name} ${s.duration_ms ?? '?'} ms`).join(', ')}.`,
		);
		details.push(
			`Self-service mode (one run): ${ms(selfService.timed.ms)}, ${selfService.hostCount} host + ${selfService.upstreamCount} upstream requests, chain ${selfService.chainUnits} units against ${selfService.forced.units} forced (${selfService.forced.path.join(' → ')}).`,
		);
		return {
			figures,
			details,
			importRssKb: run.maxRssKb,
			importWallMs: wall,
			importAfterStartMs: network + tail,
			chainUnits: run.chainUnits,
		};
	} finally {
		await env.close();
		removeDir(env.data);
	}
}
