// The TUI's one Text: Ink's, with every string it draws made safe first. A host's or an upstream's
// strings (names, error messages, model ids, replies) lose their terminal control characters, and every
// secret the process knows (lib/secrets) is redacted, whichever screen draws them (docs/domain.md).
// Screens import Text from here, never from ink, so nothing on screen can escape this.
import React from 'react';
import {Text as InkText, type TextProps} from 'ink';
import {safeText} from '../../lib/safe-text.js';
import {redactText} from '../../lib/secrets.js';

/** What a terminal may show of a string: control characters stripped first, then secrets redacted. */
export function screenText(text: string): string {
	return redactText(safeText(text));
}

function clean(node: React.ReactNode): React.ReactNode {
	if (typeof node === 'string') return screenText(node);
	if (Array.isArray(node)) return node.map(clean);
	return node;
}

export function Text({children, ...props}: TextProps) {
	return <InkText {...props}>{clean(children)}</InkText>;
}
