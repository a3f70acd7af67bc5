// What the status words on a screen mean (docs/domain.md "Statuses"), one dim line each, from the one
// table in source/core that the CLI uses too: under a result, or for the highlighted row of a list.
// The `?` key help lists the same words (KeyHelp `words`).
import React from 'react';
import {Box} from 'ink';
import {Text} from './text.js';
import {legend, type WordKind} from '../../app/reads.js';

export type Words = Array<[WordKind, string | null | undefined]>;

export function WordLegend({words, max = 3}: {words: Words; max?: number}) {
	const lines = legend(words).slice(0, Math.max(0, max));
	if (lines.length === 0) return null;
	return (
		<Box flexDirection="column">
			{lines.map((l) => (
				<Text key={`${l.kind}:${l.word}`} dimColor wrap="truncate-end">
					{'  '}
					{l.word}: {l.means}
				</Text>
			))}
		</Box>
	);
}
