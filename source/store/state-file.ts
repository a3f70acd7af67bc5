// Reading and writing the data folder's JSON files. A write is atomic (a temp file beside the target,
// then rename) and synchronous: the files are small or written in cached chunks, and a batch import
// writes dozens per row, where each asynchronous write's round trip through libuv's thread pool cost
// more than the write itself (docs/benchmarks.md, batch import scaling). A synchronous write also
// cannot interleave with another write of the same file. state.json is handed to the file as the
// encoder's cached byte chunks (writev), so a write at 10,000 batches neither joins nor re-encodes
// megabytes that did not change (state-codec.ts).
import {closeSync, openSync, renameSync, writeSync, writevSync} from 'node:fs';
import {readFile} from 'node:fs/promises';
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

/** Writes `chunks` to `file` atomically (temp file, then rename), mode 0600. */
export function writeFileAtomic(file: string, chunks: Buffer[] | string): void {
	const tmp = tempFileOf(file);
	const fd = openSync(tmp, 'w', 0o600);
	try {
		if (typeof chunks === 'string') {
			const bytes = Buffer.from(chunks);
			for (let done = 0; done < bytes.length;) done += writeSync(fd, bytes, done);
		} else {
			let left = chunks;
			while (left.length > 0) {
				// writev may write less than asked: continue from where it stopped.
				let written = writevSync(fd, left);
				const rest: Buffer[] = [];
				for (const chunk of left) {
					if (written >= chunk.length) written -= chunk.length;
					else {
						rest.push(written > 0 ? chunk.subarray(written) : chunk);
						written = 0;
					}
				}
				left = rest;
			}
		}
	} finally {
		closeSync(fd);
	}
	renameSync(tmp, file);
}
