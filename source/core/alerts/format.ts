// The webhook body for each format (docs/cli.md `crm alerts set --format`), and whether an answer
// means delivered: Feishu and DingTalk answer HTTP 200 with an error code in the body.
import type {AlertFormat} from '../../store/schema.js';

export type AlertKind = 'failing' | 'recovered' | 'low_balance' | 'paused' | 'resumed' | 'test';

export interface Alert {
	batch_id: string;
	host_id: string;
	pack: string;
	kind: AlertKind;
	message: string;
	at: string;
}

const TITLE: Record<AlertKind, string> = {
	failing: 'provider failing',
	recovered: 'provider recovered',
	low_balance: 'balance low',
	paused: 'account paused',
	resumed: 'account resumed',
	test: 'test alert',
};

export function alertText(a: Alert): string {
	return `[crm] ${TITLE[a.kind]}: ${a.message}`;
}

export function alertBody(format: AlertFormat, a: Alert): unknown {
	const text = alertText(a);
	switch (format) {
		case 'feishu':
			return {msg_type: 'text', content: {text}};
		case 'dingtalk':
			return {msgtype: 'text', text: {content: text}};
		case 'slack':
			return {text};
		case 'generic':
			return {
				source: 'sub2api-cn-relay-manager',
				kind: a.kind,
				batch_id: a.batch_id,
				host_id: a.host_id,
				pack: a.pack,
				message: a.message,
				at: a.at,
			};
	}
}

/** null when the answer means delivered, else why not. */
export function deliveryProblem(format: AlertFormat, status: number, body: string): string | null {
	if (status >= 300 && status < 400) return `HTTP ${status}: a redirect, which is never followed`;
	if (status < 200 || status >= 300) return `HTTP ${status}`;
	if (format !== 'feishu' && format !== 'dingtalk') return null;
	let json: Record<string, unknown>;
	try {
		json = JSON.parse(body) as Record<string, unknown>;
	} catch {
		return null;
	}
	const code = format === 'feishu' ? (json.code ?? json.StatusCode) : json.errcode;
	if (code === undefined || code === 0) return null;
	const msg = format === 'feishu' ? (json.msg ?? json.StatusMessage) : json.errmsg;
	return `${format} answered code ${String(code)}${typeof msg === 'string' ? ` (${msg.slice(0, 80)})` : ''}`;
}
