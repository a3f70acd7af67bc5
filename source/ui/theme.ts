// Colours and marks in one place. Marks differ by shape too, so NO_COLOR output stays readable.
import type {StepOutcome} from '../core/pipeline/events.js';

export const color = {
	ok: 'green',
	warn: 'yellow',
	fail: 'red',
	accent: 'cyan',
	title: 'magentaBright',
} as const;

export const mark: Record<StepOutcome, string> = {ok: '✓', warn: '!', fail: '✗', skipped: '-'};

export const outcomeColor: Record<StepOutcome, string | undefined> = {
	ok: color.ok,
	warn: color.warn,
	fail: color.fail,
	skipped: undefined,
};

const GOOD = new Set([
	'succeeded',
	'active',
	'self_service_ready',
	'subscription_ready',
	'fully_ready',
	'in_sync',
	'present',
	'ok',
	'deleted',
	'rolled_back',
]);
const BAD = new Set(['failed', 'broken', 'missing', 'fail', 'failing']);
const MEH = new Set([
	'degraded',
	'partial',
	'models_only',
	'drifted',
	'changed',
	'unmanaged',
	'warn',
	'running',
	'pending',
	'skipped',
	'paused',
]);

/** The colour of a status word (batch, provider, access, reconcile, item state). */
export function statusColor(status: string | null | undefined): string | undefined {
	if (!status) return undefined;
	if (GOOD.has(status)) return color.ok;
	if (BAD.has(status)) return color.fail;
	if (MEH.has(status)) return color.warn;
	return undefined;
}

export function seconds(ms: number | null): string {
	if (ms === null) return '';
	return ms < 1000 ? `${ms}ms` : `${(ms / 1000).toFixed(1)}s`;
}

/** "2026-05-01T10:20:30.000Z" -> "2026-05-01 10:20" */
export function shortTime(iso: string | null | undefined): string {
	if (!iso) return '-';
	return iso.replace('T', ' ').slice(0, 16);
}
