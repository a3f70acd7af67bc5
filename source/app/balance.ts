// Provider balances (docs/cli.md `crm balance`): for every succeeded batch, the provider's own balance
// route with the kept key; without a kept key, the host's cn-providers route where the host has it
// and the provider is one it covers; otherwise null with the reason. Reads only: no lock.
import {HostError} from '../host/errors.js';
import {hostClientFor} from '../core/hosts/access.js';
import {resolveHost} from '../core/hosts/lookup.js';
import {KeyedLimiter} from '../core/health/scheduler.js';
import {ownAccount} from '../core/health/account-actions.js';
import {watchTargets, type WatchTarget} from '../core/health/targets.js';
import type {StateStore} from '../store/state-store.js';
import {hasBalanceApi, noBalanceReason, readBalance, type BalanceReading} from '../upstream/balance.js';
import type {Run, Session} from './session.js';

export interface BalanceRow {
	batch_id: string;
	pack: string;
	amount: number | null;
	currency: string | null;
	source: string | null;
	reason: string | null;
	at: string;
}

/** Packs the host's cn-providers balance route covers (docs/domain.md "Health"). */
const HOST_ROUTE_PACKS = new Set(['deepseek', 'kimi']);

export async function balances(
	session: Session,
	input: {host?: string},
	run: Run,
): Promise<{balances: BalanceRow[]}> {
	const store = await session.read();
	const hostId = input.host === undefined ? null : resolveHost(store.data, input.host).host_id;
	const targets = watchTargets(store.data, {hostId});
	const limiter = new KeyedLimiter(4);
	const rows = await Promise.all(
		targets.map((t) =>
			limiter.run(t.host.host_id, () => balanceOf(session, store, t, run.signal), run.signal),
		),
	);
	return {balances: rows};
}

async function balanceOf(
	session: Session,
	store: StateStore,
	t: WatchTarget,
	signal: AbortSignal,
): Promise<BalanceRow> {
	const key = store.data.batch_secrets[t.batch.batch_id]?.provider_key ?? null;
	const row = (r: BalanceReading): BalanceRow => ({
		batch_id: t.batch.batch_id,
		pack: t.batch.pack,
		...r,
		at: new Date().toISOString(),
	});
	if (!hasBalanceApi(t.batch.pack))
		return row({amount: null, currency: null, source: null, reason: noBalanceReason(t.batch.pack)});
	if (key)
		return row(
			await readBalance({
				pack: t.batch.pack,
				baseUrl: t.batch.base_url,
				apiKey: key,
				timeoutMs: session.timing.requestTimeoutMs,
				signal,
			}),
		);
	const notKept = 'the provider key is not kept (import with --keep-key, or crm keep-key)';
	if (!HOST_ROUTE_PACKS.has(t.batch.pack))
		return row({amount: null, currency: null, source: null, reason: notKept});
	return row(await fromHost(session, store, t, signal, notKept));
}

/** The host's own route: only native CN-platform accounts; an `openai` account is refused by it. */
async function fromHost(
	session: Session,
	store: StateStore,
	t: WatchTarget,
	signal: AbortSignal,
	notKept: string,
): Promise<BalanceReading> {
	const source = 'host /api/v1/admin/cn-providers/accounts/:id/balance';
	const file = await store.readBatch(t.batch.batch_id);
	const account = file ? ownAccount(file) : null;
	if (!account) return {amount: null, currency: null, source: null, reason: notKept};
	const client = hostClientFor(t.host, {signal, timeoutMs: session.timing.requestTimeoutMs, retries: 0});
	try {
		const data = (await client.cnProviderBalance(account.host_resource_id)) as Record<string, unknown> | null;
		const amount = [data?.available_balance, data?.balance, data?.total_balance].find(
			(v) => typeof v === 'number',
		);
		if (typeof amount !== 'number')
			return {
				amount: null,
				currency: null,
				source,
				reason: `${notKept}; the host's balance answer holds no amount`,
			};
		return {
			amount,
			currency: typeof data?.currency === 'string' ? data.currency : null,
			source,
			reason: null,
		};
	} catch (error) {
		if (!(error instanceof HostError)) throw error;
		const why =
			error.kind === 'not_found' && error.code !== 'ACCOUNT_NOT_FOUND'
				? 'the host has no cn-providers balance route'
				: `the host's cn-providers route answered: ${error.message}`;
		return {amount: null, currency: null, source: null, reason: `${notKept}; ${why}`};
	}
}
