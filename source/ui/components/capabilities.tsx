// A host's probed capabilities as yes/no marks (what the probe found, reads only).
import React from 'react';
import {Box} from 'ink';
import {Text} from './text.js';
import {color} from '../theme.js';

export function Capabilities({caps}: {caps: Record<string, unknown>}) {
	const flags = Object.entries(caps).filter(([, v]) => typeof v === 'boolean');
	const notes = Array.isArray(caps.notes) ? (caps.notes as unknown[]).map(String) : [];
	return (
		<Box flexDirection="column">
			<Box flexWrap="wrap" columnGap={2}>
				{flags.map(([k, v]) => (
					<Text key={k} color={v ? color.ok : undefined} dimColor={!v}>
						{v ? '✓' : '·'} {k}
					</Text>
				))}
			</Box>
			{notes.slice(0, 2).map((n) => (
				<Text key={n} dimColor wrap="truncate-end">
					note: {n}
				</Text>
			))}
		</Box>
	);
}
