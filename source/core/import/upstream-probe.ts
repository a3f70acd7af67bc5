// upstream_probe: the provider itself, directly from the jump host. /models (candidate URLs) sets the
// model list that is the truth; a minimal direct chat with the smoke model tells a provider problem
// (auth, quota) apart from a host problem later (docs/domain.md "Failure classes").
import {
	listUpstreamModels,
	upstreamChat,
	UpstreamError,
	type RateLimitWait,
	type UpstreamErrorKind,
} from '../../upstream/index.js';
import type {FailureClass} from '../../store/schema.js';
import {isModelName} from '../input/validate.js';
import {classFromUpstream} from '../pipeline/failure.js';
import {checkCodingPlanKey, type CodingPlanHint} from './coding-plan.js';
import type {Pack} from '../packs/packs.js';
import {StepFailure, type StepApi, type StepResult} from '../pipeline/steps.js';

export interface ModelChoice {
	/** host-facing name -> upstream name: the account's model_mapping. */
	mapping: Record<string, string>;
	smokeModel: string;
	/** Why the smoke model is what it is, shown to the operator. */
	smokeReason: string;
	dropped: string[];
}

export interface UpstreamErrorInfo {
	kind: UpstreamErrorKind;
	status: number | null;
	/** The provider's business code (MiniMax base_resp, GLM error.code), if any. */
	code: number | null;
	message: string;
}

export interface UpstreamProbe {
	models_url: string | null;
	/** HTTP status of the /models answer (null: no answer). */
	models_status: number | null;
	live_models: string[] | null;
	models_error: UpstreamErrorInfo | null;
	choice: ModelChoice;
	chat_ok: boolean;
	chat_status: number | null;
	chat_preview: string | null;
	chat_error: UpstreamErrorInfo | null;
	/** The failure class the direct chat's answer means (null when it worked). */
	chat_class: FailureClass | null;
	/** A GLM 1113 tried on the coding-plan endpoint (docs/domain.md rule 5). */
	coding_plan: CodingPlanHint | null;
	warnings: string[];
}

// A relay keeps every listed model (docs/domain.md rule 15); this only bounds a runaway listing.
const MAX_RELAY_MODELS = 2000;

export function chooseModels(pack: Pack, live: string[] | null, requested: string | null): ModelChoice {
	let mapping: Record<string, string> = {};
	const dropped: string[] = [];
	if (pack.kind === 'relay') {
		for (const id of (live ?? []).slice(0, MAX_RELAY_MODELS)) mapping[id] = id;
		if (requested && !mapping[requested]) mapping[requested] = requested;
	} else {
		for (const m of pack.models) {
			if (!live || live.includes(m.upstream)) mapping[m.id] = m.upstream;
			else dropped.push(m.id);
		}
		if (Object.keys(mapping).length === 0 && live) {
			// None of the pack's defaults are offered (ids churn): take the live ids of the pack's families.
			const family = live.filter((id) =>
				pack.model_families.some((f) => id.toLowerCase().startsWith(f.toLowerCase())),
			);
			mapping = Object.fromEntries(family.slice(0, MAX_RELAY_MODELS).map((id) => [id, id]));
		}
		if (requested && !mapping[requested]) mapping[requested] = requested;
	}
	const ids = Object.keys(mapping);
	if (requested) return {mapping, smokeModel: requested, smokeReason: 'chosen with --smoke-model', dropped};
	if (pack.smoke_test_model && mapping[pack.smoke_test_model]) {
		return {mapping, smokeModel: pack.smoke_test_model, smokeReason: "the pack's smoke model", dropped};
	}
	const first = ids[0];
	if (!first) {
		throw new StepFailure(
			pack.kind === 'relay' ? 'upstream_unavailable' : 'invalid_input',
			pack.kind === 'relay'
				? 'the relay lists no models; pass --smoke-model with a model it serves'
				: `the upstream offers none of pack ${pack.id}'s models; pass --smoke-model with a model it serves`,
		);
	}
	const reason = pack.smoke_test_model
		? `the pack's smoke model ${pack.smoke_test_model} is not offered by the upstream; using ${first}`
		: `the first model the relay lists`;
	return {mapping, smokeModel: first, smokeReason: reason, dropped};
}

