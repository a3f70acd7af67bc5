// Evidence retention (the seed's "final evidence vs archived trials"): list runs, keep one as final,
// archive every run not kept to DIR/acceptance/archive/<run_id>/, export a run as a .tar.gz.
import {randomBytes} from 'node:crypto';
import {
	constants,
	copyFileSync,
	createWriteStream,
	existsSync,
	linkSync,
	lstatSync,
	mkdirSync,
	readdirSync,
	readFileSync,
	renameSync,
	rmSync,
	statSync,
} from 'node:fs';
import path from 'node:path';
import {pipeline} from 'node:stream/promises';
// `tar` (isaacs/node-tar, the npm CLI's own) writes portable, gzip-compressed archives that every
// operator's `tar -xzf` reads; Node has no tar writer of its own, and a hand-rolled one would be a
// format bug waiting to happen in a hand-over artifact.
import {create as tarCreate, list as tarList} from 'tar';
import {CrmError, invalidInput} from '../../lib/errors.js';
import {knownSecrets, secretForms} from '../../lib/secrets.js';
import type {StateStore} from '../../store/state-store.js';
import {
	acceptanceRuns,
	archiveFolder,
	findRun,
	isArchived,
	mainFolder,
	markInterrupted,
	runDir,
	runView,
} from './runs.js';
import type {RunView} from './types.js';

/** Every run, newest first. Reads only. */
export function listRuns(store: StateStore): RunView[] {
	return [...acceptanceRuns(store.data)]
		.sort((a, b) => (a.started_at < b.started_at ? 1 : a.started_at > b.started_at ? -1 : 0))
		.map((r) => runView(store.paths, store.data, r));
}

const unfinished = (result: string) => result === 'running';

/** Marks a run final; an archived one moves back to the main folder. Needs the lock. */
export async function keepRun(store: StateStore, runId: string | undefined): Promise<RunView> {
	await markInterrupted(store);
	const run = findRun(store.data, runId);
	if (unfinished(run.result))
		throw new CrmError('operation_failed', `acceptance run ${run.run_id} is still running`);
	if (isArchived(run) || !existsSync(path.join(store.paths.dir, run.folder))) {
		const from = runDir(store.paths, run);
		const to = path.join(store.paths.dir, mainFolder(run.run_id));
		if (from !== to && existsSync(from)) {
			if (existsSync(to)) throw new CrmError('operation_failed', `${to} already exists; move it aside first`);
			mkdirSync(path.dirname(to), {recursive: true, mode: 0o700});
			renameSync(from, to);
		}
		run.folder = mainFolder(run.run_id);
	}
	run.final = true;
	await store.write();
	return runView(store.paths, store.data, run);
}

export interface ArchiveResult {
	archived: Array<{run_id: string; from: string; to: string}>;
	kept: string[];
	/** Runs whose folder is gone from disk (index updated, nothing moved). */
	missing: string[];
}

/** Moves every run not marked final into acceptance/archive/, updating the index. Needs the lock. */
export async function archiveRuns(store: StateStore): Promise<ArchiveResult> {
	await markInterrupted(store);
	const out: ArchiveResult = {archived: [], kept: [], missing: []};
	const archiveRoot = path.join(store.paths.dir, 'acceptance', 'archive');
	for (const run of acceptanceRuns(store.data)) {
		if (run.final) {
			out.kept.push(run.run_id);
			continue;
		}
		if (unfinished(run.result)) continue;
		const from = runDir(store.paths, run);
		const to = path.join(store.paths.dir, archiveFolder(run.run_id));
		if (from === to) {
			if (run.folder !== archiveFolder(run.run_id)) {
				run.folder = archiveFolder(run.run_id);
				await store.write();
			}
			continue;
		}
		if (!existsSync(from)) {
			out.missing.push(run.run_id);
			continue;
		}
		mkdirSync(archiveRoot, {recursive: true, mode: 0o700});
		if (existsSync(to)) throw new CrmError('operation_failed', `${to} already exists; move it aside first`);
		renameSync(from, to);
		run.folder = archiveFolder(run.run_id);
		// One write per move: an interruption leaves the index pointing where each folder really is.
		await store.write();
		out.archived.push({run_id: run.run_id, from, to});
	}
	return out;
}

function filesUnder(dir: string, base = dir): string[] {
	const out: string[] = [];
	for (const name of readdirSync(dir).sort()) {
		const full = path.join(dir, name);
		if (statSync(full).isDirectory()) for (const f of filesUnder(full, base)) out.push(f);
		else out.push(path.relative(base, full).split(path.sep).join('/'));
	}
	return out;
}

