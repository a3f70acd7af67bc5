// Server-sent event responses (hono/streaming): a batch's steps, and the service-wide list of imports
// the status page follows. A comment line every 15 s keeps idle streams open through proxies and SSH
// tunnels; the stream ends when the import ends, the client goes, or the service stops.
import type {Context} from 'hono';
import {streamSSE, type SSEStreamingApi} from 'hono/streaming';
import type {ServiceDeps} from './deps.js';
import type {EventHub, HubMessage, ImportInfo} from './events.js';
import {notFound} from './errors.js';
import {scrubText} from './secrets.js';
import {batchDocumentOf} from '../app/reads.js';

const KEEP_ALIVE_MS = 15_000;

/** Writes messages strictly in order, however fast they arrive. */
function orderedWriter(stream: SSEStreamingApi) {
	let chain = Promise.resolve();
	return (m: HubMessage) => {
		chain = chain.then(() => stream.writeSSE({event: m.event, data: m.data, id: String(m.id)}));
		return chain;
	};
}

function keepAlive(stream: SSEStreamingApi): () => void {
	const timer = setInterval(() => void stream.write(': keep-alive\n\n').catch(() => {}), KEEP_ALIVE_MS);
	timer.unref();
	return () => clearInterval(timer);
}

/** A batch's events from the hub: replay after `afterId`, then live until `end`. */
export function hubStream(c: Context, hub: EventHub, batchId: string, afterId: number): Response {
	return streamSSE(c, async (stream) => {
		const write = orderedWriter(stream);
		let finish: () => void = () => {};
		const finished = new Promise<void>((resolve) => (finish = resolve));
		const sub = hub.subscribe(batchId, afterId, (m) => {
			if (m === null) return finish();
			void write(m).then(() => {
				if (m.event === 'end') finish();
			});
		});
		if (!sub) return;
		const stop = keepAlive(stream);
		stream.onAbort(() => finish());
		try {
			for (const m of sub.replay) await write(m);
			if (sub.ended) return;
			await finished;
		} finally {
			stop();
			sub.close();
		}
	});
}

/**
 * A batch this service did not run (or ran long ago): its recorded steps as `step` events (each as the
 * end event of that step), then `end` with the batch's document.
 */
export async function recordedStream(c: Context, deps: ServiceDeps, batchId: string): Promise<Response> {
	const doc = await batchDocumentOf(await deps.read(), batchId);
	if (!doc) throw notFound('id', `no batch ${JSON.stringify(batchId)}; see GET /api/v1/batches`);
	return streamSSE(c, async (stream) => {
		for (const [i, s] of doc.steps.entries()) {
			const event = {
				type: 'end',
				step: s.name,
				status: s.status,
				duration_ms: s.duration_ms,
				message: s.message,
				failure_class: s.status === 'fail' ? doc.failure_class : null,
			};
			await stream.writeSSE({event: 'step', data: scrubText(JSON.stringify(event)), id: String(i + 1)});
		}
		const id = String(doc.steps.length + 1);
		await stream.writeSSE({event: 'end', data: scrubText(JSON.stringify(doc)), id});
	});
}

/** Service-wide: `event: import` for every import running now, then each start and finish. */
export function importsStream(c: Context, hub: EventHub, stopping: AbortSignal): Response {
	return streamSSE(c, async (stream) => {
		let chain = Promise.resolve();
		const send = (info: ImportInfo) => {
			// The hub updates one info object in place: serialise it now, so an event written after a slow
			// earlier write still says what it was sent for (`running`, then `finished`).
			const data = JSON.stringify(info);
			chain = chain.then(() => stream.writeSSE({event: 'import', data}));
		};
		for (const info of hub.imports()) if (info.state === 'running') send(info);
		const unwatch = hub.watch(send);
		const stop = keepAlive(stream);
		try {
			await new Promise<void>((resolve) => {
				stream.onAbort(resolve);
				if (stopping.aborted) resolve();
				stopping.addEventListener('abort', () => resolve(), {once: true});
			});
		} finally {
			unwatch();
			stop();
			await chain.catch(() => {});
		}
	});
}
