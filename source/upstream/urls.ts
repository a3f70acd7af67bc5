// URL rules for OpenAI-compatible upstreams.

function clean(base: string): string {
	const u = new URL(base.trim());
	return `${u.protocol}//${u.host}${u.pathname.replace(/\/+$/, '')}`;
}

/**
 * sub2api's newest `buildOpenAIChatCompletionsURL` (docs/domain.md "Providers"): as is when it already ends with
 * /chat/completions; `+/chat/completions` after /v1 or any other version segment (/v4); else `+/v1/chat/completions`.
 */
export function chatCompletionsUrl(base: string): string {
	const b = clean(base);
	if (/\/chat\/completions$/i.test(b)) return b;
	if (/\/v\d+$/i.test(b)) return `${b}/chat/completions`;
	return `${b}/v1/chat/completions`;
}

/** Anthropic-compatible sub-paths that providers put in front of their OpenAI API (docs/domain.md "Providers"). */
export const ANTHROPIC_SUFFIXES = [
	'/api/anthropic',
	'/apps/anthropic',
	'/anthropic',
	'/step_plan',
	'/api/coding',
	'/coding',
	'/claude',
];

/**
 * Model-list candidates in cc-switch's order (docs/domain.md "Providers"): `{base}/models` when the base ends in a version
 * segment, else `{base}/v1/models`; a `/v1/models` fallback when the version is not v1 (and `{base}/models`
 * for an unversioned base); then the same after stripping a known Anthropic sub-path.
 */
export function modelsUrlCandidates(base: string): string[] {
	let b = clean(base).replace(/\/chat\/completions$/i, '');
	const out: string[] = [];
	const add = (u: string) => {
		if (!out.includes(u)) out.push(u);
	};
	const forBase = (x: string) => {
		const m = /\/v(\d+)$/i.exec(x);
		if (m) {
			add(`${x}/models`);
			if (m[1] !== '1') add(`${x.slice(0, -m[0].length)}/v1/models`);
		} else {
			add(`${x}/v1/models`);
			add(`${x}/models`);
		}
	};
	forBase(b);
	const lower = b.toLowerCase();
	const suffix = ANTHROPIC_SUFFIXES.find((s) => lower.endsWith(s));
	if (suffix) {
		b = b.slice(0, -suffix.length);
		forBase(b);
	}
	return out;
}
