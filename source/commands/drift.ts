// `crm reconcile`, `crm rollback`, `crm repair`, `crm smoke` and `crm adopt`.
import {CrmError, EXIT, invalidInput} from '../lib/errors.js';
import {runReconcile} from '../core/drift/reconcile.js';
import {planRollback, runRollback} from '../core/drift/rollback.js';
import {StateStore} from '../store/state-store.js';
import {flagString, seconds, sessionFor, type CommandContext} from './context.js';
import {complianceOperator} from './host-add.js';
import {abortOnSignals, timingFromFlags} from './import.js';
import {table} from './output.js';
import {printEvent} from './print-events.js';
import {totpFromFlags} from './secret-input.js';

/** `existing`: the command acts only on what is recorded, so an absent data folder is not created. */
export async function openLocked(
	ctx: CommandContext,
	command: string,
	existing = false,
): Promise<StateStore> {
	const store = await StateStore.open(ctx.dataDir, {
		lock: {command, waitMs: seconds(ctx.flags, 'lockWaitS', 'CRM_LOCK_WAIT_S', 0) * 1000, existing},
	});
	return store;
}

/** Everything the engine needs from flags; computed before the lock so bad flags exit 2, not 4. */
export function engineOptions(ctx: CommandContext) {
	return {
		sink: (e: Parameters<typeof printEvent>[1]) => printEvent(ctx.out, e),
		operator: {totp: totpFromFlags(ctx.flags), acceptCompliance: complianceOperator(ctx)},
		timing: timingFromFlags(ctx),
	};
}

export async function reconcileCommand(ctx: CommandContext): Promise<number> {
	const batchId = flagString(ctx.flags, 'batch');
	if (batchId === '') throw invalidInput('--batch', '--batch is empty: give a batch id (see crm batches)');
	if (batchId === undefined && flagString(ctx.flags, 'host') === undefined)
		throw invalidInput(
			'--host',
			'--host is required: a host id or name (see crm host list), or give --batch',
		);
	const options = engineOptions(ctx);
	const store = await openLocked(ctx, 'crm reconcile', true);
	const {signal, dispose} = abortOnSignals(ctx);
	try {
		let hostRef = flagString(ctx.flags, 'host');
		if (hostRef === undefined && batchId)
			hostRef = store.data.batches.find((b) => b.batch_id === batchId)?.host_id;
		const result = await runReconcile({store, hostRef, batchId, signal, ...options});
		ctx.out.result(result, () =>
			[
				`reconcile ${result.run_id}: ${result.reconcile_status}`,
				result.items.length
					? table(
							['STATE', 'TYPE', 'HOST ID', 'NAME', 'DETAIL'],
							result.items.map((i) => [i.state, i.resource_type, i.host_resource_id, i.name, i.detail]),
						)
					: 'no recorded resources on this host',
			].join('\n'),
		);
		return result.reconcile_status === 'in_sync' ? EXIT.ok : EXIT.drift;
	} finally {
		dispose();
		store.release();
	}
}

/** `--batch` given and not empty: checked before the data folder is touched. */
function requireBatch(ctx: CommandContext): string {
	const batchId = flagString(ctx.flags, 'batch');
	if (!batchId) throw invalidInput('--batch', '--batch is required (see crm batches)');
	return batchId;
}

export async function rollbackCommand(ctx: CommandContext): Promise<number> {
	const batchId = requireBatch(ctx);
	if (ctx.flags.dryRun) {
		// A dry run reads only: no lock, no host call.
		const store = await StateStore.open(ctx.dataDir);
		const plan = await planRollback(store, batchId);
		ctx.out.result(plan, () =>
			[
				`rollback plan for ${plan.batch_id} (dry run: nothing changes)`,
				table(
					['ACTION', 'TYPE', 'HOST ID', 'NAME', 'WHY'],
					plan.plan.map((p) => [p.action, p.resource_type, p.host_resource_id, p.name, p.reason]),
				),
			].join('\n'),
		);
		return EXIT.ok;
	}
	if (!ctx.flags.yes) {
		if (!process.stdin.isTTY) {
			throw new CrmError(
				'usage',
				'rollback deletes resources on the host: pass --yes to confirm (or --dry-run to see the plan)',
				{field: '--yes'},
			);
		}
		throw new CrmError(
			'usage',
			'confirm with --yes, or use the TUI (Drift & rollback) to confirm interactively',
			{field: '--yes'},
		);
	}
	const options = engineOptions(ctx);
	const store = await openLocked(ctx, 'crm rollback', true);
	const {signal, dispose} = abortOnSignals(ctx);
	try {
		const result = await runRollback({store, batchId, signal, force: ctx.flags.force === true, ...options});
		ctx.out.result(result, () =>
			[
				`rollback of ${result.batch_id}: ${result.batch_status}`,
				...result.deleted.map(
					(d) => `  deleted  ${d.resource_type} ${d.host_resource_id} ${d.name} (${d.detail})`,
				),
				...result.skipped.map(
					(d) => `  skipped  ${d.resource_type} ${d.host_resource_id} ${d.name}: ${d.detail}`,
				),
				...result.failed.map(
					(d) => `  FAILED   ${d.resource_type} ${d.host_resource_id} ${d.name}: ${d.detail}`,
				),
			].join('\n'),
		);
		return result.failed.length === 0 && result.batch_status === 'rolled_back' ? EXIT.ok : EXIT.failed;
	} finally {
		dispose();
		store.release();
	}
}

