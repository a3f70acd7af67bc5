// What a host may need from the operator mid-operation: its compliance acknowledgement (phrase and
// document link; accept or cancel) or a TOTP code (masked) for a 2FA login or a step-up.
import React, {useState} from 'react';
import {Box} from 'ink';
import {Text} from './text.js';
import type {Prompt} from '../context.js';
import {PromptCancelled} from '../context.js';
import {useKeys} from '../hooks/use-keys.js';
import {MaskedField} from './masked-field.js';
import {SelectList} from './select-list.js';
import {color} from '../theme.js';

function ComplianceBox({prompt}: {prompt: Extract<Prompt, {kind: 'compliance'}>}) {
	const {info} = prompt;
	useKeys((_input, key) => {
		if (key.escape) prompt.resolve(false);
	});
	return (
		<Box flexDirection="column" borderStyle="round" borderColor={color.warn} paddingX={1}>
			<Text bold color={color.warn}>
				The host asks for the administrator compliance acknowledgement
			</Text>
			{info.phrase_en ? <Text>Phrase: “{info.phrase_en}”</Text> : null}
			{info.phrase_zh ? <Text>短语: “{info.phrase_zh}”</Text> : null}
			{info.document_url_en ? <Text>Document: {info.document_url_en}</Text> : null}
			{info.document_url_zh && info.document_url_zh !== info.document_url_en ? (
				<Text>文档: {info.document_url_zh}</Text>
			) : null}
			{info.version ? <Text dimColor>version {info.version}</Text> : null}
			<Text dimColor>Read the document; accepting sends the phrase to the host in your name.</Text>
			<SelectList
				items={[
					{label: 'Cancel (nothing is accepted)', value: false},
					{label: 'I have read it: accept', value: true},
				]}
				onSelect={(accepted) => prompt.resolve(accepted)}
				promptLayer
			/>
		</Box>
	);
}

function TotpBox({prompt}: {prompt: Extract<Prompt, {kind: 'totp'}>}) {
	const [code, setCode] = useState('');
	useKeys((_input, key) => {
		if (key.escape) prompt.reject(new PromptCancelled('the TOTP code'));
	});
	return (
		<Box flexDirection="column" borderStyle="round" borderColor={color.warn} paddingX={1}>
			<Text bold color={color.warn}>
				The host asks for a TOTP code (two-factor login or step-up)
			</Text>
			<MaskedField
				label="TOTP code"
				value={code}
				onChange={setCode}
				onSubmit={(v) => prompt.resolve(v)}
				validate={(v) => (/^\d{6}$/.test(v) ? null : 'the current 6-digit code from your authenticator')}
				promptLayer
				oneTime
				note="Enter sends it · Esc cancels · the code is used once and never stored"
			/>
		</Box>
	);
}

export function OperatorPrompt({prompt}: {prompt: Prompt}) {
	return prompt.kind === 'compliance' ? <ComplianceBox prompt={prompt} /> : <TotpBox prompt={prompt} />;
}
