// The health watch (docs/domain.md "Health", docs/cli.md `crm watch`): one pass (`--once`) or a loop
// that checks each batch every interval (plus jitter), never more than N at once per host and never
// one batch twice at once. It owns the history files and the summary; it takes the state lock only
// for a moment, to record a pause or resume and the provider statuses that changed, so imports and
// rollbacks run while it watches.
import {statSync} from 'node:fs';
import type {AlertsConfig, ProviderStatus} from '../../store/schema.js';
import {dataPaths, type DataPaths} from '../../store/paths.js';
import type {StateStore} from '../../store/state-store.js';
import {AlertDispatcher, type Delivery} from '../alerts/deliver.js';
import type {Alert} from '../alerts/format.js';
import type {Operator} from '../hosts/access.js';
import type {Timing} from '../import/types.js';
import type {PackSet} from '../packs/packs.js';
import {takeTurn} from './check-one.js';
import {appendHistory, DEFAULT_RETENTION, type Retention} from './history.js';
import {firstDue, KeyedLimiter, nextDue, NoOverlap} from './scheduler.js';
import {freshHealth, readSummary, writeSummary, type HealthSummaryFile} from './summary.js';
import {BatchInfoCache, intervalFor, watchTargets, type WatchTarget} from './targets.js';
import {DEFAULT_BROKEN_AFTER, DEFAULT_PER_HOST, type HealthCheck, type WatchOptions} from './types.js';

export interface RaisedAlert {
	batch_id: string;
	kind: Alert['kind'];
	message: string;
	/** The webhook, masked; null when alerts are not set up. */
	sent_to: string | null;
	/** null while delivery is still under way (or no webhook). */
	delivered: boolean | null;
}

export interface PassResult {
	checks: HealthCheck[];
	alerts: RaisedAlert[];
}

export interface WatchDeps {
	dataDir: string;
	/** A fresh read of state.json without the lock. */
	read(): Promise<StateStore>;
	withLock<T>(fn: (store: StateStore) => Promise<T>): Promise<T>;
	packs: PackSet;
	timing: Timing;
	operator?: Operator;
	/** How long the end of a run waits for alerts still being delivered; default 15 s. */
	drainMs?: number;
	/** Base backoff of a failed delivery; default 2 s. */
	alertBackoffMs?: number;
	onCheck?(check: HealthCheck): void;
	onAlert?(alert: RaisedAlert): void;
	onNote?(message: string): void;
}

export class Watcher {
	private readonly paths: DataPaths;
	private readonly limiter: KeyedLimiter;
	private readonly guard = new NoOverlap();
	private readonly info = new BatchInfoCache();
	private readonly retention: Retention;
	private summary: HealthSummaryFile | null = null;
	private dispatcher: AlertDispatcher | null = null;
	private alertsStamp: string | null = null;
	private readonly changes = new Map<string, ProviderStatus>();
	private readonly raised: Array<{alert: RaisedAlert; delivery: Delivery | null}> = [];
	private dirty = false;

	constructor(
		private readonly deps: WatchDeps,
		private readonly options: WatchOptions = {},
	) {
		this.paths = dataPaths(deps.dataDir);
		this.limiter = new KeyedLimiter(options.perHostConcurrency ?? DEFAULT_PER_HOST);
		this.retention = {
			maxAgeDays: options.historyMaxAgeDays ?? DEFAULT_RETENTION.maxAgeDays,
			maxCount: options.historyMaxCount ?? DEFAULT_RETENTION.maxCount,
		};
	}

	/** The most checks that ran at once against one host. */
	get peakPerHost(): number {
		return this.limiter.peak;
	}

	/** One pass over every watched batch, then the writes and the alert deliveries it led to. */
	async once(signal: AbortSignal): Promise<PassResult> {
		const store = await this.start();
		const targets = watchTargets(store.data, this.options);
		const checks = await Promise.all(targets.map((t) => this.turn(t, store, signal)));
		await this.finish();
		return {checks: checks.filter((c): c is HealthCheck => c !== null), alerts: this.alertsOut()};
	}

	/** Checks every batch each interval until `signal` aborts; returns the last check of each. */
	async loop(signal: AbortSignal, tickMs = 1000): Promise<PassResult> {
		let store = await this.start();
		let stamp = this.stateStamp();
		let targets = watchTargets(store.data, this.options);
		const due = new Map<string, number>();
		const latest = new Map<string, HealthCheck>();
		const running = new Set<Promise<unknown>>();
		let lastFlush = Date.now();
		while (!signal.aborted) {
			if (this.stateStamp() !== stamp) {
				stamp = this.stateStamp();
				store = await this.deps.read();
				targets = watchTargets(store.data, this.options);
				this.useAlerts(store.data.alerts);
			}
			const now = Date.now();
			for (const t of targets) {
				const id = t.batch.batch_id;
				const interval = intervalFor(this.deps.packs, t.batch.pack, this.options.intervalMs);
				const jitter = this.options.jitterRatio ?? 0.1;
				if (!due.has(id)) {
					const last = this.summary!.batches[id]?.last_check_at;
					due.set(id, firstDue(last ? Date.parse(last) : null, now, interval, jitter));
				}
				if (due.get(id)! > now) continue;
				due.set(id, Number.POSITIVE_INFINITY);
				const p = this.turn(t, store, signal).then((check) => {
					if (check) latest.set(id, check);
					due.set(id, nextDue(Date.now(), interval, jitter));
				});
				running.add(p);
				void p.finally(() => running.delete(p));
			}
			if (this.dirty && Date.now() - lastFlush > 5000) {
				lastFlush = Date.now();
				await this.flush();
			}
			await sleep(tickMs, signal);
		}
		await Promise.allSettled([...running]);
		await this.finish();
		return {checks: [...latest.values()], alerts: this.alertsOut()};
	}