export async function repairCommand(ctx: CommandContext): Promise<number> {
	const batchId = requireBatch(ctx);
	const {runRepair} = await import('../core/drift/repair.js');
	const options = engineOptions(ctx);
	const store = await openLocked(ctx, 'crm repair', true);
	const {signal, dispose} = abortOnSignals(ctx);
	try {
		const result = await runRepair({store, batchId, signal, ...options});
		ctx.out.result(result, () =>
			[
				`repair of ${result.batch_id}: ${result.batch_status}, access ${result.access_status}`,
				...(result.repaired.length
					? result.repaired.map((r) => `  ${r.action} ${r.resource_type} ${r.host_resource_id} ${r.name}`)
					: ['  nothing needed recreating']),
			].join('\n'),
		);
		return result.batch_status === 'succeeded' ? EXIT.ok : EXIT.failed;
	} finally {
		dispose();
		store.release();
	}
}

export async function smokeCommand(ctx: CommandContext): Promise<number> {
	const batchId = requireBatch(ctx);
	const {runSmokeAgain} = await import('../core/drift/smoke-again.js');
	const {sink, timing} = engineOptions(ctx);
	const store = await openLocked(ctx, 'crm smoke', true);
	const {signal, dispose} = abortOnSignals(ctx);
	try {
		const result = await runSmokeAgain({
			store,
			batchId,
			sink,
			signal,
			timing,
		});
		ctx.out.result(
			result,
			() =>
				`smoke of ${result.batch_id} with ${result.smoke_model}: ${result.access_status}${result.completion_ok ? ` — "${result.completion_preview}"` : ''}`,
		);
		return result.access_status.endsWith('_ready') ? EXIT.ok : EXIT.failed;
	} finally {
		dispose();
		store.release();
	}
}

/** `crm adopt --batch B --type T --id ID [--yes]`: record a host resource as the batch's, once shown. */
export async function adoptCommand(ctx: CommandContext): Promise<number> {
	const {adoptResource, planAdopt} = await import('../app/adopt.js');
	const input = {
		batchId: flagString(ctx.flags, 'batch'),
		type: flagString(ctx.flags, 'type'),
		id: flagString(ctx.flags, 'id'),
	};
	planAdopt(input);
	const yes = ctx.flags.yes === true;
	if (!yes && !process.stdin.isTTY)
		throw new CrmError('usage', "adopt records a host resource as the batch's: pass --yes to confirm", {
			field: '--yes',
		});
	const session = await sessionFor(ctx, 'crm', engineOptions(ctx).operator);
	const {signal, dispose} = abortOnSignals(ctx);
	try {
		const result = await adoptResource(session, input, {
			signal,
			confirm: async (found) => {
				ctx.out.note(
					`${found.resource_type} ${found.host_resource_id} "${found.name}" on the host:\n${JSON.stringify(found.snapshot, null, 2)}`,
				);
				if (yes) return true;
				const {createInterface} = await import('node:readline/promises');
				const rl = createInterface({input: process.stdin, output: process.stderr});
				try {
					const answer = await rl.question(`record it as batch ${found.batch_id}'s? [y/N] `);
					return /^y(es)?$/i.test(answer.trim());
				} finally {
					rl.close();
				}
			},
		});
		ctx.out.result(result, () =>
			result.adopted
				? `${result.resource_type} ${result.host_resource_id} is now recorded as batch ${result.batch_id}'s${result.replaces_unknown ? ' (it resolves the unknown record)' : ''}`
				: 'not adopted; nothing changed',
		);
		return result.adopted ? EXIT.ok : EXIT.usage;
	} finally {
		dispose();
	}
}
