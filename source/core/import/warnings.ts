// What a ready import is warned about (docs/domain.md statuses): a probe advisory, dropped pack
// models, a substituted smoke model, a retried smoke, a gateway fallback. These are listed with the
// provider, which stays `active`: a warning is not a status.
import type {StepRecord} from '../../store/schema.js';
import type {SmokeOutcome} from './smoke.js';
import type {UpstreamProbe} from './upstream-probe.js';

export const WARNING_CODES = [
	'probe_advisory',
	'account_test_failed',
	'pack_models_dropped',
	'smoke_model_substituted',
	'upstream_probe_warning',
	'smoke_retried',
	'gateway_fallback',
] as const;
export type WarningCode = (typeof WARNING_CODES)[number];

export interface ImportWarning {
	code: WarningCode;
	step: string;
	message: string;
}

export function importWarnings(o: {
	steps: StepRecord[];
	upstream: UpstreamProbe | null;
	smoke: SmokeOutcome | null;
	probeAdvisory: boolean;
}): ImportWarning[] {
	const out: ImportWarning[] = [];
	const step = (name: string) => o.steps.find((s) => s.name === name && s.status === 'warn');
	const add = (code: WarningCode, name: string, message: string) => out.push({code, step: name, message});
	const test = step('account_test');
	if (test) add(o.probeAdvisory ? 'probe_advisory' : 'account_test_failed', 'account_test', test.message);
	const up = step('upstream_probe');
	if (up && o.upstream) {
		const {choice} = o.upstream;
		let covered = false;
		if (choice.dropped.length > 0) {
			covered = true;
			add('pack_models_dropped', 'upstream_probe', `pack models not offered: ${choice.dropped.join(', ')}`);
		}
		if (choice.smokeReason !== "the pack's smoke model") {
			covered = true;
			add(
				'smoke_model_substituted',
				'upstream_probe',
				`smoke model ${choice.smokeModel}: ${choice.smokeReason}`,
			);
		}
		const other = o.upstream.warnings.filter(
			(w) => !w.startsWith('pack models not offered') && !w.startsWith('smoke model '),
		);
		if (other.length > 0 || !covered)
			add('upstream_probe_warning', 'upstream_probe', other.join('; ') || up.message);
	}
	if (o.smoke?.gateway_fallback) add('gateway_fallback', 'access_smoke', o.smoke.gateway_fallback);
	if (o.smoke?.retried && o.smoke.access_status.endsWith('_ready'))
		add('smoke_retried', 'access_smoke', `the smoke needed ${o.smoke.attempts} attempts`);
	return out;
}
