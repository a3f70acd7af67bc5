// The words the views show, in one table (docs/domain.md "Statuses"): every status word with a
// one-line explanation, the word a status is shown as (a failed or rolled-back batch never reads
// `access pending`), the marks, the column names, and how ids and amounts are written. The CLI's
// human output and the TUI both use these, so they say the same thing the same way.

/** What a status word is a status of. */
export type WordKind =
	| 'batch'
	| 'provider'
	| 'access'
	| 'reconcile'
	| 'item'
	| 'row'
	| 'failure'
	| 'health'
	| 'run'
	| 'evidence'
	| 'repair';

const WORDS: Record<WordKind, Record<string, string>> = {
	batch: {
		running: 'the import is running now (or its process died and it will read failed)',
		succeeded: 'the import reached ready: a chat completion through the host worked',
		failed: 'the import stopped before ready; the step it stopped at says where',
		stopped: 'the operator stopped the import; it is marked failed at the step it was in',
		partial: 'a rollback could not delete everything; run it again to finish',
		rolled_back: 'every resource the import made is deleted (or confirmed gone)',
	},
	provider: {
		active: 'its latest batch is ready and its health checks, if any, pass',
		degraded: 'ready at import, but a later check failed or its balance is low',
		broken: 'its latest batch failed after creating resources on the host',
		paused: 'the tool set its account unschedulable after repeated failures',
	},
	access: {
		pending: 'the access smoke has not run yet',
		none: 'no access was proven: the batch stopped before its access smoke',
		removed: 'rolled back: the access it made is deleted',
		models_only: '/v1/models lists the smoke model but the chat completion failed',
		self_service_ready: 'a normal user with balance can call the model through the host',
		subscription_ready: 'a subscribed normal user can call the model through the host',
		fully_ready: 'both access modes are ready for this provider on this host',
		drifted: 'was ready, but reconcile found part of its access missing or changed',
		broken: 'neither /v1/models nor the chat completion works through the host',
	},
	reconcile: {
		in_sync: 'every recorded resource is on the host as recorded',
		drifted: 'something recorded is missing or changed on the host, or residue was found',
	},
	item: {
		present: 'on the host as recorded',
		missing: 'recorded, but gone from the host (deleted there)',
		changed: 'on the host, but a field the tool set differs (field: old -> new)',
		unmanaged: 'named like the tool’s resources but not recorded: residue of an old run',
		unknown: 'its create’s answer was lost and nothing proves it this batch’s; never deleted',
	},
	row: {
		succeeded: 'imported and ready',
		failed: 'the import of this row failed; its failure class says why',
		stopped: 'stopped by the operator (Ctrl-C) while it ran; its batch says where',
		'not run': 'never started: the run was stopped before this row',
		skipped: 'already imported into this host (or the same as an earlier line): not imported twice',
		invalid: 'the line is not a valid url,key line; it was left out',
	},
	failure: {
		host_compatibility_gap: 'the provider answers directly, but not through the host',
		upstream_key_quota_issue: 'the provider key is out of balance or quota',
		upstream_auth_issue: 'the provider refused the key',
		upstream_rate_limited: 'the provider kept rate-limiting past the retry window',
		upstream_unavailable: 'the provider answered with errors (5xx) or timed out',
		host_auth_issue: 'the host refused the admin credential or needs the operator',
		network_unreachable: 'an address could not be reached (refused, no route, or no answer in time)',
		invalid_input: 'the input was not valid; the message names the field',
		unknown: 'an error the tool could not classify; the step message says what happened',
	},
	run: {
		ready: 'every access mode the acceptance run asked for reached ready',
		running: 'the acceptance run is still running',
		stopped: 'the operator stopped the acceptance run; its folder records how far it got',
		interrupted: 'its process ended before it finished',
	},
	repair: {
		repaired: 'what was missing is back, the smoke passed, and a reconcile finds no drift',
		in_sync: 'nothing was missing; the smoke ran again',
		drift_remains: 'something is still drifted that repair cannot mend in place (see below)',
		not_ready: 'the smoke after the repair did not pass; the access is not ready',
		not_mendable: 'a group or account drifted: repair changed nothing; roll back and import again',
	},
	evidence: {
		final: 'kept as final evidence: it stays in acceptance/',
		trial: 'a trial run: archiving moves it to acceptance/archive/',
		archived: 'moved to acceptance/archive/ (keep brings it back)',
	},
	health: {
		ok: 'the latest health check passed',
		failing: 'the latest health check failed',
		skipped: 'the host could not be reached from here; nothing was checked',
	},
};