	private async start(): Promise<StateStore> {
		const store = await this.deps.read();
		this.summary = await readSummary(this.paths.healthSummary);
		this.useAlerts(store.data.alerts);
		// Alerts a previous watch could not deliver go out first.
		const outbox = this.summary.outbox;
		this.summary.outbox = [];
		for (const pending of outbox) {
			const {attempts, ...alert} = pending;
			this.dispatcher?.enqueue(alert as Alert, Math.min(attempts, 1));
		}
		return store;
	}

	private useAlerts(config: AlertsConfig | undefined): void {
		const stamp = config ? `${config.set_at}|${config.format}` : null;
		if (this.dispatcher && stamp === this.alertsStamp) return;
		const leftover = this.dispatcher?.close() ?? [];
		this.alertsStamp = stamp;
		this.dispatcher = new AlertDispatcher(config, {
			timeoutMs: this.deps.timing.requestTimeoutMs,
			backoffMs: this.deps.alertBackoffMs,
		});
		for (const {attempts, ...alert} of leftover)
			this.dispatcher.enqueue(alert as Alert, Math.min(attempts, 1));
	}

	private stateStamp(): number {
		try {
			return statSync(this.paths.state).mtimeMs;
		} catch {
			return 0;
		}
	}

	/** One batch: skipped when its previous check still runs; queued behind its host's bound. */
	private async turn(t: WatchTarget, store: StateStore, signal: AbortSignal): Promise<HealthCheck | null> {
		const id = t.batch.batch_id;
		if (!this.guard.enter(id)) return null;
		try {
			return await this.limiter.run(
				t.host.host_id,
				async () => {
					const target = await this.info.target(store, t, store.data, this.deps.packs);
					const prev = this.summary!.batches[id] ?? freshHealth(t.batch.updated_at, t.batch.provider_status);
					const minBalance = store.data.alerts?.min_balance ?? null;
					const result = await takeTurn(target, prev, {
						timing: this.deps.timing,
						rules: {brokenAfter: this.options.brokenAfter ?? DEFAULT_BROKEN_AFTER, minBalance},
						signal,
						operator: this.deps.operator,
						withLock: (fn) => this.deps.withLock(fn),
					});
					if (signal.aborted) return null;
					this.record(t, result.check, result.health.provider_status);
					this.summary!.batches[id] = result.health;
					this.dirty = true;
					for (const alert of result.alerts) this.raise(alert);
					return result.check;
				},
				signal,
			);
		} catch (error) {
			if (signal.aborted) return null;
			this.deps.onNote?.(
				`batch ${id}: the check could not run: ${error instanceof Error ? error.message : String(error)}`,
			);
			return null;
		} finally {
			this.guard.leave(id);
		}
	}

	private record(t: WatchTarget, check: HealthCheck, status: ProviderStatus): void {
		appendHistory(this.paths.healthFile(t.batch.batch_id), check, this.retention);
		if (status !== t.batch.provider_status) this.changes.set(t.batch.batch_id, status);
		this.deps.onCheck?.(check);
	}

	private raise(alert: Alert): void {
		const delivery = this.dispatcher?.enqueue(alert) ?? null;
		const out: RaisedAlert = {
			batch_id: alert.batch_id,
			kind: alert.kind,
			message: alert.message,
			sent_to: this.dispatcher?.target ?? null,
			delivered: null,
		};
		this.raised.push({alert: out, delivery});
		this.deps.onAlert?.(out);
	}

	private alertsOut(): RaisedAlert[] {
		return this.raised.map(({alert, delivery}) => ({
			...alert,
			delivered: delivery ? (delivery.delivered ? true : delivery.last_error ? false : null) : null,
		}));
	}

	/** Writes the summary and the provider statuses that changed (state.json, under the lock). */
	async flush(): Promise<void> {
		if (this.summary && this.dirty) {
			this.dirty = false;
			await writeSummary(this.paths.healthSummary, this.summary);
		}
		if (this.changes.size === 0) return;
		const changes = new Map(this.changes);
		try {
			await this.deps.withLock(async (store) => {
				let changed = false;
				for (const [id, status] of changes) {
					const b = store.data.batches.find((x) => x.batch_id === id);
					if (!b || b.batch_status !== 'succeeded' || b.provider_status === status) continue;
					b.provider_status = status;
					b.updated_at = new Date().toISOString();
					changed = true;
				}
				if (changed) await store.write();
			});
			for (const [id, status] of changes) if (this.changes.get(id) === status) this.changes.delete(id);
		} catch (error) {
			this.deps.onNote?.(
				`provider statuses not written yet (${error instanceof Error ? error.message : String(error)}); the next write retries`,
			);
		}
	}

	private async finish(): Promise<void> {
		await this.flush();
		await this.dispatcher?.drain(this.deps.drainMs ?? 15_000);
		const pending = this.dispatcher?.close() ?? [];
		this.summary!.outbox = pending;
		if (pending.length > 0)
			this.deps.onNote?.(`${pending.length} alert(s) not delivered yet; the next watch retries them`);
		await writeSummary(this.paths.healthSummary, this.summary!);
	}
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
	return new Promise((resolve) => {
		const done = () => {
			clearTimeout(timer);
			signal.removeEventListener('abort', done);
			resolve();
		};
		const timer = setTimeout(done, ms);
		signal.addEventListener('abort', done, {once: true});
	});
}
