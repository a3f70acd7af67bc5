// An import started over HTTP: its input is checked first (bad input answers 400 before anything
// runs), then it runs as a tracked operation in the background. The request is answered 202 as soon
// as the batch exists; if the operation fails before that (the data folder is locked: 409, a duplicate:
// 400), that failure is the answer instead. Every step event goes to the batch's event hub.
import {importProvider, planImport, type ImportInput} from '../app/import.js';
import type {Session} from '../app/session.js';
import type {ServiceDeps} from './deps.js';
import {toHttpError} from './errors.js';

export interface ImportStarted {
	batch_id: string;
	events_url: string;
}

export async function startImport(
	deps: ServiceDeps,
	session: Session,
	input: ImportInput,
): Promise<ImportStarted> {
	const plan = await planImport(session, input);
	let batchId: string | null = null;
	let announce: (id: string) => void = () => {};
	const created = new Promise<string>((resolve) => (announce = resolve));
	const done = deps.ops.start(`import ${plan.pack.id}`, (signal) =>
		importProvider(session, input, {
			signal,
			sink: (event) => {
				if (batchId) deps.hub.step(batchId, event);
			},
			onBatch: (id) => {
				batchId = id;
				deps.hub.open({
					batch_id: id,
					host_id: plan.host.host_id,
					pack: plan.pack.id,
					started_at: new Date().toISOString(),
				});
				announce(id);
			},
		}),
	);
	done.then(
		(result) => {
			if (batchId) deps.hub.end(batchId, result);
		},
		(error: unknown) => {
			// After the batch exists a failure ends its stream with the error JSON; before, it is the answer.
			if (batchId) deps.hub.end(batchId, toHttpError(error).body);
		},
	);
	const ended = done.then(
		() => batchId ?? Promise.reject(new Error('the import ended before its batch existed')),
	);
	// A failure after the answer went out ends the event stream (above); it must not go unhandled here.
	ended.catch(() => {});
	const id = await Promise.race([created, ended]);
	return {batch_id: id, events_url: `/api/v1/batches/${encodeURIComponent(id)}/events`};
}