/** The one-line explanation of a status word, or null when it is not one. */
export function explain(kind: WordKind, word: string | null | undefined): string | null {
	if (!word) return null;
	return WORDS[kind][word] ?? null;
}

/** An acceptance run's result: `ready`, `stopped`, ... or the failure class it ended with. */
export function resultKind(result: string): WordKind {
	return WORDS.run[result] ? 'run' : 'failure';
}

export interface WordLine {
	kind: WordKind;
	word: string;
	means: string;
}

/** The explanations of the given words (each once, in order), for a legend or the `?` help. */
export function legend(words: Array<[WordKind, string | null | undefined]>): WordLine[] {
	const seen = new Set<string>();
	const out: WordLine[] = [];
	for (const [kind, word] of words) {
		const means = explain(kind, word);
		if (!word || !means || seen.has(`${kind}:${word}`)) continue;
		seen.add(`${kind}:${word}`);
		out.push({kind, word, means});
	}
	return out;
}

/** The legend as text lines (`  word: what it means`), for the CLI's human output. */
export function legendText(words: Array<[WordKind, string | null | undefined]>): string[] {
	const lines = legend(words);
	return lines.length ? ['words:', ...lines.map((l) => `  ${l.word}: ${l.means}`)] : [];
}

/** Every word of a kind with its explanation (the `?` help of a screen that shows that kind). */
export function wordsOf(kind: WordKind): WordLine[] {
	return Object.entries(WORDS[kind]).map(([word, means]) => ({kind, word, means}));
}

/**
 * The access word shown for a batch: a batch that failed before its access smoke reads `none`, a
 * rolled-back one `removed`, never `pending` (which means the smoke is still to come).
 */
export function accessWord(
	batchStatus: string | null | undefined,
	accessStatus: string | null | undefined,
): string {
	if (batchStatus === 'rolled_back') return 'removed';
	if (
		(batchStatus === 'failed' || batchStatus === 'partial') &&
		(!accessStatus || accessStatus === 'pending')
	)
		return 'none';
	return accessStatus ?? 'none';
}

/** Step and line marks: the shape differs too, so text without colour stays readable. */
export const MARK = {ok: '✓', warn: '!', fail: '✗', skipped: '-'} as const;

/** How an id of a resource on the host is written: `#17`; not known yet: `#?`. */
export function hostId(id: string | number | null | undefined): string {
	return id === null || id === undefined || id === '' ? '#?' : `#${id}`;
}

/** `group #1 crm-deepseek-4483c2`: what it is, its id on the host, its name. */
export function resourceLabel(
	type: string,
	id: string | number | null | undefined,
	name?: string | null,
): string {
	const what = type === 'api_key' ? 'api key' : type;
	return name ? `${what} ${hostId(id)} ${name}` : `${what} ${hostId(id)}`;
}

/** sub2api keeps balances in US dollars (docs/domain.md "Access mode"). */
export const BALANCE_CURRENCY = 'USD';

/** An amount with its unit: `5 USD`. */
export function amount(
	value: number | string | null | undefined,
	currency: string = BALANCE_CURRENCY,
): string {
	return value === null || value === undefined ? `- ${currency}` : `${value} ${currency}`;
}
