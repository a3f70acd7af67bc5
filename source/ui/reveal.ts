// A secret the operator asked to see (the finished import's `curl`, docs/domain.md "Secrets have
// one home"): while it is shown, the screen's redaction (components/text.tsx, and the stdout Ink
// writes to, run.tsx) lets that one value through; every other secret is still redacted. Hiding it
// again (or leaving the screen) ends the exception. Nothing else (files, logs, the CLI) uses this.

const shown = new Set<string>();

/** Lets `secret` reach the screen until the returned function is called. */
export function reveal(secret: string): () => void {
	shown.add(secret);
	return () => {
		shown.delete(secret);
	};
}

/** `text` redacted with `redact`, except where a shown secret stands. */
export function revealing(text: string, redact: (text: string) => string): string {
	for (const secret of shown) {
		if (text.includes(secret))
			return text
				.split(secret)
				.map((part) => revealing(part, redact))
				.join(secret);
	}
	return redact(text);
}
