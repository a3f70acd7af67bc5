// Maps `crm <command> [sub]` to the module that runs it; each module is imported only when used.
import {CrmError} from '../lib/errors.js';
import {checkDataDir} from '../app/data-folder.js';
import {checkCommonFlags, makeContext, type CommandContext, type Flags} from './context.js';

type Runner = (ctx: CommandContext) => Promise<number>;

const commands: Record<string, () => Promise<Runner>> = {
	packs: async () => (await import('./packs.js')).packsCommand,
	host: async () => (await import('./hosts.js')).hostCommand,
	sandbox: async () => (await import('./sandbox-cli.js')).sandboxCli,
	import: async () => (await import('./import.js')).importCommand,
	batches: async () => (await import('./batches.js')).batchesCommand,
	batch: async () => (await import('./batches.js')).batchCommand,
	status: async () => (await import('./batches.js')).statusCommand,
	reconcile: async () => (await import('./drift.js')).reconcileCommand,
	rollback: async () => (await import('./drift.js')).rollbackCommand,
	repair: async () => (await import('./drift.js')).repairCommand,
	smoke: async () => (await import('./drift.js')).smokeCommand,
	adopt: async () => (await import('./drift.js')).adoptCommand,
	'import-batch': async () => (await import('./import-batch.js')).importBatchCommand,
	accept: async () => (await import('./accept.js')).acceptCommand,
	evidence: async () => (await import('./evidence.js')).evidenceCommand,
	matrix: async () => (await import('./matrix.js')).matrixCommand,
	resources: async () => (await import('./resources.js')).resourcesCommand,
	residue: async () => (await import('./residue.js')).residueCommand,
	'batch-runs': async () => (await import('./batch-runs.js')).batchRunsCommand,
	'batch-run': async () => (await import('./batch-runs.js')).batchRunCommand,
	serve: async () => (await import('./serve.js')).serveCommand,
	watch: async () => (await import('./watch.js')).watchCommand,
	health: async () => (await import('./watch.js')).healthCommand,
	balance: async () => (await import('./watch.js')).balanceCommand,
	alerts: async () => (await import('./alerts.js')).alertsCommand,
	'rotate-key': async () => (await import('./rotate-key.js')).rotateKeyCommand,
	'keep-key': async () => (await import('./rotate-key.js')).keepKeyCommand,
};

export async function dispatch(command: string, args: string[], flags: Flags): Promise<number> {
	const ctx = makeContext(args, flags);
	const load = commands[command];
	if (!load) {
		return ctx.out.fail(new CrmError('usage', `unknown command "${command}"; see crm --help`));
	}
	try {
		checkCommonFlags(flags);
		// Every flag is checked before the data folder is touched; a --data crm cannot read is bad input.
		if (command !== 'packs' && command !== 'sandbox') checkDataDir(ctx.dataDir, {write: false});
		const run = await load();
		return await run(ctx);
	} catch (error) {
		return ctx.out.fail(error);
	}
}
