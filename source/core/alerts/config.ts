// Where alerts go (docs/cli.md `crm alerts set`): one webhook URL, a secret (Feishu and DingTalk
// URLs carry their token), kept in state.json only and never printed or logged whole.
import {invalidInput} from '../../lib/errors.js';
import {ALERT_FORMATS, type AlertFormat} from '../../store/schema.js';

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

/** The webhook URL, checked: http(s), no credentials in it, plain http only to this machine. */
export function checkWebhookUrl(raw: string, field = 'webhook_url'): string {
	const value = raw.trim();
	let url: URL;
	try {
		url = new URL(value);
	} catch {
		throw invalidInput(field, (f) => `the webhook URL in ${f} is not a URL`);
	}
	if (url.protocol !== 'https:' && url.protocol !== 'http:')
		throw invalidInput(field, (f) => `the webhook URL in ${f} must start with https://`);
	if (url.protocol === 'http:' && !LOOPBACK.test(url.hostname))
		throw invalidInput(
			field,
			(f) =>
				`the webhook URL in ${f} uses plain http to another machine; its token would travel in clear: use https://`,
		);
	if (url.username || url.password)
		throw invalidInput(field, (f) => `the webhook URL in ${f} must not carry a user name or password`);
	if (value.length > 2048)
		throw invalidInput(field, (f) => `the webhook URL in ${f} is longer than 2048 characters`);
	return value;
}

export function checkFormat(raw: string | undefined, field = 'format'): AlertFormat {
	if (raw === undefined) return 'generic';
	if (!(ALERT_FORMATS as readonly string[]).includes(raw))
		throw invalidInput(field, (f) => `${f} must be one of ${ALERT_FORMATS.join(', ')}`);
	return raw as AlertFormat;
}

/** What is shown where the webhook must be named: its scheme and host, then `…` and 4 characters. */
export function maskWebhook(url: string): string {
	try {
		const u = new URL(url);
		return `${u.protocol}//${u.host}/…${url.slice(-4)}`;
	} catch {
		return '…';
	}
}