export interface UpstreamProbeInput {
	pack: Pack;
	baseUrl: string;
	key: string;
	smokeModel: string | null;
	continueOnFailure: boolean;
	timeoutMs: number;
	/** The plain-429 window (--upstream-retry-s); 0 does not wait. */
	rateLimitWindowMs?: number;
}

/** Answers that stop the import before anything is created on the host (unless the operator goes on). */
const BLOCKING: ReadonlySet<UpstreamErrorKind> = new Set(['auth', 'quota', 'rate_limited', 'not_in_plan']);

function errorInfo(error: UpstreamError): NonNullable<UpstreamProbe['models_error']> {
	return {kind: error.kind, status: error.status, code: error.code, message: error.message};
}

function clientOptions(input: UpstreamProbeInput, api: StepApi) {
	return {
		baseUrl: input.baseUrl,
		apiKey: input.key,
		timeoutMs: input.timeoutMs,
		signal: api.signal,
		rateLimitWindowMs: input.rateLimitWindowMs ?? 0,
		onRateLimited: (w: RateLimitWait) =>
			api.progress(
				`the provider answered 429 (rate limited); waiting ${Math.ceil(w.waitMs / 1000)} s${w.retryAfter ? ' as its Retry-After asks' : ''} (attempt ${w.attempt + 1})`,
			),
	};
}

/** GET /models: the live list, or a warning (no list, unreachable) or a stop (refused, rate limited). */
async function probeModels(input: UpstreamProbeInput, api: StepApi, warnings: string[]) {
	api.progress('listing the provider models');
	try {
		const listed = await listUpstreamModels(clientOptions(input, api));
		// A provider's ids are not trusted: one that is not a model name the host takes (control
		// characters, spaces, `*`, overlong) never enters a model_mapping.
		const live = listed.models.filter(isModelName);
		const rejected = listed.models.length - live.length;
		if (rejected > 0)
			warnings.push(
				`dropped ${rejected} model id${rejected === 1 ? '' : 's'} from the provider's /models that ${rejected === 1 ? 'is not a model name' : 'are not model names'} the host takes (control characters, spaces, "*" or over 128 characters)`,
			);
		return {live, url: listed.url, status: listed.status, error: null};
	} catch (error) {
		if (!(error instanceof UpstreamError)) throw error;
		const info = errorInfo(error);
		if (error.kind === 'rate_limited' && !input.continueOnFailure) {
			throw new StepFailure(
				'upstream_rate_limited',
				`the provider kept answering 429 to /models for the whole retry window (${error.message}); nothing was created on the host`,
				{models_url: null, models_status: error.status, live_models: null, models_error: info, warnings},
			);
		}
		if (error.kind === 'not_found' || error.kind === 'bad_response' || error.kind === 'too_large') {
			warnings.push(
				input.pack.models_endpoint
					? `the provider has no usable /models (${error.message}); keeping the pack's models, the direct chat decides`
					: `the provider offers no /models; keeping the pack's models, the direct chat decides`,
			);
		} else if (error.kind === 'network' || error.kind === 'timeout') {
			warnings.push(`this machine cannot reach the provider (${error.message}); the host may still reach it`);
		} else {
			warnings.push(`/models answered ${error.status ?? error.kind}: ${error.message}`);
		}
		return {live: null, url: null, status: error.status, error: info};
	}
}

function pickModels(
	input: UpstreamProbeInput,
	models: Awaited<ReturnType<typeof probeModels>>,
	warnings: string[],
) {
	const modelsError = models.error;
	try {
		return chooseModels(input.pack, models.live, input.smokeModel);
	} catch (error) {
		// No model to try because /models itself was refused or unreachable: that is the class
		// (a relay with a bad key is upstream_auth_issue, an unreachable one network_unreachable).
		const cause = modelsError?.kind;
		if (
			error instanceof StepFailure &&
			cause &&
			['auth', 'quota', 'network', 'timeout', 'rate_limited'].includes(cause)
		) {
			throw new StepFailure(
				classFromUpstream(cause),
				`no model to import: the model list failed (${modelsError.message}); nothing was created on the host`,
				{
					models_url: models.url,
					models_status: models.status,
					live_models: models.live,
					models_error: modelsError,
					warnings,
				},
			);
		}
		// No /models at all (no such route, or not a model list): say so, and how to name a model.
		if (
			error instanceof StepFailure &&
			(cause === 'not_found' || cause === 'bad_response' || cause === 'too_large') &&
			!input.smokeModel
		) {
			throw new StepFailure(
				'invalid_input',
				`the provider has no usable /models (${modelsError!.message}), so there is no model to smoke with; give one: import this provider with a smoke model (crm import --smoke-model MODEL, or the smoke model of the TUI's import form); nothing was created on the host`,
				{
					models_url: models.url,
					models_status: models.status,
					live_models: models.live,
					models_error: modelsError,
					warnings,
				},
			);
		}
		throw error;
	}
}

