// The line on top of every screen: the product, where you are, and an optional dim subtitle.
import React from 'react';
import {Box} from 'ink';
import {Text} from './text.js';
import {color} from '../theme.js';

export function Header({title, subtitle}: {title: string; subtitle?: string}) {
	return (
		<Box flexDirection="column" marginBottom={1}>
			<Text wrap="truncate-end">
				<Text bold color={color.title}>
					crm
				</Text>
				<Text dimColor> › </Text>
				<Text bold>{title}</Text>
			</Text>
			{subtitle ? (
				<Text dimColor wrap="truncate-middle">
					{subtitle}
				</Text>
			) : null}
		</Box>
	);
}
