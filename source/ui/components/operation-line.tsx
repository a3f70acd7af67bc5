// A one-line operation's outcome (keep, archive, re-probe, remove): working, its result, or its error.
import React from 'react';
import {Text} from './text.js';
import type {Operation} from '../hooks/use-operation.js';
import {color} from '../theme.js';
import {ErrorLine} from './error-line.js';

/** An operation's outcome as one line: working, its result, or its error. */
export function OperationLine({op}: {op: Operation<string>}) {
	if (op.phase === 'running') return <Text dimColor>working…</Text>;
	if (op.phase === 'done')
		return (
			<Text color={color.ok} wrap="wrap">
				✓ {op.result}
			</Text>
		);
	if (op.phase === 'error') return <ErrorLine error={op.error} />;
	return null;
}
