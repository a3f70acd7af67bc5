// The short human README.md of an acceptance run: result, versions, one line per mode, the files.
import {NEXT_STEP} from '../pipeline/failure.js';
import type {FailureClass} from '../../store/schema.js';
import {FILE_GUIDE, TOOL_NAME} from './files.js';
import type {AcceptanceResult} from './types.js';

export function renderReadme(r: AcceptanceResult, keyFingerprint: string): string {
	const verdict =
		r.result === 'ready'
			? `READY (${r.access_status})`
			: r.result === 'stopped'
				? 'STOPPED by the operator'
				: `NOT READY: ${r.result}${r.failure_class ? ` — ${NEXT_STEP[r.failure_class as FailureClass]}` : ''}`;
	const lines = [
		`# Acceptance run ${r.run_id}`,
		'',
		`**Result: ${verdict}**`,
		'',
		`- Host: ${r.host} (${r.host_id}), sub2api version ${r.host_version ?? 'unknown'}`,
		`- Tool: ${TOOL_NAME} ${r.tool_version}`,
		`- Pack: ${r.pack} at ${r.base_url}, provider key ${keyFingerprint} (fingerprint only)`,
		`- Access asked: ${r.access} (${r.modes.join(', then ')})`,
		`- Started ${r.started_at}, finished ${r.finished_at}`,
		'',
		'| mode | batch | batch status | access status | failure class | completion | reconcile |',
		'|---|---|---|---|---|---|---|',
		...r.modes.map((mode) => {
			const b = r.batches.find((x) => x.access_mode === mode);
			if (!b) return `| ${mode} | - | not run | pending | ${r.failure_class ?? '-'} | - | - |`;
			const completion = b.completion_ok
				? `${b.completion_status} ${b.completion_type} (${b.smoke_model})`
				: b.completion_status
					? `failed (${b.completion_status})`
					: '-';
			return `| ${mode} | ${b.batch_id} | ${b.batch_status} | ${b.access_status} | ${b.failure_class ?? '-'} | ${completion} | ${b.reconcile_status ?? '-'} |`;
		}),
		'',
		...r.errors.map(
			(e) => `- ${e.step}${e.access_mode ? ` (${e.access_mode})` : ''}: ${e.failure_class}: ${e.message}`,
		),
		...(r.errors.length ? [''] : []),
		'Ready means a real completion worked: the host listed the smoke model for the managed user key',
		'AND a minimal chat completion through the host succeeded. Both modes ready = fully_ready.',
		'',
		'## Files',
		'',
		...FILE_GUIDE.map(([file, what]) => `- \`${file}\`: ${what}`),
		'',
		'Second-mode files use the mode in their name (e.g. `06-import-self_service.json`). No file here',
		'holds a secret: the provider key appears only as its fingerprint, host credentials, sessions and',
		"managed users' passwords and keys are redacted.",
		'',
		'## Retention',
		'',
		`Mark this run as final evidence with \`crm evidence keep ${r.run_id}\`; \`crm evidence archive\``,
		'moves every run not kept to `acceptance/archive/`; `crm evidence export RUN --out FILE.tar.gz`',
		'bundles it for hand-over.',
		'',
	];
	return lines.join('\n');
}