/** Throws when any file of the folder holds a secret state knows, in any encoding it could leak in. */
export function assertNoSecrets(dir: string, secrets: readonly string[]): void {
	const forms = secrets.filter((s) => s.length >= 6).flatMap((s) => secretForms(s));
	for (const file of filesUnder(dir)) {
		const text = readFileSync(path.join(dir, file), 'latin1');
		if (forms.some((f) => f.length >= 6 && text.includes(f)))
			throw new CrmError(
				'operation_failed',
				`refusing to export: ${file} holds a secret (it was written outside crm, or by an old build); remove it from the folder first`,
			);
	}
}

export interface ExportResult {
	run_id: string;
	out: string;
	bytes: number;
	/** Entries in the bundle, each under <run_id>/. */
	entries: string[];
}

/** Bundles a run's folder as FILE.tar.gz (entries under <run_id>/), after checking it holds no secret. */
export async function exportRun(
	store: StateStore,
	runId: string | undefined,
	outFile: string | undefined,
	options: {overwrite?: boolean} = {},
): Promise<ExportResult> {
	const run = findRun(store.data, runId);
	if (!outFile) throw invalidInput('--out', '--out FILE.tar.gz is required: where to write the bundle');
	if (!/\.(tar\.gz|tgz)$/.test(outFile))
		throw invalidInput('--out', '--out must name a .tar.gz (or .tgz) file');
	const out = path.resolve(outFile);
	checkOut(out, options.overwrite === true);
	const dir = runDir(store.paths, run);
	if (!existsSync(dir))
		throw new CrmError('operation_failed', `the folder of acceptance run ${run.run_id} is gone (${dir})`);
	if (unfinished(run.result) && store.locked)
		throw new CrmError('operation_failed', `acceptance run ${run.run_id} is still running`);
	assertNoSecrets(dir, knownSecrets()); // state.json's secrets are registered when it is read
	await writeBundle(dir, out, options.overwrite === true);
	const entries = await listBundle(out);
	return {run_id: run.run_id, out, bytes: statSync(out).size, entries};
}

/**
 * What may stand at --out: nothing, or (with --force) a regular file to replace. A symlink is
 * refused even with --force: writing through it would write wherever it points.
 */
function checkOut(out: string, overwrite: boolean): void {
	let st: ReturnType<typeof lstatSync> | undefined;
	try {
		st = lstatSync(out);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
			throw invalidInput('--out', `cannot use --out ${out} (${(error as NodeJS.ErrnoException).code})`);
	}
	if (st?.isSymbolicLink())
		throw invalidInput('--out', `${out} is a symlink; crm never writes through one: choose another name`);
	if (st && !st.isFile())
		throw invalidInput('--out', `${out} exists and is not a regular file; choose another name`);
	if (st && !overwrite)
		throw invalidInput('--out', `${out} already exists; choose another name or pass --force to replace it`);
	let folder: ReturnType<typeof statSync> | undefined;
	try {
		folder = statSync(path.dirname(out));
	} catch {
		/* reported below */
	}
	if (!folder?.isDirectory()) throw invalidInput('--out', `folder ${path.dirname(out)} does not exist`);
}

/**
 * Writes the bundle to a new temp file in --out's folder (opened exclusively: never an existing
 * file or a symlink), then puts it in place: a hard link, which fails if anything appeared at --out
 * meanwhile, or with --force a rename, which replaces the entry at --out itself (a symlink put
 * there is replaced, never followed). A failure leaves no partial bundle behind.
 */
async function writeBundle(dir: string, out: string, overwrite: boolean): Promise<void> {
	const tmp = path.join(
		path.dirname(out),
		`.${path.basename(out)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`,
	);
	try {
		// portable: no uid/gid/user names of this machine in the bundle. 0600: it is evidence.
		await pipeline(
			tarCreate({gzip: true, cwd: path.dirname(dir), portable: true}, [path.basename(dir)]),
			createWriteStream(tmp, {flags: 'wx', mode: 0o600}),
		);
		if (overwrite) {
			renameSync(tmp, out);
			return;
		}
		try {
			linkSync(tmp, out);
		} catch (error) {
			const code = (error as NodeJS.ErrnoException).code;
			if (code === 'EEXIST')
				throw invalidInput('--out', `${out} appeared while the bundle was written; choose another name`);
			// A file system without hard links: an exclusive copy (fails, never follows, if --out exists).
			if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EXDEV') throw error;
			copyFileSync(tmp, out, constants.COPYFILE_EXCL);
		}
	} finally {
		rmSync(tmp, {force: true});
	}
}

/** The file entries of a bundle (folders left out), as tar lists them. */
export async function listBundle(file: string): Promise<string[]> {
	const entries: string[] = [];
	await tarList({
		file,
		onReadEntry: (entry) => {
			if (entry.type === 'File') entries.push(entry.path);
		},
	});
	return entries.sort();
}

/** The files of a run folder as a bundle would name them. */
export function bundleNames(dir: string): string[] {
	const base = path.basename(dir);
	return filesUnder(dir)
		.map((f) => `${base}/${f}`)
		.sort();
}
