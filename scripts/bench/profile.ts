// Where a process's CPU went, from a V8 CPU profile (`node --cpu-prof`): every sample is credited to
// the innermost frame on its stack that one of the given parts claims (registering secrets inside the
// state open counts as registering secrets), and what no part claims to "other". The bench profiles
// one extra run of a missed figure with this, so the notes state the measured cause of the miss.
import {readdirSync, readFileSync} from 'node:fs';
import path from 'node:path';

interface CallFrame {
	functionName: string;
	url: string;
}
interface ProfileNode {
	id: number;
	callFrame: CallFrame;
	children?: number[];
}
interface CpuProfile {
	nodes: ProfileNode[];
	samples: number[];
	timeDeltas: number[];
}

export interface Part {
	name: string;
	claims: (frame: CallFrame) => boolean;
}

export interface Breakdown {
	/** CPU time in the profile (idle left out), ms. */
	totalMs: number;
	parts: Array<{name: string; ms: number}>;
}

/** Reads the one profile `node --cpu-prof --cpu-prof-dir=DIR` wrote into DIR. */
export function readProfile(dir: string): CpuProfile {
	const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
	if (!file) throw new Error(`no CPU profile in ${dir}`);
	return JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as CpuProfile;
}

export function breakdown(profile: CpuProfile, parts: Part[]): Breakdown {
	const byId = new Map(profile.nodes.map((n) => [n.id, n]));
	const parent = new Map<number, number>();
	for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
	const owner = new Map<number, string>();
	const ownerOf = (id: number): string => {
		const known = owner.get(id);
		if (known !== undefined) return known;
		const node = byId.get(id)!;
		const part = parts.find((p) => p.claims(node.callFrame));
		const up = parent.get(id);
		const name = part ? part.name : up === undefined ? 'other' : ownerOf(up);
		owner.set(id, name);
		return name;
	};
	const totals = new Map<string, number>();
	let totalUs = 0;
	profile.samples.forEach((id, i) => {
		const node = byId.get(id)!;
		if (node.callFrame.functionName === '(idle)') return;
		const us = profile.timeDeltas[i] ?? 0;
		totalUs += us;
		const name = ownerOf(id);
		totals.set(name, (totals.get(name) ?? 0) + us);
	});
	return {
		totalMs: totalUs / 1000,
		parts: [...totals].map(([name, us]) => ({name, ms: us / 1000})).sort((a, b) => b.ms - a.ms),
	};
}

/** `name 123 ms (12 %)` for the parts of at least 5 ms, largest first. */
export function describeBreakdown(b: Breakdown): string {
	return b.parts
		.filter((p) => p.ms >= 5)
		.map((p) => `${p.name} ${p.ms.toFixed(0)} ms (${((100 * p.ms) / b.totalMs).toFixed(0)} %)`)
		.join(', ');
}

export const partMs = (b: Breakdown | null, name: string) => b?.parts.find((p) => p.name === name)?.ms ?? 0;

const inFile = (re: RegExp) => (f: CallFrame) => re.test(f.url);
const named = (re: RegExp) => (f: CallFrame) => re.test(f.functionName);
/** A function of crm's own build (dist/, the TUI's chunks included). */
const ours = (re: RegExp) => (f: CallFrame) => re.test(f.functionName) && f.url.includes('/dist/');

/**
 * The parts of `crm status --json` and of the TUI's start-up: what the store's open costs (read and
 * decode; the secret registry), the status rows, the UI's rendering, module loading and Node itself.
 * Function names, not files: the TUI's chunks are bundled under hashed names.
 */
export const STATE_READ_PARTS: Part[] = [
	{name: 'garbage collection', claims: named(/^\(garbage collector\)$/)},
	{name: 'registering the secrets state.json holds', claims: ours(/^registerSecrets$/)},
	{name: 'the status rows (hostStatuses)', claims: ours(/^hostStatuses$/)},
	{name: 'reading and decoding state.json', claims: ours(/^(load|readStateFile|decodeStateQuick)$/)},
	{name: 'printing (redaction and JSON)', claims: ours(/^result$/)},
	{
		name: 'React and Ink (render, layout, terminal output)',
		claims: ours(/^(performWorkOnRoot|performSyncWorkOnRoot|onRender|calculateLayout|renderer)$/),
	},
	{name: 'zod (loaded with the pack schemas)', claims: inFile(/node_modules\/zod\//)},
	{name: 'meow (flag parser)', claims: inFile(/node_modules\/meow\//)},
	{
		name: 'module loading and compiling',
		claims: (f) => /node:internal\/modules\//.test(f.url) || f.functionName === 'compileSourceTextModule',
	},
	{name: 'Node start-up', claims: (f) => /^node:internal\/(bootstrap|main|process)\//.test(f.url)},
];
