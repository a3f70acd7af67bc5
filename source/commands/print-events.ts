// Step events as lines on stderr, for people watching a non-interactive run.
import type {StepEvent} from '../core/pipeline/events.js';
import {paint, type Output} from './output.js';

const MARK = {ok: '✔', warn: '!', fail: '✖', skipped: '-'} as const;

export function printEvent(out: Output, event: StepEvent): void {
	if (event.type === 'start') {
		out.note(paint('dim', `… ${event.step}`));
	} else if (event.type === 'progress') {
		out.note(paint('dim', `    ${event.message}`));
	} else {
		const mark = MARK[event.status];
		const color =
			event.status === 'ok'
				? 'green'
				: event.status === 'warn'
					? 'yellow'
					: event.status === 'fail'
						? 'red'
						: 'dim';
		const cls = event.failure_class ? ` [${event.failure_class}]` : '';
		out.note(`${paint(color, mark)} ${event.step} (${event.duration_ms} ms)${cls} ${event.message}`);
	}
}
