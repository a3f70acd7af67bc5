// Server-sent events read from a complete body (the account test and streamed chat answers are short).
import {createParser} from 'eventsource-parser';

export interface SseEvent {
	event: string | null;
	data: string;
	/** `data` parsed as JSON, or null when it is not JSON (e.g. `[DONE]`). */
	json: unknown;
}

export function parseSse(body: string): SseEvent[] {
	const out: SseEvent[] = [];
	const parser = createParser({
		onEvent: (m) => {
			out.push({event: m.event ?? null, data: m.data, json: tryJson(m.data)});
		},
	});
	parser.feed(body);
	parser.reset({consume: true});
	return out;
}

export function isEventStream(contentType: string, body: string): boolean {
	return /text\/event-stream/i.test(contentType) || /^(data|event):/m.test(body.trimStart().slice(0, 200));
}

function tryJson(s: string): unknown {
	try {
		return JSON.parse(s);
	} catch {
		return null;
	}
}
