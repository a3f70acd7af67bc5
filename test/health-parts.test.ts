// The parts of the health watch on their own (docs/domain.md "Health"): the per-host bound and the
// no-overlap guard, interval plus jitter, history retention by count and age, alert dedup with a
// daily reminder, webhook bodies, delivery with backoff (never blocking), no redirect, a timeout,
// and the webhook URL never shown whole.
import test from 'ava';
import {mkdtempSync, readFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {checkWebhookUrl, maskWebhook} from '../source/core/alerts/config.js';
import {decideAlerts} from '../source/core/alerts/decide.js';
import {AlertDispatcher} from '../source/core/alerts/deliver.js';
import {alertBody, deliveryProblem, type Alert} from '../source/core/alerts/format.js';
import {appendHistory, readHistory} from '../source/core/health/history.js';
import {firstDue, KeyedLimiter, nextDue, NoOverlap} from '../source/core/health/scheduler.js';
import {applyCheck} from '../source/core/health/status.js';
import {freshHealth} from '../source/core/health/summary.js';
import type {HealthCheck} from '../source/core/health/types.js';
import type {AlertsConfig} from '../source/store/schema.js';
import {receiver} from './helpers/webhook.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function check(over: Partial<HealthCheck> = {}): HealthCheck {
	return {
		batch_id: 'b1',
		host_id: 'h1',
		pack: 'deepseek',
		health: 'ok',
		failure_class: null,
		models_ok: true,
		completion_ok: true,
		latency_ms: 20,
		balance: null,
		at: new Date().toISOString(),
		mode: 'completion',
		gateway_used: null,
		direct: null,
		message: 'fine',
		action: null,
		...over,
	};
}

test('per-host bound: never more than N at once per host, hosts independent; a stopped wait gives up', async (t) => {
	const limiter = new KeyedLimiter(3);
	const running = new Map<string, number>();
	let worst = 0;
	const task = (host: string) =>
		limiter.run(host, async () => {
			running.set(host, (running.get(host) ?? 0) + 1);
			worst = Math.max(worst, running.get(host)!);
			await sleep(15);
			running.set(host, running.get(host)! - 1);
		});
	await Promise.all([
		...Array.from({length: 12}, () => task('a')),
		...Array.from({length: 12}, () => task('b')),
	]);
	t.is(worst, 3);
	t.is(limiter.peak, 3);
	const stop = new AbortController();
	const gated = new KeyedLimiter(1);
	const first = gated.run('x', () => sleep(60));
	const waiting = gated.run('x', async () => 'ran', stop.signal);
	stop.abort();
	await t.throwsAsync(waiting, {message: 'stopped'});
	await first;
	const guard = new NoOverlap();
	t.true(guard.enter('b1'));
	t.false(guard.enter('b1'), 'a batch is never checked twice at once');
	guard.leave('b1');
	t.true(guard.enter('b1'));
});

test('interval plus jitter stays within its bounds; a batch checked recently waits for its turn', (t) => {
	for (const r of [0, 0.25, 0.5, 0.999]) {
		const due = nextDue(1000, 60_000, 0.1, () => r);
		t.true(due >= 1000 + 54_000 && due <= 1000 + 66_000, String(due));
	}
	t.is(firstDue(null, 5000, 60_000, 0.1), 5000, 'never checked: due now');
	t.is(
		firstDue(0, 500_000, 60_000, 0.1, () => 0.5),
		500_000,
		'long ago: due now',
	);
	t.is(
		firstDue(100_000, 110_000, 60_000, 0, () => 0.5),
		160_000,
	);
});

