// Live events per batch (docs/cli.md, Service): every step event an import emits, kept in order, so a
// client that connects late gets the steps so far first and then the live ones; the stream ends with
// the import's output. Each message carries an increasing id (SSE `id:`), so a client that reconnects
// with Last-Event-ID gets only what it missed. Finished imports are kept for a while (bounded).
import type {StepEvent} from '../core/pipeline/events.js';
import {scrubText} from './secrets.js';

export interface HubMessage {
	id: number;
	event: 'step' | 'end';
	data: string;
}

export interface ImportInfo {
	batch_id: string;
	host_id: string;
	pack: string;
	started_at: string;
	state: 'running' | 'finished';
	events_url: string;
}

type Listener = (message: HubMessage | null) => void;

interface Channel {
	info: ImportInfo;
	messages: HubMessage[];
	listeners: Set<Listener>;
}

/** How many finished imports keep their events in memory (older ones replay from their batch file). */
const KEEP_FINISHED = 200;

export class EventHub {
	private readonly channels = new Map<string, Channel>();
	private readonly watchers = new Set<(info: ImportInfo) => void>();

	open(info: Omit<ImportInfo, 'state' | 'events_url'>): void {
		const full: ImportInfo = {
			...info,
			state: 'running',
			events_url: `/api/v1/batches/${encodeURIComponent(info.batch_id)}/events`,
		};
		this.channels.set(info.batch_id, {info: full, messages: [], listeners: new Set()});
		for (const w of this.watchers) w(full);
	}

	step(batchId: string, event: StepEvent): void {
		this.emit(batchId, 'step', event);
	}

	/** The last message of a batch's stream: the import output (or the error it ended with). */
	end(batchId: string, output: unknown): void {
		const channel = this.channels.get(batchId);
		if (!channel || channel.info.state === 'finished') return;
		this.emit(batchId, 'end', output);
		channel.info.state = 'finished';
		for (const w of this.watchers) w(channel.info);
		this.evict();
	}

	has(batchId: string): boolean {
		return this.channels.has(batchId);
	}

	imports(): ImportInfo[] {
		return [...this.channels.values()].map((c) => c.info).reverse();
	}

	/**
	 * The messages after `afterId` and, unless the stream has ended, a subscription to the rest.
	 * `listener(null)` means the service is stopping: end the response.
	 */
	subscribe(
		batchId: string,
		afterId: number,
		listener: Listener,
	): {replay: HubMessage[]; ended: boolean; close: () => void} | null {
		const channel = this.channels.get(batchId);
		if (!channel) return null;
		const replay = channel.messages.filter((m) => m.id > afterId);
		const ended = channel.info.state === 'finished';
		if (!ended) channel.listeners.add(listener);
		return {replay, ended, close: () => channel.listeners.delete(listener)};
	}

	/** Service-wide: told when an import starts or finishes (the status page's live list). */
	watch(watcher: (info: ImportInfo) => void): () => void {
		this.watchers.add(watcher);
		return () => this.watchers.delete(watcher);
	}

	/** Shutdown: every open stream is told to end. */
	closeAll(): void {
		for (const channel of this.channels.values()) {
			for (const l of channel.listeners) l(null);
			channel.listeners.clear();
		}
	}

	private emit(batchId: string, event: HubMessage['event'], payload: unknown): void {
		const channel = this.channels.get(batchId);
		if (!channel) return;
		const message: HubMessage = {
			id: channel.messages.length + 1,
			event,
			data: scrubText(JSON.stringify(payload)),
		};
		channel.messages.push(message);
		for (const l of channel.listeners) l(message);
		if (event === 'end') channel.listeners.clear();
	}

	private evict(): void {
		const finished = [...this.channels.values()].filter((c) => c.info.state === 'finished');
		for (const c of finished.slice(0, Math.max(0, finished.length - KEEP_FINISHED)))
			this.channels.delete(c.info.batch_id);
	}
}
