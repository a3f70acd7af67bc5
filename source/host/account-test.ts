// `POST /admin/accounts/:id/test` answers an SSE stream with HTTP 200 even on failure (docs/domain.md "The host"):
// test_start / status / content* / test_complete{success} or error{"error":"... returned 403: ..."}.
// A pre-SSE precheck failure on recent builds leaves an empty 200 body.
import {redactText} from '../lib/secrets.js';
import {parseSse} from './sse.js';

export interface AccountTestEvent {
	type: string;
	text?: string;
	model?: string;
	success?: boolean;
	error?: string;
}

export interface AccountTestResult {
	ok: boolean;
	events: AccountTestEvent[];
	/** The first error text (secrets redacted), or null. */
	error: string | null;
	/** Upstream status parsed from "returned 403:" in the error text. */
	status: number | null;
	/** The host answered 200 with an empty body. */
	empty: boolean;
	/** Content text concatenated, capped at 200 chars. */
	content: string;
}

export function parseAccountTest(body: string): AccountTestResult {
	if (body.trim() === '') return {ok: false, events: [], error: null, status: null, empty: true, content: ''};
	const events: AccountTestEvent[] = [];
	for (const e of parseSse(body)) {
		const j = e.json;
		if (!j || typeof j !== 'object') continue;
		const o = j as Record<string, unknown>;
		const ev: AccountTestEvent = {type: typeof o.type === 'string' ? o.type : (e.event ?? 'message')};
		if (typeof o.text === 'string') ev.text = redactText(o.text);
		if (typeof o.model === 'string') ev.model = o.model;
		if (typeof o.success === 'boolean') ev.success = o.success;
		const err = errorText(o.error);
		if (err !== null) ev.error = redactText(err);
		events.push(ev);
	}
	const firstError = events.find((e) => e.type === 'error' || e.error !== undefined);
	const error = firstError ? (firstError.error ?? firstError.text ?? 'test failed') : null;
	const complete = events.find((e) => e.type === 'test_complete');
	const ok = !firstError && complete?.success === true;
	const m = error ? /returned\s+(\d{3})\b/i.exec(error) : null;
	const content = events
		.filter((e) => e.type === 'content' && e.text)
		.map((e) => e.text)
		.join('')
		.slice(0, 200);
	return {ok, events, error, status: m ? Number(m[1]) : null, empty: false, content};
}

function errorText(v: unknown): string | null {
	if (typeof v === 'string') return v;
	if (v && typeof v === 'object') {
		const m = (v as Record<string, unknown>).message;
		return typeof m === 'string' ? m : JSON.stringify(v);
	}
	return null;
}
