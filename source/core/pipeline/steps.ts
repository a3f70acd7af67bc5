// The step pipeline: each step is a plain async function run under an AbortSignal; the runner times
// it, emits start/progress/end events and records it. A step ends ok, warn (with the reason) or by
// throwing a StepFailure that carries the failure class.
import {AsyncLocalStorage} from 'node:async_hooks';
import type {RateWait} from '../../host/rate-gate.js';
import type {FailureClass, StepRecord} from '../../store/schema.js';
import type {EventSink, StepOutcome} from './events.js';
import {classOfError} from './failure.js';

export class StepFailure extends Error {
	readonly failureClass: FailureClass;
	readonly detail: unknown;
	constructor(failureClass: FailureClass, message: string, detail?: unknown) {
		super(message);
		this.name = 'StepFailure';
		this.failureClass = failureClass;
		this.detail = detail;
	}
}

export class StepStopped extends Error {
	constructor(step: string) {
		super(`stopped by the operator during ${step}`);
		this.name = 'StepStopped';
	}
}

export interface StepResult<T> {
	status: 'ok' | 'warn';
	message: string;
	value: T;
	/** Evidence written as this step's numbered artifact (redacted before writing). */
	evidence?: unknown;
}

export interface StepApi {
	progress(message: string, wait?: {wait_ms: number}): void;
	signal: AbortSignal;
	throwIfStopped(): void;
}

export interface StepHooks {
	onStart?(name: string): Promise<void> | void;
	onEnd?(record: StepRecord, evidence: unknown, failureClass: FailureClass | null): Promise<void> | void;
}

// The step whose code is running (steps run side by side): a host client made once for the whole
// import reports a rate-limit wait as progress of the step that made the call.
const running = new AsyncLocalStorage<StepApi>();

/** The step the caller runs in, if any. */
export function currentStep(): StepApi | undefined {
	return running.getStore();
}

/** A host's rate-limit wait (host/rate-gate.ts) as a progress line of the step that waits. */
export function reportRateWait(wait: RateWait): void {
	const seconds = Math.max(1, Math.round(wait.waitMs / 1000));
	const limit = wait.bucket.startsWith('user:') ? 'per-user' : wait.bucket;
	currentStep()?.progress(
		wait.reason === 'retry-after'
			? `the host asked to wait ${seconds} s (its ${limit} rate limit): ${wait.method} ${wait.path} goes again then`
			: `waiting ${seconds} s for the host's ${limit} rate limit before ${wait.method} ${wait.path}`,
		{wait_ms: wait.waitMs},
	);
}

export class StepRunner {
	private readonly sink: EventSink;
	readonly signal: AbortSignal;
	private readonly hooks: StepHooks;
	current: string | null = null;

	constructor(sink: EventSink, signal: AbortSignal, hooks: StepHooks = {}) {
		this.sink = sink;
		this.signal = signal;
		this.hooks = hooks;
	}

	async run<T>(name: string, fn: (api: StepApi) => Promise<StepResult<T>>): Promise<T> {
		if (this.signal.aborted) throw new StepStopped(name);
		this.current = name;
		const started = Date.now();
		// Announced once recorded: a start anyone has seen is a start a crash recovery will find (a kill
		// between the two would otherwise name an earlier step as the one the run died in).
		await this.hooks.onStart?.(name);
		this.sink({type: 'start', step: name, at: started});
		const api: StepApi = {
			progress: (message, wait) =>
				this.sink({type: 'progress', step: name, message, ...(wait ? {wait_ms: wait.wait_ms} : {})}),
			signal: this.signal,
			throwIfStopped: () => {
				if (this.signal.aborted) throw new StepStopped(name);
			},
		};
		try {
			const result = await running.run(api, () => fn(api));
			await this.finish(name, started, result.status, result.message, result.evidence, null);
			return result.value;
		} catch (error) {
			const stopped = this.signal.aborted || error instanceof StepStopped;
			const failureClass =
				error instanceof StepFailure ? error.failureClass : stopped ? null : classOfError(error);
			const message = stopped
				? `stopped by the operator during ${name}`
				: error instanceof Error
					? error.message
					: String(error);
			const evidence = error instanceof StepFailure ? error.detail : undefined;
			await this.finish(name, started, 'fail', message, evidence, failureClass);
			if (stopped && !(error instanceof StepStopped)) throw new StepStopped(name);
			throw error;
		}
	}

	/** Records a step that did not run. */
	async skip(name: string, message: string): Promise<void> {
		this.sink({type: 'start', step: name, at: Date.now()});
		await this.finish(name, Date.now(), 'skipped', message, undefined, null);
	}

	private async finish(
		name: string,
		started: number,
		status: StepOutcome,
		message: string,
		evidence: unknown,
		failureClass: FailureClass | null,
	): Promise<void> {
		const duration = Date.now() - started;
		const record: StepRecord = {
			name,
			status,
			started_at: new Date(started).toISOString(),
			duration_ms: duration,
			message,
		};
		await this.hooks.onEnd?.(record, evidence, failureClass);
		this.sink({type: 'end', step: name, status, duration_ms: duration, message, failure_class: failureClass});
	}
}