test('history: append-only lines, newest first, bounded by count and by age', (t) => {
	const dir = mkdtempSync(path.join(tmpdir(), 'crm-history-'));
	const file = path.join(dir, 'health', 'b1.jsonl');
	const base = Date.now() - 40 * 86_400_000;
	for (let i = 0; i < 60; i++)
		appendHistory(file, check({at: new Date(base + i * 60_000).toISOString(), latency_ms: i}), {
			maxAgeDays: 365,
			maxCount: 20,
		});
	const lines = readFileSync(file, 'utf8').trim().split('\n');
	t.true(lines.length <= 22 && lines.length >= 20, `${lines.length} lines kept`);
	const newest = readHistory(file);
	t.is(newest[0]!.latency_ms, 59, 'newest first');
	t.is(readHistory(file, {limit: 3}).length, 3);
	// A check today: everything older than 30 days goes.
	appendHistory(file, check({latency_ms: 1000}), {maxAgeDays: 30, maxCount: 20});
	t.deepEqual(
		readHistory(file).map((c) => c.latency_ms),
		[1000],
	);
});

test('alerts: one per change, a daily reminder at most, recovered once; low balance once', (t) => {
	const ctx = {hostName: 'sb', minBalance: 10};
	const rules = {brokenAfter: 3, minBalance: 10};
	let h = freshHealth(new Date().toISOString(), 'active');
	const kinds: string[] = [];
	const at = (minutes: number) =>
		new Date(Date.parse('2026-11-01T00:00:00Z') + minutes * 60_000).toISOString();
	const step = (c: HealthCheck) => {
		const next = decideAlerts(applyCheck(h, c, rules), c, ctx);
		h = next.health;
		kinds.push(...next.alerts.map((a) => a.kind));
		return next;
	};
	const failing = (m: number) =>
		check({at: at(m), health: 'failing', failure_class: 'upstream_key_quota_issue'});
	step(failing(0));
	for (let m = 15; m < 24 * 60; m += 15) step(failing(m));
	t.deepEqual(kinds, ['failing'], 'a day of failures: one alert');
	t.is(h.provider_status, 'broken');
	const reminder = step(failing(24 * 60));
	t.regex(reminder.alerts[0]!.message, /still failing since/);
	step(check({at: at(24 * 60 + 15)}));
	step(check({at: at(24 * 60 + 30)}));
	t.deepEqual(kinds, ['failing', 'failing', 'recovered']);
	t.is(h.provider_status, 'active');
	const low = (m: number, amount: number) =>
		check({at: at(m), balance: {amount, currency: 'CNY', source: 'deepseek /user/balance'}});
	step(low(3000, 5));
	step(low(3015, 4));
	t.is(h.provider_status, 'degraded', 'under the threshold: degraded');
	step(low(3030, 50));
	step(low(3045, 3));
	t.deepEqual(kinds, ['failing', 'failing', 'recovered', 'low_balance', 'low_balance']);
	// A skipped check (host unreachable from here) changes nothing.
	const before = h.provider_status;
	step(check({at: at(3060), health: 'skipped'}));
	t.is(h.provider_status, before);
	t.is(kinds.length, 5);
});

test('webhook bodies per format, and answers that are not deliveries', (t) => {
	const a: Alert = {
		batch_id: 'b1',
		host_id: 'h1',
		pack: 'kimi',
		kind: 'failing',
		message: 'kimi on sb is failing',
		at: 'now',
	};
	t.like(alertBody('generic', a), {
		kind: 'failing',
		batch_id: 'b1',
		pack: 'kimi',
		message: 'kimi on sb is failing',
	});
	t.deepEqual(alertBody('feishu', a), {
		msg_type: 'text',
		content: {text: '[crm] provider failing: kimi on sb is failing'},
	});
	t.deepEqual(alertBody('dingtalk', a), {
		msgtype: 'text',
		text: {content: '[crm] provider failing: kimi on sb is failing'},
	});
	t.deepEqual(alertBody('slack', a), {text: '[crm] provider failing: kimi on sb is failing'});
	t.is(deliveryProblem('feishu', 200, '{"code":0,"msg":"success"}'), null);
	t.regex(deliveryProblem('feishu', 200, '{"code":19021,"msg":"sign match fail"}')!, /code 19021/);
	t.regex(
		deliveryProblem('dingtalk', 200, '{"errcode":310000,"errmsg":"keywords not in content"}')!,
		/310000/,
	);
	t.regex(deliveryProblem('slack', 302, '')!, /redirect, which is never followed/);
	t.regex(deliveryProblem('generic', 500, '')!, /HTTP 500/);
});

