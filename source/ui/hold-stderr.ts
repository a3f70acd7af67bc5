// While the TUI is on the screen, what anything else writes to stderr (a library's message, a Node
// warning) would land in the middle of Ink's frame. It is held instead, and written out (redacted,
// as every byte this process prints) once the TUI has left the screen. Bounded: past 64 KiB only
// the count of what was left out is kept.
import {redactText} from '../lib/secrets.js';

const MAX_HELD = 64 * 1024;

export interface HeldStderr {
	/** Restores the stream's write and writes out what was held. */
	release: () => void;
	/** What was held so far (for tests). */
	held: () => string;
}

export function holdStderr(stream: NodeJS.WriteStream = process.stderr): HeldStderr {
	const original = stream.write;
	let held = '';
	let dropped = 0;
	const hold = (chunk: unknown, ...rest: unknown[]): boolean => {
		const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8');
		if (held.length + text.length <= MAX_HELD) held += text;
		else dropped += text.length;
		const callback = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
		callback?.();
		return true;
	};
	stream.write = hold as typeof stream.write;
	let released = false;
	return {
		held: () => held,
		release: () => {
			if (released) return;
			released = true;
			stream.write = original;
			if (held) stream.write(redactText(held));
			if (dropped)
				stream.write(`crm: ${dropped} more bytes written to stderr while the TUI ran were left out\n`);
		},
	};
}
