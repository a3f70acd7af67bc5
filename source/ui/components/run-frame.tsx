// The frame of a screen that runs one operation (reconcile, roll back, repair): its header, the
// running steps, the error if it failed, the result, then the choices once it has finished.
import React, {type ReactNode} from 'react';
import {Box} from 'ink';
import {useUIState} from '../context.js';
import type {RunState} from '../hooks/use-run.js';
import {useScreenKeys} from '../hooks/use-screen-keys.js';
import {ErrorLine} from './error-line.js';
import {Header} from './header.js';
import {KeyHelp, LIST_KEYS} from './key-help.js';
import {SelectList} from './select-list.js';
import {StepList} from './step-list.js';
import type {Words} from './word-legend.js';

export function RunFrame<T, C extends string>({
	title,
	subtitle,
	run,
	choices,
	onChoose,
	onBack,
	onHome,
	children,
	words,
}: {
	title: string;
	subtitle?: string;
	run: RunState<T>;
	/** Offered once the run has finished (Home and Back when not given). */
	choices?: Array<{label: string; value: C}>;
	onChoose?: (choice: C) => void;
	/** Esc once finished, and the Back choice. */
	onBack: () => void;
	/** The Home choice, when the choices are Home and Back. */
	onHome?: () => void;
	/** The result (drawn when there is one). */
	children: (result: T) => ReactNode;
	/** The status words the result shows (explained in the `?` help). */
	words?: (result: T) => Words;
}) {
	const {stopping} = useUIState();
	const {steps, op, finished} = run;
	useScreenKeys({list: finished, onBack: finished ? onBack : undefined});
	return (
		<Box flexDirection="column">
			<Header title={title} subtitle={subtitle} />
			<StepList running={steps.running} stopping={stopping} />
			{op.phase === 'error' ? <ErrorLine error={op.error} /> : null}
			{op.result ? children(op.result) : null}
			{finished ? (
				<Box marginTop={1}>
					{choices && onChoose ? (
						<SelectList items={choices} onSelect={onChoose} />
					) : (
						<SelectList
							items={HOME_BACK}
							onSelect={(v) => (v === 'home' ? (onHome ?? onBack)() : onBack())}
						/>
					)}
				</Box>
			) : null}
			<KeyHelp keys={finished ? LIST_KEYS : []} words={op.result && words ? words(op.result) : []} />
		</Box>
	);
}

const HOME_BACK = [
	{label: 'Home', value: 'home'},
	{label: 'Back', value: 'back'},
];
