// Which pack fits a `url,key` pair (docs/domain.md "Providers"), in this order:
//   1. a third column names the pack                                  -> detected_by "column"
//   2. the URL's host is an official provider's (a pack's url_hosts,
//      or a subdomain of one)                                           -> "url"
//   3. the upstream's /models lists ids of exactly one pack's model
//      families, no id of another vendor, and the family's ids are at
//      least half of the list                                           -> "models"
//   4. otherwise (ids of other vendors such as gpt-, claude-, gemini-,
//      o1/o3/o4; several families; none; most ids unknown; or no
//      model list at all)                                              -> "fallback": relay,
//      which keeps every listed model (docs/domain.md rule 15)
// The evidence (hosts matched, families seen with counts and examples, the /models error) is kept
// so the operator can see why.
import {listUpstreamModels, UpstreamError} from '../../upstream/index.js';
import {findPack, isOfficialUrl, type Pack, type PackSet} from '../packs/packs.js';
import type {BatchRow, Detection, DetectionEvidence, FamilyCount} from './types.js';

export const FALLBACK_PACK = 'relay';

/** Packs whose official hosts match the URL's host (exactly, or as a parent domain). */
export function packsForUrl(url: string, packs: PackSet): Pack[] {
	return packs.packs.filter((p) => isOfficialUrl(p, url));
}

/**
 * The pack whose families an id belongs to. Aggregators prefix ids with an organisation
 * (`deepseek-ai/DeepSeek-V4-Pro`, `Pro/MiniMaxAI/MiniMax-M2.5`): the last path segment is compared.
 */
export function packForModel(id: string, packs: PackSet): Pack | null {
	const name = (id.split('/').at(-1) ?? id).toLowerCase();
	return packs.packs.find((p) => p.model_families.some((f) => name.startsWith(f.toLowerCase()))) ?? null;
}

/** Counts listed ids per pack family; ids of no family are `unmatched`. */
export function familiesOf(models: string[], packs: PackSet): {families: FamilyCount[]; unmatched: number} {
	const byPack = new Map<string, FamilyCount>();
	let unmatched = 0;
	for (const id of models) {
		const pack = packForModel(id, packs);
		if (!pack) {
			unmatched += 1;
			continue;
		}
		const entry = byPack.get(pack.id) ?? {pack: pack.id, count: 0, examples: []};
		entry.count += 1;
		if (entry.examples.length < 5) entry.examples.push(id);
		byPack.set(pack.id, entry);
	}
	return {families: [...byPack.values()].sort((a, b) => b.count - a.count), unmatched};
}

/** Ids of vendors no pack serves (OpenAI, Anthropic, Google, xAI): a listing with one is a relay. */
const FOREIGN_VENDOR = /^(gpt-|chatgpt-|claude-|gemini-|grok-|o[1-9](-|$))/i;

export function isForeignVendor(id: string): boolean {
	return FOREIGN_VENDOR.test(id.split('/').at(-1) ?? id);
}

/** Rule 3 and 4 on a model list: one family alone (no other vendor, at least half the ids), else the fallback. */
export function packFromModels(
	models: string[],
	packs: PackSet,
): {pack: string | null; families: FamilyCount[]; unmatched: number; foreign: string[]; reason: string} {
	const counted = familiesOf(models, packs);
	const {families} = counted;
	const foreignAll = models.filter(isForeignVendor);
	const foreign = foreignAll.slice(0, 5);
	const unmatched = counted.unmatched;
	const describe = families.map((f) => `${f.pack} ×${f.count}`).join(', ');
	const result = (pack: string | null, reason: string) => ({pack, families, unmatched, foreign, reason});
	if (models.length === 0) return result(null, '/models lists no model');
	if (families.length > 1) return result(null, `mixed families (${describe}): a relay`);
	if (foreignAll.length > 0)
		return result(
			null,
			`${foreignAll.length} listed id${foreignAll.length === 1 ? ' is' : 's are'} of other vendors (${foreign.join(', ')})${describe ? ` beside ${describe}` : ''}: a relay`,
		);
	if (families.length === 0)
		return result(null, `none of the ${models.length} listed ids belong to a known family`);
	const only = families[0]!;
	if (only.count * 2 < models.length) {
		return result(
			null,
			`only ${only.count} of ${models.length} listed ids are ${only.pack}'s (${unmatched} belong to no known family): a relay`,
		);
	}
	return result(
		only.pack,
		`/models lists ${only.count} ${only.pack} id${only.count === 1 ? '' : 's'} (${only.examples.slice(0, 3).join(', ')})${unmatched ? ` and ${unmatched} of no known family` : ''}`,
	);
}

export interface DetectOptions {
	packs: PackSet;
	timeoutMs: number;
	signal?: AbortSignal;
	/** The plain-429 window for the /models read (docs/domain.md rule 5). */
	rateLimitWindowMs?: number;
}

function emptyEvidence(url: string): DetectionEvidence {
	let host = '';
	try {
		host = new URL(url).hostname;
	} catch {
		/* validated before; keep empty */
	}
	return {
		url_host: host,
		url_matches: [],
		models_url: null,
		models_count: null,
		families: [],
		unmatched: 0,
		models_error: null,
		reason: '',
	};
}

/** Detects one row's pack. Only rule 3 touches the network (GET /models with the row's key). */
export async function detectRow(row: BatchRow, o: DetectOptions): Promise<Detection> {
	const started = Date.now();
	const evidence = emptyEvidence(row.url);
	const urlPacks = packsForUrl(row.url, o.packs);
	evidence.url_matches = urlPacks.map((p) => p.id);
	const done = (pack: string, detected_by: Detection['detected_by'], reason: string): Detection => {
		evidence.reason = reason;
		const access = row.access ?? findPack(o.packs, pack)?.access_mode ?? 'self_service';
		return {pack, detected_by, access_mode: access, evidence, duration_ms: Date.now() - started};
	};
	if (row.pack) return done(row.pack, 'column', `the third column names ${row.pack}`);
	const byUrl = urlPacks[0];
	if (byUrl) return done(byUrl.id, 'url', `${evidence.url_host} is ${byUrl.name}'s official host`);
	try {
		const listed = await listUpstreamModels({
			baseUrl: row.url,
			apiKey: row.key,
			timeoutMs: o.timeoutMs,
			signal: o.signal,
			rateLimitWindowMs: o.rateLimitWindowMs,
		});
		evidence.models_url = listed.url;
		evidence.models_count = listed.models.length;
		const verdict = packFromModels(listed.models, o.packs);
		evidence.families = verdict.families;
		evidence.unmatched = verdict.unmatched;
		evidence.foreign = verdict.foreign;
		if (verdict.pack) return done(verdict.pack, 'models', verdict.reason);
		return done(FALLBACK_PACK, 'fallback', verdict.reason);
	} catch (error) {
		if (!(error instanceof UpstreamError)) throw error;
		evidence.models_error = {kind: error.kind, status: error.status, message: error.message};
		return done(
			FALLBACK_PACK,
			'fallback',
			`the model list could not be read (${error.status ?? error.kind}: ${error.message}); not an official host: a relay`,
		);
	}
}
