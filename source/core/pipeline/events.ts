// What the engine tells its views. The CLI prints these as lines on stderr; the TUI renders them.
import type {FailureClass} from '../../store/schema.js';

export type StepOutcome = 'ok' | 'warn' | 'fail' | 'skipped';

export type StepEvent =
	| {type: 'start'; step: string; at: number}
	| {
			type: 'progress';
			step: string;
			message: string;
			/** Set when the step waits for a host's rate limit: how long (a batch prints these). */
			wait_ms?: number;
	  }
	| {
			type: 'end';
			step: string;
			status: StepOutcome;
			duration_ms: number;
			message: string;
			failure_class: FailureClass | null;
	  };

export type EventSink = (event: StepEvent) => void;

export const noSink: EventSink = () => {};
