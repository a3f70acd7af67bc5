// The resource index: which batch recorded each host resource (`host|type|id` -> batch id), used by
// reconcile (is a resource named like ours known?) and rollback (does another batch still use it?).
// It is derived from the batch files, so it lives beside them (batches/resource-index.jsonl) instead
// of in state.json: an append-only journal of `[key, batch_id]` lines, one small append per confirmed
// resource. A later line wins; a torn last line (a kill mid-append) is skipped. When the journal is
// missing while batches hold resources (a folder from before it existed, or the file was removed),
// it is rebuilt from the batch files. No secret is ever in it.
import {appendFileSync, existsSync, readFileSync, renameSync, writeFileSync} from 'node:fs';
import {appendFile} from 'node:fs/promises';
import path from 'node:path';

export type ResourceKey = string;

/** Lines beyond twice the live entries (plus this slack) are compacted away when the lock is held. */
const COMPACT_SLACK = 1000;

export class ResourceIndex {
	private map: Map<ResourceKey, string> | null = null;
	private lines = 0;
	/** Lines not yet appended: written together before the next batch or state write (flush). */
	private buffered = '';

	constructor(
		readonly file: string,
		/** Rebuilds the entries from the batch files (called when the journal is missing). */
		private readonly rebuild: () => Map<ResourceKey, string>,
		/** Whether this process may write (holds the data folder's lock). */
		private readonly writable: () => boolean,
	) {}

	static fileIn(batchesDir: string): string {
		return path.join(batchesDir, 'resource-index.jsonl');
	}

	/** Entries known before the journal can be written (a migration read without the lock). */
	preload(entries: Map<ResourceKey, string>): void {
		this.map = new Map(entries);
		this.lines = 0;
	}

	private load(): Map<ResourceKey, string> {
		if (this.map) return this.map;
		if (!existsSync(this.file)) {
			this.map = this.rebuild();
			if (this.writable() && this.map.size > 0) this.rewrite(this.map);
			return this.map;
		}
		const map = new Map<ResourceKey, string>();
		let lines = 0;
		for (const line of readFileSync(this.file, 'utf8').split('\n')) {
			if (line === '') continue;
			lines += 1;
			try {
				const entry = JSON.parse(line) as unknown;
				if (Array.isArray(entry) && typeof entry[0] === 'string' && typeof entry[1] === 'string')
					map.set(entry[0], entry[1]);
			} catch {
				// a torn last line: the batch file still holds the record; recovery re-adds it
			}
		}
		this.map = map;
		this.lines = lines;
		if (this.writable() && lines > 2 * map.size + COMPACT_SLACK) this.rewrite(map);
		return map;
	}

	/** The batch that recorded this resource, or undefined. */
	owner(key: ResourceKey): string | undefined {
		return this.load().get(key);
	}

	/** Every entry (a copy). */
	entries(): Map<ResourceKey, string> {
		return new Map(this.load());
	}

	/** Records that `batchId` holds the resource: a line appended at the next flush(). */
	set(key: ResourceKey, batchId: string): void {
		if (!this.writable()) throw new Error('resource index write without the lock');
		// No journal yet: build it first (from the batch files, or the entries a migration preloaded).
		if (!existsSync(this.file)) {
			const map = this.load();
			if (map.size > 0 && !existsSync(this.file)) this.rewrite(map);
		}
		if (this.map?.get(key) === batchId) return;
		this.buffered += `${JSON.stringify([key, batchId])}\n`;
		this.map?.set(key, batchId);
		this.lines += 1;
	}

	/**
	 * Appends the buffered lines (one write). The store calls it before every batch-file and state
	 * write and when it lets the lock go, so a batch file never says `created` before the index knows.
	 */
	flush(): void {
		if (!this.buffered) return;
		const text = this.buffered;
		this.buffered = '';
		appendFileSync(this.file, text, {mode: 0o600});
	}

	/** flush() off the main thread; appends run one after another, in order. */
	flushAsync(): Promise<void> {
		if (this.buffered) {
			const text = this.buffered;
			this.buffered = '';
			this.appending = this.appending.then(() => appendFile(this.file, text, {mode: 0o600}));
		}
		return this.appending;
	}

	private appending: Promise<void> = Promise.resolve();

	/** Writes the whole journal (temp file + rename): a migration, a rebuild, a compaction. */
	rewrite(entries: Map<ResourceKey, string>): void {
		this.buffered = '';
		const tmp = `${this.file}.tmp`;
		let text = '';
		for (const [key, batchId] of entries) text += `${JSON.stringify([key, batchId])}\n`;
		writeFileSync(tmp, text, {mode: 0o600});
		renameSync(tmp, this.file);
		this.map = new Map(entries);
		this.lines = entries.size;
	}
}
