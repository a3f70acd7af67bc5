// Acceptance evidence retention (docs/cli.md `crm evidence`): list the runs, keep one as final,
// archive every run not kept, export a run as a hand-over bundle, and what each file holds.
import type {ArchiveResult, ExportResult} from '../core/acceptance/retention.js';
import type {RunView} from '../core/acceptance/types.js';
import type {Session} from './session.js';

export type {ArchiveResult, ExportResult, RunView};

const retention = () => import('../core/acceptance/retention.js');

/** Every acceptance run, newest first (reads only). */
export async function listEvidence(session: Session): Promise<RunView[]> {
	const [store, {listRuns}] = await Promise.all([session.read(), retention()]);
	return listRuns(store);
}

/** Marks a run final; an archived one moves back to the main folder. */
export async function keepEvidence(session: Session, input: {run: string | undefined}): Promise<RunView> {
	const {keepRun} = await retention();
	return session.withRecords('evidence keep', (store) => keepRun(store, input.run));
}

/** Moves every run not kept to acceptance/archive/. */
export async function archiveEvidence(
	session: Session,
): Promise<ArchiveResult & {archive_dir: string; main_dir: string}> {
	const {archiveRuns} = await retention();
	return session.withRecords('evidence archive', async (store) => ({
		...(await archiveRuns(store)),
		archive_dir: store.paths.acceptanceArchive,
		main_dir: store.paths.acceptance,
	}));
}

/** Bundles a run as FILE.tar.gz, refused when a file holds a secret. Reads state only: no lock. */
export async function exportEvidence(
	session: Session,
	input: {run: string | undefined; out: string | undefined; overwrite?: boolean},
): Promise<ExportResult> {
	const [store, {exportRun}] = await Promise.all([session.read(), retention()]);
	return exportRun(store, input.run, input.out, {overwrite: input.overwrite === true});
}

/** What each file of a run's evidence folder holds (the run README's guide). */
export async function evidenceGuide(): Promise<Array<[string, string]>> {
	return (await import('../core/acceptance/files.js')).FILE_GUIDE;
}
