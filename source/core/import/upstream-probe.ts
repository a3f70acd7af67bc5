// upstream_probe: the provider itself, directly from the jump host. /models (candidate URLs) sets the
// model list that is the truth; a minimal direct chat with the smoke model tells a provider problem
// (auth, quota) apart from a host problem later (docs/domain.md "Failure classes").
import {
	listUpstreamModels,
	upstreamChat,
	UpstreamError,
	type UpstreamErrorKind,
} from '../../upstream/index.js';
import {isModelName} from '../input/validate.js';
import {classFromUpstream} from '../pipeline/failure.js';
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

export interface UpstreamProbe {
	models_url: string | null;
	live_models: string[] | null;
	models_error: {kind: UpstreamErrorKind; status: number | null; message: string} | null;
	choice: ModelChoice;
	chat_ok: boolean;
	chat_status: number | null;
	chat_preview: string | null;
	chat_error: {kind: UpstreamErrorKind; status: number | null; message: string} | null;
	warnings: string[];
}

const MAX_RELAY_MODELS = 64;

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
}

export async function upstreamProbeStep(
	input: UpstreamProbeInput,
	api: StepApi,
): Promise<StepResult<UpstreamProbe>> {
	const warnings: string[] = [];
	let live: string[] | null = null;
	let modelsUrl: string | null = null;
	let modelsError: UpstreamProbe['models_error'] = null;
	api.progress('listing the provider models');
	try {
		const listed = await listUpstreamModels({
			baseUrl: input.baseUrl,
			apiKey: input.key,
			timeoutMs: input.timeoutMs,
			signal: api.signal,
		});
		// A provider's ids are not trusted: one that is not a model name the host takes (control
		// characters, spaces, `*`, overlong) never enters a model_mapping.
		live = listed.models.filter(isModelName);
		const rejected = listed.models.length - live.length;
		if (rejected > 0)
			warnings.push(
				`dropped ${rejected} model id${rejected === 1 ? '' : 's'} from the provider's /models that ${rejected === 1 ? 'is not a model name' : 'are not model names'} the host takes (control characters, spaces, "*" or over 128 characters)`,
			);
		modelsUrl = listed.url;
	} catch (error) {
		if (!(error instanceof UpstreamError)) throw error;
		modelsError = {kind: error.kind, status: error.status, message: error.message};
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
	}
	api.throwIfStopped();
	let choice: ModelChoice;
	try {
		choice = chooseModels(input.pack, live, input.smokeModel);
	} catch (error) {
		// No model to try because /models itself was refused or unreachable: that is the class
		// (a relay with a bad key is upstream_auth_issue, an unreachable one network_unreachable).
		const cause = modelsError?.kind;
		if (
			error instanceof StepFailure &&
			(cause === 'auth' || cause === 'quota' || cause === 'network' || cause === 'timeout')
		) {
			throw new StepFailure(
				classFromUpstream(cause),
				`no model to import: the model list failed (${modelsError!.message}); nothing was created on the host`,
				{models_url: modelsUrl, models_error: modelsError, warnings},
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
				{models_url: modelsUrl, models_error: modelsError, warnings},
			);
		}
		throw error;
	}
	if (choice.dropped.length > 0) {
		warnings.push(`pack models not offered by the provider were dropped: ${choice.dropped.join(', ')}`);
	}
	if (choice.smokeReason !== "the pack's smoke model")
		warnings.push(`smoke model ${choice.smokeModel}: ${choice.smokeReason}`);

	api.progress(`direct chat with ${choice.smokeModel}`);
	const probe: UpstreamProbe = {
		models_url: modelsUrl,
		live_models: live,
		models_error: modelsError,
		choice,
		chat_ok: false,
		chat_status: null,
		chat_preview: null,
		chat_error: null,
		warnings,
	};
	try {
		const chat = await upstreamChat({
			baseUrl: input.baseUrl,
			apiKey: input.key,
			model: choice.mapping[choice.smokeModel] ?? choice.smokeModel,
			timeoutMs: input.timeoutMs,
			signal: api.signal,
		});
		probe.chat_ok = true;
		probe.chat_status = chat.status;
		probe.chat_preview = chat.preview;
	} catch (error) {
		if (!(error instanceof UpstreamError)) throw error;
		probe.chat_status = error.status;
		probe.chat_error = {kind: error.kind, status: error.status, message: error.message};
		const blocking = error.kind === 'auth' || error.kind === 'quota';
		if (blocking && !input.continueOnFailure) {
			throw new StepFailure(
				classFromUpstream(error.kind),
				`the provider refused a direct chat (${error.status ?? error.kind}: ${error.message}); nothing was created on the host`,
				probe,
			);
		}
		warnings.push(
			error.kind === 'network' || error.kind === 'timeout'
				? `this machine cannot reach the provider for a direct chat (${error.message}); the host may still reach it`
				: `direct chat failed (${error.status ?? error.kind}: ${error.message})${blocking ? '; going on as asked' : ''}`,
		);
	}
	const liveNote = live ? `${live.length} models listed` : 'no model list';
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
