// `crm alerts set|show|test` (docs/cli.md): the webhook URL comes from an environment variable
// (--webhook-url-env VAR), never a flag value, and is only ever shown masked.
import {CrmError, EXIT, invalidInput} from '../lib/errors.js';
import {registerSecret} from '../lib/secrets.js';
import type {AlertsView} from '../app/alerts.js';
import {flagNumber, flagString, sessionFor, type CommandContext} from './context.js';

function humanView(v: AlertsView): string {
	if (!v.webhook)
		return 'no webhook set: crm alerts set --webhook-url-env VAR [--format generic|feishu|dingtalk|slack]';
	return [
		`webhook      ${v.webhook} (${v.format})`,
		`min balance  ${v.min_balance ?? 'none'} (in each provider's own currency)`,
		`set at       ${v.set_at}`,
		`undelivered  ${v.undelivered}`,
	].join('\n');
}

function webhookFromEnv(ctx: CommandContext): string {
	const name = flagString(ctx.flags, 'webhookUrlEnv');
	if (name === undefined)
		throw invalidInput(
			'--webhook-url-env',
			'the webhook URL is required: --webhook-url-env VAR naming a variable that holds it',
		);
	if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
		throw invalidInput('--webhook-url-env', '--webhook-url-env takes the NAME of an environment variable');
	const value = process.env[name];
	if (!value)
		throw invalidInput(
			'--webhook-url-env',
			`environment variable ${name} (from --webhook-url-env) is not set or empty`,
		);
	return value;
}

export async function alertsCommand(ctx: CommandContext): Promise<number> {
	const [sub] = ctx.args;
	const app = await import('../app/alerts.js');
	switch (sub) {
		case 'set': {
			const webhookUrl = webhookFromEnv(ctx);
			registerSecret(webhookUrl);
			const input = {
				webhookUrl,
				format: flagString(ctx.flags, 'format'),
				minBalance: flagNumber(ctx.flags, 'minBalance') ?? null,
			};
			app.checkAlertsInput(input);
			const session = await sessionFor(ctx);
			const view = await app.setAlerts(session, input);
			ctx.out.result(view, () => humanView(view));
			return EXIT.ok;
		}
		case 'show': {
			const session = await sessionFor(ctx);
			const view = await app.showAlerts(session);
			ctx.out.result(view, () => humanView(view));
			return EXIT.ok;
		}
		case 'test': {
			const session = await sessionFor(ctx);
			const result = await app.testAlert(session);
			ctx.out.result(result, () =>
				result.delivered
					? `test alert delivered to ${result.sent_to}`
					: `test alert NOT delivered${result.sent_to ? ` to ${result.sent_to}` : ''}: ${result.error}`,
			);
			return result.delivered ? EXIT.ok : EXIT.failed;
		}
		default:
			throw new CrmError('usage', 'use one of: crm alerts set --webhook-url-env VAR | show | test');
	}
}
