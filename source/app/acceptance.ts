// Acceptance runs (docs/cli.md `crm accept`): a fresh-host proof that a normal user can call the
// provider in each asked access mode, with a numbered evidence folder; and the validation matrix.
import type {AcceptAccess, AcceptancePhase, AcceptanceResult, MatrixRow} from '../core/acceptance/types.js';
import type {ImportPlan} from '../core/import/plan.js';
import type {AccessMode} from '../core/packs/packs.js';
import {validateAcceptAccess} from '../core/acceptance/access.js';
import type {Run, Session} from './session.js';

export type {AcceptAccess, AcceptancePhase, AcceptanceResult, MatrixRow};

export interface AcceptInput {
	/** A host id or name. */
	host: string | undefined;
	pack: string | undefined;
	url?: string;
	/** The provider key (never stored; redacted everywhere). */
	key: string | undefined;
	/** self_service, subscription or both (the default). */
	access?: string;
	smokeModel?: string;
}

export type AcceptRun = Run & {
	onPhase?: (phase: AcceptancePhase) => void;
	/** Once the run's evidence folder exists. */
	onRun?: (runId: string, evidenceDir: string) => void;
	onBatch?: (batchId: string, mode: AccessMode) => void;
};

const core = () => import('../core/acceptance/run-acceptance.js');

/** The access modes a run imports, in order (subscription first when both); `access` checked. */
export {modesFor as acceptanceModes} from '../core/acceptance/access.js';
export {validateAcceptAccess};

function coreInput(input: AcceptInput) {
	return {
		hostRef: input.host,
		pack: input.pack,
		url: input.url,
		key: input.key,
		access: input.access,
		smokeModel: input.smokeModel,
	};
}

/**
 * Checks a run's input as the run will (each mode's import, forced) without the lock or the network:
 * the first mode's plan, with the modes. Bad input: CrmError naming the field (exit 2).
 */
export async function planAcceptance(
	session: Session,
	input: AcceptInput,
): Promise<ImportPlan & {access: AcceptAccess; modes: AccessMode[]}> {
	const [store, {checkAcceptance}, {withPlan}] = await Promise.all([
		session.read(),
		core(),
		import('../core/import/plan.js'),
	]);
	const checked = checkAcceptance(store, await session.loadPacks(), coreInput(input));
	return {...withPlan(checked.inputs[0]!), access: checked.access, modes: checked.modes};
}

export async function accept(
	session: Session,
	input: AcceptInput,
	run: AcceptRun,
): Promise<AcceptanceResult> {
	validateAcceptAccess(input.access); // a bad access mode is refused before the lock is taken
	const {runAcceptance} = await core();
	const packs = await session.loadPacks();
	return session.withLock('accept', (store) =>
		runAcceptance({
			store,
			packs,
			...coreInput(input),
			sink: run.sink,
			signal: run.signal,
			operator: session.operator,
			timing: session.timing,
			onPhase: run.onPhase,
			onRun: run.onRun,
			onBatch: run.onBatch,
		}),
	);
}

export interface Matrix {
	rows: MatrixRow[];
	/** Per host, the packs with no acceptance verdict there yet. */
	unvalidated: Array<{host_id: string; host: string; packs: string[]}>;
}

/** The provider validation matrix: the latest verdict per host, pack and endpoint. Reads only. */
export async function validationMatrix(session: Session): Promise<Matrix> {
	const [store, {matrixRows, unvalidatedPacks}] = await Promise.all([
		session.read(),
		import('../core/acceptance/matrix.js'),
	]);
	const rows = matrixRows(store.data, store.paths, await session.loadPacks());
	const hosts = store.data.hosts;
	const unvalidated = unvalidatedPacks(
		rows,
		hosts.map((h) => h.host_id),
		(await session.loadPacks()).packs.map((p) => p.id),
	).map((u) => ({...u, host: hosts.find((h) => h.host_id === u.host_id)?.name ?? u.host_id}));
	return {rows, unvalidated};
}
