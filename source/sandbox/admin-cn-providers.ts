// The CN-provider balance route some recent builds have (`/api/v1/admin/cn-providers`, as
// docs/domain.md "Health" describes): pay-as-you-go balance of native kimi/deepseek accounts only. An
// `openai` account (what this tool creates) is refused with a clear 400, as the host does.
import {adminRoute} from './auth.js';
import {fail, ok, parseId, type Router} from './http-util.js';
import type {SandboxState} from './state.js';

const PLATFORM_PACK: Record<string, string> = {kimi: 'kimi', deepseek: 'deepseek'};

export function registerCnProviderRoutes(router: Router, state: SandboxState): void {
	if (state.isOld) return;
	router.add(
		'GET',
		'/api/v1/admin/cn-providers/accounts/:id/balance',
		adminRoute(state, (ctx) => {
			const id = parseId(ctx, 'account');
			if (id === null) return;
			const account = state.liveAccount(id);
			if (!account) return fail(ctx, 404, 'Account not found', 'ACCOUNT_NOT_FOUND');
			if (account.platform === 'zhipu')
				return fail(ctx, 400, 'zhipu accounts have no pay-as-you-go balance', 'BALANCE_NOT_SUPPORTED');
			const pack = PLATFORM_PACK[account.platform];
			if (!pack)
				return fail(
					ctx,
					400,
					`account platform ${account.platform} is not a CN provider platform`,
					'NOT_CN_PROVIDER',
				);
			const balance = state.upstream.balances[pack] ?? 0;
			ok(ctx, {
				account_id: account.id,
				platform: account.platform,
				account_mode: 'payg',
				available_balance: balance,
				currency: 'CNY',
			});
		}),
	);
}
