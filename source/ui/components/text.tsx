// The TUI's one Text: Ink's, with every string it draws made safe first. A host's or an upstream's
// strings (names, error messages, model ids, replies) lose their terminal control characters, and every
// secret the process knows (lib/secrets) is redacted, whichever screen draws them (docs/domain.md);
// and a message written for both views says a CLI flag in the TUI's words (ui/words.ts).
// Screens import Text from here, never from ink, so nothing on screen can escape this.
import React from 'react';
import {Text as InkText, type TextProps} from 'ink';
import {safeText} from '../../lib/safe-text.js';
import {redactText} from '../../lib/secrets.js';
import {tuiWords} from '../words.js';
import {revealing} from '../reveal.js';

/** What a terminal may show of a string: control characters stripped, flags in words, secrets redacted. */
export function screenText(text: string): string {
	return revealing(tuiWords(safeText(text)), redactText);
}

function clean(node: React.ReactNode): React.ReactNode {
	if (typeof node === 'string') return screenText(node);
	if (Array.isArray(node)) return node.map(clean);
	return node;
}

export function Text({children, ...props}: TextProps) {
	return <InkText {...props}>{clean(children)}</InkText>;
}
