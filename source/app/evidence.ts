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

/** An evidence file as a screen shows it: its lines, every secret the process knows redacted. */
export interface EvidenceFileView {
	file: string;
	lines: string[];
	/** The file was longer than the part read. */
	cut: boolean;
}

const MAX_READ_BYTES = 1024 * 1024;

/**
 * Reads one evidence file for reading by hand (a batch's artifacts/, an acceptance run's folder).
 * Only a regular file under the data folder's artifacts/ or acceptance/ is read, never through a
 * symlink; its text is redacted like every other output (state.json's secrets are registered when
 * it is read). Reads only: no lock.
 */
export async function readEvidenceFile(session: Session, input: {file: string}): Promise<EvidenceFileView> {
	const [{lstatSync, openSync, readSync, closeSync}, path, {CrmError}, {redactText}, store] =
		await Promise.all([
			import('node:fs'),
			import('node:path'),
			import('../lib/errors.js'),
			import('../lib/secrets.js'),
			session.read(),
		]);
	const file = path.resolve(input.file);
	const roots = [path.dirname(store.paths.artifacts('x')), store.paths.acceptance];
	if (!roots.some((root) => file.startsWith(root + path.sep)))
		throw new CrmError('invalid_input', `${file} is not an evidence file of this data folder`, {
			field: 'file',
		});
	const st = lstatSync(file, {throwIfNoEntry: false});
	if (!st?.isFile()) throw new CrmError('not_found', `${file} is not a regular file (gone, or a link)`);
	const fd = openSync(file, 'r');
	try {
		const buffer = Buffer.alloc(Math.min(st.size, MAX_READ_BYTES));
		const read = readSync(fd, buffer, 0, buffer.length, 0);
		const text = redactText(buffer.subarray(0, read).toString('utf8'));
		return {file, lines: text.split(/\r?\n/), cut: st.size > MAX_READ_BYTES};
	} finally {
		closeSync(fd);
	}
}

/** The files of an acceptance run's evidence folder (names, sorted), or none when it is gone. */
export async function runEvidenceFiles(run: RunView): Promise<string[]> {
	const {readdirSync} = await import('node:fs');
	try {
		return readdirSync(run.evidence_dir, {withFileTypes: true})
			.filter((e) => e.isFile())
			.map((e) => e.name)
			.sort();
	} catch {
		return [];
	}
}
