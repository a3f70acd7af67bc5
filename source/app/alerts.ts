// Where health alerts go (docs/cli.md `crm alerts set|show|test`): one webhook, its URL a secret kept
// in state.json only and shown masked; `test` sends one alert now and says whether it arrived.
import {invalidInput} from '../lib/errors.js';
import {checkFormat, checkWebhookUrl, maskWebhook} from '../core/alerts/config.js';
import {AlertDispatcher} from '../core/alerts/deliver.js';
import {readSummary} from '../core/health/summary.js';
import type {AlertFormat} from '../store/schema.js';
import {dataPaths} from '../store/paths.js';
import {registerSecret} from '../lib/secrets.js';
import type {Run, Session} from './session.js';

export interface AlertsInput {
	/** The webhook URL itself (read by the view from --webhook-url-env). */
	webhookUrl: string | undefined;
	format?: string;
	minBalance?: number | null;
}

export interface AlertsView {
	webhook: string | null;
	format: AlertFormat | null;
	min_balance: number | null;
	set_at: string | null;
	/** Alerts a watch raised but could not deliver yet (retried by the next watch). */
	undelivered: number;
}

export function checkAlertsInput(input: AlertsInput): {
	url: string;
	format: AlertFormat;
	minBalance: number | null;
} {
	const field = 'webhook_url';
	if (!input.webhookUrl) throw invalidInput(field, (f) => `the webhook URL is required (${f})`);
	const url = checkWebhookUrl(input.webhookUrl, field);
	const format = checkFormat(input.format);
	const min = input.minBalance ?? null;
	if (min !== null && (!Number.isFinite(min) || min < 0 || min > 1e9))
		throw invalidInput('min_balance', (f) => `${f} must be a number from 0 to 1000000000`);
	return {url, format, minBalance: min};
}

export async function setAlerts(session: Session, input: AlertsInput): Promise<AlertsView> {
	const checked = checkAlertsInput(input);
	registerSecret(checked.url);
	await session.withLock('alerts set', async (store) => {
		store.data.alerts = {
			webhook_url: checked.url,
			format: checked.format,
			min_balance: checked.minBalance,
			set_at: new Date().toISOString(),
		};
		await store.write();
	});
	return showAlerts(session);
}

export async function showAlerts(session: Session): Promise<AlertsView> {
	const store = await session.read();
	const config = store.data.alerts;
	const summary = await readSummary(dataPaths(session.dataDir).healthSummary);
	return {
		webhook: config ? maskWebhook(config.webhook_url) : null,
		format: config?.format ?? null,
		min_balance: config?.min_balance ?? null,
		set_at: config?.set_at ?? null,
		undelivered: summary.outbox.length,
	};
}

/** Sends one test alert now and waits for the answer (one attempt, with the request timeout). */
export async function testAlert(
	session: Session,
	input: {message?: string} = {},
	run?: Run,
): Promise<{sent_to: string | null; delivered: boolean; error: string | null}> {
	run?.signal.throwIfAborted();
	const store = await session.read();
	const dispatcher = new AlertDispatcher(store.data.alerts, {timeoutMs: session.timing.requestTimeoutMs});
	const result = await dispatcher.sendNow({
		batch_id: '-',
		host_id: '-',
		pack: '-',
		kind: 'test',
		message: input.message ?? 'a test alert from crm alerts test: alerts reach this webhook',
		at: new Date().toISOString(),
	});
	return {sent_to: dispatcher.target, ...result};
}
