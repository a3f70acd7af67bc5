// A spinner with what is happening now (a probe, the sandbox starting), for work shown as one line.
import React from 'react';
import {Text} from './text.js';
import Spinner from 'ink-spinner';
import {color} from '../theme.js';

export function Busy({text}: {text: string}) {
	return (
		<Text>
			<Text color={color.accent}>
				<Spinner type="dots" />
			</Text>{' '}
			{text}…
		</Text>
	);
}
