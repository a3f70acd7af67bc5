// `crm watch`, `crm health --batch` and `crm balance` (docs/cli.md "Health, balance, rotation"):
// checks print one line each on stderr; the result (a JSON document with --json) on stdout.
import {EXIT} from '../lib/errors.js';
import type {HealthCheck, RaisedAlert, WatchResult} from '../app/watch.js';
import {flagNumber, flagString, sessionFor, withRun, type CommandContext} from './context.js';
import {paint, printable, table} from './output.js';
import {amount} from '../app/reads.js';

function checkLine(c: HealthCheck): string {
	const word =
		c.health === 'ok'
			? paint('green', 'ok')
			: c.health === 'failing'
				? paint('red', 'failing')
				: paint('yellow', 'skipped');
	const latency = c.latency_ms === null ? '' : ` ${c.latency_ms}ms`;
	const balance = c.balance ? ` balance ${amount(c.balance.amount, c.balance.currency ?? undefined)}` : '';
	const cls = c.failure_class ? ` ${c.failure_class}` : '';
	const action = c.action ? ` [${c.action}]` : '';
	return `${c.at.slice(11, 19)} ${word}${cls} ${c.pack} ${c.batch_id}${latency}${balance}: ${printable(c.message, 200)}${action}`;
}

function alertLine(a: RaisedAlert): string {
	return `${paint('bold', `alert ${a.kind}`)} ${a.batch_id}: ${printable(a.message, 200)}${a.sent_to ? ` -> ${a.sent_to}` : ' (no webhook set: crm alerts set)'}`;
}

function humanPass(r: WatchResult): string {
	if (r.checks.length === 0) return 'no succeeded batch to watch';
	const rows = r.checks.map((c) => [
		c.batch_id,
		c.pack,
		c.health,
		c.failure_class,
		c.latency_ms,
		c.balance ? amount(c.balance.amount, c.balance.currency ?? undefined) : null,
	]);
	const lines = [table(['BATCH', 'PACK', 'HEALTH', 'CLASS', 'LATENCY MS', 'BALANCE'], rows)];
	for (const a of r.alerts)
		lines.push(
			`alert ${a.kind} ${a.batch_id}: ${a.delivered === true ? 'delivered' : a.delivered === false ? 'NOT delivered (kept for the next watch)' : 'not sent'}`,
		);
	return lines.join('\n');
}

export async function watchCommand(ctx: CommandContext): Promise<number> {
	const once = ctx.flags.once === true;
	const session = await sessionFor(ctx);
	const {watch, planWatch} = await import('../app/watch.js');
	const input = {
		host: flagString(ctx.flags, 'host'),
		once,
		intervalS: flagNumber(ctx.flags, 'intervalS'),
		brokenAfter: flagNumber(ctx.flags, 'brokenAfter'),
		perHostConcurrency: flagNumber(ctx.flags, 'concurrency'),
	};
	await planWatch(session, input);
	if (!once) ctx.out.note('watching; Ctrl-C stops after the checks under way');
	const result = await withRun(ctx, (run) =>
		watch(session, input, {
			...run,
			onCheck: (c) => ctx.out.note(checkLine(c)),
			onAlert: (a) => ctx.out.note(alertLine(a)),
			onNote: (m) => ctx.out.warn(m),
		}),
	);
	const doc = {
		checks: result.checks,
		alerts: result.alerts.map(({batch_id, kind, message, sent_to, delivered}) => ({
			batch_id,
			kind,
			message,
			sent_to,
			delivered,
		})),
	};
	ctx.out.result(doc, () => humanPass(result));
	if (!once) return EXIT.ok;
	return result.all_ok ? EXIT.ok : EXIT.failed;
}

export async function healthCommand(ctx: CommandContext): Promise<number> {
	const session = await sessionFor(ctx);
	const {batchHealth} = await import('../app/health.js');
	const result = await batchHealth(session, {batchId: flagString(ctx.flags, 'batch')});
	ctx.out.result(result, () =>
		result.checks.length === 0
			? `no health checks of ${result.batch_id} yet (crm watch --once checks every batch)`
			: table(
					['AT', 'HEALTH', 'CLASS', 'LATENCY MS', 'MESSAGE'],
					result.checks.map((c) => [c.at, c.health, c.failure_class, c.latency_ms, printable(c.message, 80)]),
				),
	);
	return EXIT.ok;
}

export async function balanceCommand(ctx: CommandContext): Promise<number> {
	const session = await sessionFor(ctx);
	const {balances} = await import('../app/balance.js');
	const result = await withRun(ctx, (run) => balances(session, {host: flagString(ctx.flags, 'host')}, run));
	ctx.out.result(result, () =>
		result.balances.length === 0
			? 'no succeeded batch'
			: table(
					['BATCH', 'PACK', 'BALANCE', 'SOURCE / REASON'],
					result.balances.map((b) => [
						b.batch_id,
						b.pack,
						b.amount === null ? null : amount(b.amount, b.currency ?? undefined),
						b.amount === null ? b.reason : b.source,
					]),
				),
	);
	return EXIT.ok;
}