export async function upstreamProbeStep(
	input: UpstreamProbeInput,
	api: StepApi,
): Promise<StepResult<UpstreamProbe>> {
	const warnings: string[] = [];
	const models = await probeModels(input, api, warnings);
	api.throwIfStopped();
	const choice = pickModels(input, models, warnings);
	if (choice.dropped.length > 0) {
		warnings.push(`pack models not offered by the provider were dropped: ${choice.dropped.join(', ')}`);
	}
	if (choice.smokeReason !== "the pack's smoke model")
		warnings.push(`smoke model ${choice.smokeModel}: ${choice.smokeReason}`);

	api.progress(`direct chat with ${choice.smokeModel}`);
	const probe: UpstreamProbe = {
		models_url: models.url,
		models_status: models.status,
		live_models: models.live,
		models_error: models.error,
		choice,
		chat_ok: false,
		chat_status: null,
		chat_preview: null,
		chat_error: null,
		chat_class: null,
		coding_plan: null,
		warnings,
	};
	const model = choice.mapping[choice.smokeModel] ?? choice.smokeModel;
	try {
		const chat = await upstreamChat({...clientOptions(input, api), model});
		probe.chat_ok = true;
		probe.chat_status = chat.status;
		probe.chat_preview = chat.preview;
	} catch (error) {
		if (!(error instanceof UpstreamError)) throw error;
		probe.chat_status = error.status;
		probe.chat_error = errorInfo(error);
		probe.chat_class = classFromUpstream(error.kind);
		await chatFailed(input, api, probe, error, model);
	}
	const liveNote = models.live ? `${models.live.length} models listed` : 'no model list';
	const message = probe.chat_ok
		? `${liveNote}; direct chat with ${choice.smokeModel} ok`
		: `${liveNote}; direct chat did not succeed`;
	return {
		status: warnings.length > 0 ? 'warn' : 'ok',
		message: warnings.length > 0 ? `${message} (${warnings.join('; ')})` : message,
		value: probe,
		evidence: probe,
	};
}

/** A refused direct chat stops the import (auth, quota, rate limit, plan) unless the operator goes on. */
async function chatFailed(
	input: UpstreamProbeInput,
	api: StepApi,
	probe: UpstreamProbe,
	error: UpstreamError,
	model: string,
): Promise<void> {
	const {warnings} = probe;
	let failureClass = classFromUpstream(error.kind);
	let detail = `${error.status ?? error.kind}: ${error.message}`;
	if (error.kind === 'quota') {
		const hint = await checkCodingPlanKey({
			pack: input.pack,
			baseUrl: input.baseUrl,
			key: input.key,
			model,
			error,
			timeoutMs: input.timeoutMs,
			signal: api.signal,
		});
		probe.coding_plan = hint;
		if (hint?.works_there) {
			failureClass = 'upstream_auth_issue';
			probe.chat_class = failureClass;
		}
		if (hint) detail = `${detail}; ${hint.message}`;
	}
	if (error.kind === 'not_in_plan')
		detail = `${detail}; model ${model} is not in this key's plan: pass --smoke-model with a model the plan covers`;
	if (error.kind === 'rate_limited')
		detail = `${detail}; still rate limited after ${error.rateLimitRetries} wait${error.rateLimitRetries === 1 ? '' : 's'}`;
	const blocking = BLOCKING.has(error.kind);
	if (blocking && !input.continueOnFailure) {
		throw new StepFailure(
			failureClass,
			`the provider refused a direct chat (${detail}); nothing was created on the host`,
			probe,
		);
	}
	warnings.push(
		error.kind === 'network' || error.kind === 'timeout'
			? `this machine cannot reach the provider for a direct chat (${error.message}); the host may still reach it`
			: `direct chat failed (${detail})${blocking ? '; going on as asked' : ''}`,
	);
}
