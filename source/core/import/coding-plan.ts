// A coding-plan key on the general endpoint (docs/domain.md rule 5): GLM answers such a key with
// business code 1113, the same code as an account in arrears. When the pack knows its coding-plan
// path, the same key is tried there with one minimal chat; if that answers, the key is fine and the
// URL is wrong, and the operator is told which URL to use instead.
import {upstreamChat, UpstreamError} from '../../upstream/index.js';
import type {Pack} from '../packs/packs.js';

export interface CodingPlanHint {
	/** The coding-plan URL the key works with. */
	coding_url: string;
	/** Whether the key answered there. */
	works_there: boolean;
	message: string;
}

/** The coding-plan URL for a general-endpoint URL of this pack, or null when there is none. */
export function codingPlanUrl(pack: Pack, baseUrl: string): string | null {
	const plan = pack.coding_plan;
	if (!plan) return null;
	const u = new URL(baseUrl);
	const path = u.pathname.replace(/\/+$/, '');
	if (!path.endsWith(plan.general_path) || path.endsWith(plan.coding_path)) return null;
	u.pathname = path.slice(0, -plan.general_path.length) + plan.coding_path;
	return u.toString().replace(/\/+$/, '');
}

/** Tries the key on the coding-plan endpoint after a 1113 on the general one. */
export async function checkCodingPlanKey(o: {
	pack: Pack;
	baseUrl: string;
	key: string;
	model: string;
	error: UpstreamError;
	timeoutMs: number;
	signal?: AbortSignal;
}): Promise<CodingPlanHint | null> {
	if (o.error.code !== 1113) return null;
	const codingUrl = codingPlanUrl(o.pack, o.baseUrl);
	if (!codingUrl) return null;
	try {
		await upstreamChat({
			baseUrl: codingUrl,
			apiKey: o.key,
			model: o.model,
			timeoutMs: o.timeoutMs,
			signal: o.signal,
		});
		return {
			coding_url: codingUrl,
			works_there: true,
			message: `business code 1113 on the general endpoint, but the same key answers on the coding-plan endpoint: this is a coding-plan key used on the general endpoint (not a balance problem); import with --url ${codingUrl}`,
		};
	} catch (error) {
		if (!(error instanceof UpstreamError)) throw error;
		return {
			coding_url: codingUrl,
			works_there: false,
			message: `business code 1113: the account is in arrears (the key does not answer on the coding-plan endpoint ${codingUrl} either)`,
		};
	}
}
