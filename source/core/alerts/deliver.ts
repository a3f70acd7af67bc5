// Alert delivery (docs/domain.md "Health"): each alert is POSTed to the one webhook in the background,
// never holding up a check; a failed delivery is retried with doubling backoff a bounded number of
// times; every request has a timeout and follows no redirect (sendHttp never does). What is still
// undelivered when the watch stops is handed back, to be kept and retried by the next watch.
import {sendHttp, TransportError} from '../../host/http.js';
import type {AlertsConfig} from '../../store/schema.js';
import type {PendingAlert} from '../health/summary.js';
import {maskWebhook} from './config.js';
import {alertBody, deliveryProblem, type Alert} from './format.js';

export interface DispatchOptions {
	/** Each delivery request; default 10 s. */
	timeoutMs?: number;
	/** Attempts per alert, the first included; default 5. */
	maxAttempts?: number;
	/** The first retry's wait, doubled for each next one; default 2 s (env CRM_ALERT_BACKOFF_MS). */
	backoffMs?: number;
}

export interface Delivery {
	alert: Alert;
	attempts: number;
	delivered: boolean;
	last_error: string | null;
	done: Promise<void>;
}

export class AlertDispatcher {
	private readonly config: AlertsConfig | null;
	private readonly timeoutMs: number;
	private readonly maxAttempts: number;
	private readonly backoffMs: number;
	private readonly active = new Set<Delivery>();
	private readonly sleepers = new Set<() => void>();
	private closed = false;

	constructor(config: AlertsConfig | null | undefined, o: DispatchOptions = {}) {
		this.config = config ?? null;
		this.timeoutMs = o.timeoutMs ?? 10_000;
		this.maxAttempts = Math.max(1, o.maxAttempts ?? 5);
		this.backoffMs = o.backoffMs ?? 2000;
	}

	/** The webhook as it may be shown (masked), or null when alerts are not set up. */
	get target(): string | null {
		return this.config ? maskWebhook(this.config.webhook_url) : null;
	}

	/** Starts delivering in the background; the caller never waits for it. */
	enqueue(alert: Alert, attemptsSoFar = 0): Delivery | null {
		if (!this.config || this.closed) return null;
		const delivery: Delivery = {
			alert,
			attempts: attemptsSoFar,
			delivered: false,
			last_error: null,
			done: Promise.resolve(),
		};
		this.active.add(delivery);
		delivery.done = this.run(delivery).finally(() => {
			if (delivery.delivered || delivery.attempts >= this.maxAttempts) this.active.delete(delivery);
		});
		return delivery;
	}

	/** One attempt now, waited for (`crm alerts test`). */
	async sendNow(alert: Alert): Promise<{delivered: boolean; error: string | null}> {
		if (!this.config) return {delivered: false, error: 'no webhook is set (crm alerts set)'};
		const error = await this.attempt(alert);
		return {delivered: error === null, error};
	}

	/** Waits until every queued alert is delivered or given up, or until `timeoutMs` passes. */
	async drain(timeoutMs: number): Promise<void> {
		let timer: NodeJS.Timeout | undefined;
		const limit = new Promise<void>((resolve) => {
			timer = setTimeout(resolve, timeoutMs);
		});
		await Promise.race([Promise.all([...this.active].map((d) => d.done)), limit]);
		clearTimeout(timer);
	}

	/** Stops retrying; returns what was not delivered, to be kept for the next watch. */
	close(): PendingAlert[] {
		this.closed = true;
		for (const wake of this.sleepers) wake();
		return [...this.active].filter((d) => !d.delivered).map((d) => ({...d.alert, attempts: d.attempts}));
	}

	private async run(d: Delivery): Promise<void> {
		while (!this.closed && d.attempts < this.maxAttempts) {
			d.attempts += 1;
			const error = await this.attempt(d.alert);
			if (error === null) {
				d.delivered = true;
				d.last_error = null;
				return;
			}
			d.last_error = error;
			if (d.attempts >= this.maxAttempts) return;
			await this.sleep(this.backoffMs * 2 ** (d.attempts - 1));
		}
	}

	private async attempt(alert: Alert): Promise<string | null> {
		const config = this.config!;
		try {
			const res = await sendHttp({
				method: 'POST',
				url: config.webhook_url,
				json: alertBody(config.format, alert),
				timeoutMs: this.timeoutMs,
				retries: 0,
			});
			return deliveryProblem(config.format, res.status, res.body);
		} catch (error) {
			if (error instanceof TransportError)
				return error.failure === 'timeout' ? `no answer within ${this.timeoutMs} ms` : 'unreachable';
			return error instanceof Error ? error.message : String(error);
		}
	}

	private sleep(ms: number): Promise<void> {
		return new Promise((resolve) => {
			const wake = () => {
				clearTimeout(timer);
				this.sleepers.delete(wake);
				resolve();
			};
			const timer = setTimeout(wake, ms);
			timer.unref();
			this.sleepers.add(wake);
		});
	}
}