test('the webhook URL: masked wherever it is shown; plain http only to this machine', (t) => {
	const url = 'https://oapi.dingtalk.com/robot/send?access_token=0123456789abcdef0123456789abcdef';
	const masked = maskWebhook(url);
	t.is(masked, 'https://oapi.dingtalk.com/…cdef');
	t.false(masked.includes('0123456789abcdef0123'));
	t.is(checkWebhookUrl(url), url);
	t.is(checkWebhookUrl('http://127.0.0.1:9/hook'), 'http://127.0.0.1:9/hook');
	t.throws(() => checkWebhookUrl('http://hooks.example.com/x'), {message: /plain http/});
	t.throws(() => checkWebhookUrl('ftp://example.com/x'), {message: /https/});
	t.throws(() => checkWebhookUrl('https://user:pw@example.com/x'), {message: /user name or password/});
});

function config(url: string): AlertsConfig {
	return {webhook_url: url, format: 'generic', min_balance: null, set_at: 'now'};
}

const alert = (kind: Alert['kind'] = 'failing'): Alert => ({
	batch_id: 'b1',
	host_id: 'h1',
	pack: 'deepseek',
	kind,
	message: 'deepseek on sb is failing',
	at: new Date().toISOString(),
});

test('delivery: retried with doubling backoff until it arrives, without the caller waiting', async (t) => {
	const hook = await receiver(t);
	hook.fail = 2;
	const dispatcher = new AlertDispatcher(config(hook.url), {backoffMs: 40, timeoutMs: 2000});
	const started = Date.now();
	const delivery = dispatcher.enqueue(alert())!;
	// enqueue returns at once: nothing has been answered yet, let alone retried.
	t.false(delivery.delivered);
	t.is(hook.received.length, 0);
	await dispatcher.drain(5000);
	t.true(delivery.delivered);
	t.is(delivery.attempts, 3);
	t.is(hook.attempts, 3);
	t.is(hook.received.length, 1);
	t.true(Date.now() - started >= 40 + 80, 'waited 40 ms, then 80 ms');
	t.deepEqual(dispatcher.close(), []);
});

test('delivery: a redirect is never followed; a slow webhook times out; attempts are bounded and kept', async (t) => {
	const target = await receiver(t);
	const hook = await receiver(t);
	hook.redirectTo = target.url;
	const redirected = new AlertDispatcher(config(hook.url), {backoffMs: 5, maxAttempts: 2, timeoutMs: 2000});
	const d = redirected.enqueue(alert())!;
	await redirected.drain(3000);
	t.false(d.delivered);
	t.is(d.attempts, 2);
	t.regex(d.last_error!, /redirect/);
	t.is(target.attempts, 0, 'the redirect target never hears from it');

	const slow = await receiver(t);
	slow.delayMs = 1500;
	const timed = new AlertDispatcher(config(slow.url), {backoffMs: 5000, maxAttempts: 3, timeoutMs: 200});
	const started = Date.now();
	const e = timed.enqueue(alert('low_balance'))!;
	await timed.drain(600);
	t.true(Date.now() - started < 1400, 'the drain is bounded');
	t.regex(e.last_error!, /no answer within 200 ms/);
	const kept = timed.close();
	t.is(kept.length, 1, 'undelivered: handed back for the next watch');
	t.like(kept[0], {kind: 'low_balance', attempts: 1});
	const none = new AlertDispatcher(null);
	t.is(none.enqueue(alert()), null);
	t.deepEqual(await none.sendNow(alert()), {delivered: false, error: 'no webhook is set (crm alerts set)'});
});
