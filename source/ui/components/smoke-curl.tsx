// The finished import's smoke as a ready-to-paste `curl` (source/app smokeCurl): the user key masked
// until the operator asks to see it (then let through the screen's redaction, ui/reveal.ts, until it
// is hidden again or the view closes). Without a kept user key, a placeholder stands in its place.
import React, {useEffect, useRef, useState} from 'react';
import {Box} from 'ink';
import {smokeCurl} from '../../app/smoke-curl.js';
import {useUIState} from '../context.js';
import {reveal} from '../reveal.js';
import {useRead} from '../hooks/use-read.js';
import {SelectList} from './select-list.js';
import {Text} from './text.js';
import {color} from '../theme.js';

export function SmokeCurl({
	batchId,
	model,
	onClose,
}: {
	batchId: string;
	model: string | null;
	onClose: () => void;
}) {
	const {app} = useUIState();
	const [shown, setShown] = useState(false);
	const read = useRead(
		() => smokeCurl(app, {batch: batchId, model, reveal: shown}),
		[app, batchId, model, shown],
	);
	const curl = read?.value;
	// The key reaches the screen only while it is shown (registered when asked, before the read that
	// puts it in the command is drawn); hidden again when asked or when this view goes.
	const hide = useRef<(() => void) | null>(null);
	useEffect(() => () => hide.current?.(), []);
	const toggle = () => {
		hide.current?.();
		hide.current = null;
		if (!shown && curl?.secret) hide.current = reveal(curl.secret);
		setShown((s) => !s);
	};
	if (!curl) return <Text dimColor>writing the curl…</Text>;
	return (
		<Box flexDirection="column" marginTop={1}>
			<Text bold>The smoke by hand (paste it into a shell):</Text>
			{curl.command.split('\n').map((line) => (
				<Text key={line} wrap="wrap">
					{line}
				</Text>
			))}
			{curl.key_kept ? (
				<Text dimColor wrap="wrap">
					{shown
						? 'the key is shown: hide it before anyone looks over your shoulder'
						: 'the user key is masked; Show the key puts it in the command'}
				</Text>
			) : (
				<Text color={color.warn} wrap="wrap">
					this batch keeps no user key (rolled back, or it never got one): put the user key in CRM_USER_KEY
				</Text>
			)}
			<SelectList
				items={[
					...(curl.key_kept ? [{label: shown ? 'Hide the key' : 'Show the key', value: 'toggle'}] : []),
					{label: 'Close', value: 'close'},
				]}
				onSelect={(v) => (v === 'toggle' ? toggle() : onClose())}
			/>
		</Box>
	);
}
