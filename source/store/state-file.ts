// Reading and writing state.json. A write is atomic (a temp file beside it, then rename) and writes
// are queued so that only the newest state is written after the one under way, as steno (lowdb's
// writer, still used for the batch files) does. steno takes one string; this writer hands the file
// the encoder's cached byte chunks as they are (writev), so a write at 10,000 batches neither joins
// nor re-encodes megabytes that did not change (state-codec.ts).
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

async function writeAtomic(file: string, chunks: Buffer[]): Promise<void> {
	const tmp = tempFileOf(file);
	const handle = await open(tmp, 'w', 0o600);
	try {
		let left = chunks;
		while (left.length > 0) {
			// writev may write less than asked: continue from where it stopped.
			let {bytesWritten} = await handle.writev(left);
			const rest: Buffer[] = [];
			for (const chunk of left) {
				if (bytesWritten >= chunk.length) bytesWritten -= chunk.length;
				else {
					rest.push(bytesWritten > 0 ? chunk.subarray(bytesWritten) : chunk);
					bytesWritten = 0;
				}
			}
			left = rest;
		}
	} finally {
		await handle.close();
	}
	await rename(tmp, file);
}

/** One writer per file: concurrent write() calls collapse into the newest state. */
export class StateFileWriter {
	private running: Promise<void> | null = null;
	private next: {make: () => Buffer[]; waiters: Array<[() => void, (e: unknown) => void]>} | null = null;

	constructor(readonly file: string) {}

	/** `make` is called when the write starts, so a queued write serialises the newest state. */
	write(make: () => Buffer[]): Promise<void> {
		if (!this.running) {
			this.running = this.run(make);
			return this.running;
		}
		return new Promise<void>((resolve, reject) => {
			if (this.next) {
				this.next.make = make;
				this.next.waiters.push([resolve, reject]);
			} else this.next = {make, waiters: [[resolve, reject]]};
		});
	}

	private async run(make: () => Buffer[]): Promise<void> {
		try {
			await writeAtomic(this.file, make());
		} finally {
			const queued = this.next;
			this.next = null;
			const following = queued ? this.run(queued.make) : null;
			this.running = following;
			if (queued && following) {
				following.then(
					() => queued.waiters.forEach(([resolve]) => resolve()),
					(error: unknown) => queued.waiters.forEach(([, reject]) => reject(error)),
				);
			}
		}
	}
}
