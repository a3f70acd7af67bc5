// Step events -> what the TUI shows of a run: finished steps (append-only, kept in the scrollback
// log) and the steps running now with their latest progress message (docs/architecture.md "The
// event stream"). Types and the reducer only, so context and hooks can both use them.
import type {StepEvent, StepOutcome} from '../core/pipeline/events.js';
import type {FailureClass} from '../store/schema.js';

export interface StepView {
	key: string;
	name: string;
	status: 'running' | StepOutcome;
	message: string;
	durationMs: number | null;
	failureClass: FailureClass | null;
}

/** A finished line kept in the terminal's scrollback (rendered once, by the root's <Static>). */
export type LogLine = {kind: 'step'; step: StepView} | {kind: 'note'; text: string; color?: string};
export type LogEntry = LogLine & {key: string};

export interface StepsState {
	done: StepView[];
	running: StepView[];
}

/** The view of a step that ended. */
export function endedStep(event: Extract<StepEvent, {type: 'end'}>, key: string): StepView {
	return {
		key,
		name: event.step,
		status: event.status,
		message: event.message,
		durationMs: event.duration_ms,
		failureClass: event.failure_class,
	};
}

export function stepsReducer(state: StepsState, event: StepEvent): StepsState {
	switch (event.type) {
		case 'start': {
			const started: StepView = {
				key: `${event.step}-${event.at}`,
				name: event.step,
				status: 'running',
				message: '',
				durationMs: null,
				failureClass: null,
			};
			return {...state, running: [...state.running.filter((s) => s.name !== event.step), started]};
		}
		case 'progress':
			return {
				...state,
				running: state.running.map((s) => (s.name === event.step ? {...s, message: event.message} : s)),
			};
		case 'end':
			return {
				running: state.running.filter((s) => s.name !== event.step),
				done: [...state.done, endedStep(event, `${event.step}-${state.done.length}`)],
			};
		default:
			return state;
	}
}

/** A sink that keeps only the latest progress message (work shown as one spinner line). */
export function progressTo(set: (message: string) => void): (event: StepEvent) => void {
	return (event) => {
		if (event.type === 'progress') set(event.message);
	};
}
