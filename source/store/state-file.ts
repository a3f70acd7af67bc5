// Reading and writing the data folder's JSON files. A write is atomic: the new content goes to a
// temp file beside the target, which is then renamed over it. Writes run off the main thread: on a
// busy disk creating and renaming files takes milliseconds (ext4 flushes a file's blocks when it
// replaces another), which a batch import's other rows must not wait for (docs/benchmarks.md, batch
// import scaling). Writes to one file are queued as steno (lowdb's writer) queues them: while one is
// under way only the newest next content is kept, made when its write starts. state.json is handed
// to the file as the encoder's cached byte chunks (writev), so a write at 10,000 batches neither
// joins nor re-encodes megabytes that did not change (state-codec.ts).
import {closeSync, openSync, renameSync, writeSync, writevSync} from 'node:fs';
import {open, readFile, rename} from 'node:fs/promises';
import path from 'node:path';

/** The temp file a write goes through; a kill can leave it behind (removed when the lock is taken). */
export function tempFileOf(file: string): string {
	return path.join(path.dirname(file), `.${path.basename(file)}.tmp`);
}

/** The parsed file, or null when there is none. JSON errors are thrown as they are. */
export async function readStateFile(file: string): Promise<unknown> {
	let text: string;
	try {
		text = await readFile(file, 'utf8');
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
		throw error;
	}
	return JSON.parse(text) as unknown;
}

export type Content = Buffer[] | string;

/** What is left of `chunks` after `written` bytes of them went out (writev may write less). */
function rest(chunks: Buffer[], written: number): Buffer[] {
	const left: Buffer[] = [];
	for (const chunk of chunks) {
		if (written >= chunk.length) written -= chunk.length;
		else {
			left.push(written > 0 ? chunk.subarray(written) : chunk);
			written = 0;
		}
	}
	return left;
}

/** Writes `content` to `file`'s temp file (mode 0600), off the main thread, to be renamed over it. */
async function writeTemp(file: string, content: Content): Promise<string> {
	const tmp = tempFileOf(file);
	const handle = await open(tmp, 'w', 0o600);
	try {
		let left = typeof content === 'string' ? [Buffer.from(content)] : content;
		while (left.length > 0) left = rest(left, (await handle.writev(left)).bytesWritten);
	} finally {
		await handle.close();
	}
	return tmp;
}

/** Writes `content` to `file`'s temp file (mode 0600) on the main thread. */
function writeTempSync(file: string, chunks: Content): string {
	const tmp = tempFileOf(file);
	const fd = openSync(tmp, 'w', 0o600);
	try {
		if (typeof chunks === 'string') {
			const bytes = Buffer.from(chunks);
			for (let done = 0; done < bytes.length;) done += writeSync(fd, bytes, done);
		} else {
			let left = chunks;
			while (left.length > 0) left = rest(left, writevSync(fd, left));
		}
	} finally {
		closeSync(fd);
	}
	return tmp;
}

/** Writes `file` atomically, entirely on the main thread (a store letting its lock go). */
export function writeFileAtomicSync(file: string, content: Content): void {
	renameSync(writeTempSync(file, content), file);
}

/** Gives a write's content when the write starts (it may first do what must land before it). */
export type MakeContent = () => Content | Promise<Content>;

interface Queued {
	make: MakeContent;
	waiters: Array<[() => void, (error: unknown) => void]>;
}

/** One file's writes: at most one under way, and the newest content of those that came meanwhile. */
class AtomicFile {
	private running: Promise<void> | null = null;
	private queued: Queued | null = null;

	constructor(
		readonly file: string,
		private readonly onIdle: () => void,
	) {}

	write(make: MakeContent): Promise<void> {
		if (!this.running) {
			this.running = this.run(make);
			return this.running;
		}
		return new Promise<void>((resolve, reject) => {
			if (this.queued) {
				this.queued.make = make;
				this.queued.waiters.push([resolve, reject]);
			} else this.queued = {make, waiters: [[resolve, reject]]};
		});
	}

	get busy(): boolean {
		return this.running !== null;
	}

	/** Resolves when no write of this file is under way (failures are the writers' to report). */
	async settled(): Promise<void> {
		while (this.running) await this.running.catch(() => {});
	}

	private async run(make: MakeContent): Promise<void> {
		try {
			await rename(await writeTemp(this.file, await make()), this.file);
		} finally {
			const queued = this.queued;
			this.queued = null;
			if (queued) {
				const next = this.run(queued.make);
				this.running = next;
				next.then(
					() => queued.waiters.forEach(([resolve]) => resolve()),
					(error: unknown) => queued.waiters.forEach(([, reject]) => reject(error)),
				);
			} else {
				this.running = null;
				this.onIdle();
			}
		}
	}
}

const files = new Map<string, AtomicFile>();

/**
 * Writes `file` atomically; `make` gives the content when the write starts (a write queued behind
 * another takes the newest). Resolves once the file holds it.
 */
export function writeFileAtomic(file: string, make: MakeContent): Promise<void> {
	let entry = files.get(file);
	if (!entry) {
		const made: AtomicFile = new AtomicFile(file, () => {
			if (files.get(file) === made && !made.busy) files.delete(file);
		});
		files.set(file, made);
		entry = made;
	}
	return entry.write(make);
}

/**
 * Resolves once no atomic write of this process under `dir` is under way (null when none is): a store lets
 * its lock go only after its writes landed, so the next holder never reads a file still being replaced.
 */
export function writesSettled(dir: string): Promise<void> | null {
	const inside = dir.endsWith(path.sep) ? dir : dir + path.sep;
	const busy = [...files.values()].filter((entry) => entry.busy && entry.file.startsWith(inside));
	if (busy.length === 0) return null;
	return Promise.all(busy.map((entry) => entry.settled())).then(() => undefined);
}
