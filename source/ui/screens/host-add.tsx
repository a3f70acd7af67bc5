// Add a host: name, URL (validated as typed), the admin credential (an admin API key, or email and
// password) typed into masked fields, then a live probe (reads only) with a spinner, and the
// capabilities it found. The host may ask for its compliance acknowledgement or a TOTP code.
import React, {useState} from 'react';
import {Box} from 'ink';
import {Text} from '../components/text.js';
import Spinner from 'ink-spinner';
import type {HostRecord} from '../../store/schema.js';
import {useUIActions, useUIState} from '../context.js';
import {addHost, errorText} from '../engine.js';
import {Capabilities} from '../components/capabilities.js';
import {Header} from '../components/header.js';
import {KeyHelp} from '../components/key-help.js';
import {MaskedField, TextField} from '../components/masked-field.js';
import {SelectList} from '../components/select-list.js';
import {useOperation} from '../hooks/use-operation.js';
import {useScreenKeys} from '../hooks/use-screen-keys.js';
import {color} from '../theme.js';
import {checkEmail, checkName, checkSecret, checkUrl} from '../validators.js';

type Stage = 'name' | 'url' | 'auth' | 'key' | 'email' | 'password' | 'probe';
type Auth = 'admin_api_key' | 'login';

const PREVIOUS: Record<Stage, Stage | null> = {
	name: null,
	url: 'name',
	auth: 'url',
	key: 'auth',
	email: 'auth',
	password: 'email',
	probe: null,
};

export function HostAddScreen({then}: {then?: 'import'}) {
	const {config, data} = useUIState();
	const actions = useUIActions();
	const [stage, setStage] = useState<Stage>('name');
	const [name, setName] = useState('');
	const [url, setUrl] = useState('');
	const [auth, setAuth] = useState<Auth>('admin_api_key');
	const [key, setKey] = useState('');
	const [email, setEmail] = useState('');
	const [password, setPassword] = useState('');
	const [progress, setProgress] = useState('');
	const op = useOperation<HostRecord>();
	const text = ['name', 'url', 'key', 'email', 'password'].includes(stage);

	useScreenKeys({
		text,
		list: stage === 'auth',
		isActive: op.phase !== 'running',
		onBack: () => {
			if (stage === 'probe') {
				op.reset();
				setStage(auth === 'login' ? 'password' : 'key');
				return;
			}
			const prev = PREVIOUS[stage];
			if (prev) setStage(prev);
			else actions.back();
		},
	});

	const nameCheck = (v: string) =>
		checkName(v) ??
		(data?.hosts.some((h) => h.name === v.trim()) ? `a host named ${v.trim()} is already registered` : null);

	/** `typed` is the field just submitted (its state update may not have landed yet). */
	const probe = (typed: {key?: string; password?: string} = {}) => {
		const adminKey = (typed.key ?? key).trim();
		const adminPassword = typed.password ?? password;
		setStage('probe');
		op.start((signal) =>
			addHost(
				config,
				{
					name: name.trim(),
					url: url.trim(),
					credential:
						auth === 'admin_api_key'
							? {type: 'admin_api_key', key: adminKey}
							: {type: 'login', email: email.trim(), password: adminPassword},
				},
				actions.operator,
				setProgress,
				signal,
			),
		);
	};

	const done = op.phase === 'done' && op.result;
	return (
		<Box flexDirection="column">
			<Header
				title="Hosts › Add a host"
				subtitle="the probe only reads; nothing is saved unless it succeeds"
			/>
			{stage !== 'name' ? <Text dimColor>name: {name.trim()}</Text> : null}
			{stage !== 'name' && stage !== 'url' ? (
				<Text dimColor wrap="truncate-end">
					url: {url.trim()}
				</Text>
			) : null}
			{stage === 'name' ? (
				<TextField
					label="Name"
					value={name}
					onChange={setName}
					onSubmit={() => setStage('url')}
					validate={nameCheck}
					placeholder="e.g. prod"
				/>
			) : null}
			{stage === 'url' ? (
				<TextField
					label="Host URL"
					value={url}
					onChange={setUrl}
					onSubmit={() => setStage('auth')}
					validate={(v) => checkUrl(v, 'the host URL')}
					placeholder="https://sub2api.example.com"
					note="the panel root, not /api/v1"
				/>
			) : null}
			{stage === 'auth' ? (
				<Box flexDirection="column">
					<Text bold>Admin credential:</Text>
					<SelectList
						items={[
							{label: 'Admin API key', value: 'admin_api_key' as Auth},
							{label: 'Admin email and password (2FA and step-up hosts need this)', value: 'login' as Auth},
						]}
						initialIndex={auth === 'login' ? 1 : 0}
						onSelect={(v) => {
							setAuth(v);
							setStage(v === 'login' ? 'email' : 'key');
						}}
					/>
				</Box>
			) : null}
			{stage === 'key' ? (
				<MaskedField
					label="Admin API key"
					value={key}
					onChange={setKey}
					onSubmit={(v) => probe({key: v})}
					validate={(v) => checkSecret(v, 'the admin API key')}
					note="typed masked; kept only in the 0600 state file"
				/>
			) : null}
			{stage === 'email' ? (
				<TextField
					label="Admin email"
					value={email}
					onChange={setEmail}
					onSubmit={() => setStage('password')}
					validate={(v) => checkEmail(v.trim(), 'the admin email')}
				/>
			) : null}
			{stage === 'password' ? (
				<MaskedField
					label="Password"
					value={password}
					onChange={setPassword}
					onSubmit={(v) => probe({password: v})}
					validate={(v) => (v === '' ? 'the password is empty' : null)}
					note="typed masked; a TOTP code is asked for when the host wants one"
				/>
			) : null}
			{stage === 'probe' ? (
				<Box flexDirection="column">
					{op.phase === 'running' ? (
						<Text>
							<Text color={color.accent}>
								<Spinner type="dots" />
							</Text>{' '}
							{progress || 'probing'}…
						</Text>
					) : null}
					{done ? (
						<Box flexDirection="column">
							<Text color={color.ok}>
								✓ Registered {done.name} ({done.host_id}): sub2api {done.version ?? 'version unknown'}
							</Text>
							<Capabilities caps={done.capabilities} />
							{done.capabilities.chat_completions ? null : (
								<Text color={color.warn}>
									! this host has no /v1/chat/completions; imports will end as host_compatibility_gap
								</Text>
							)}
							<SelectList
								items={[
									{label: 'Import a provider into it', value: 'import'},
									{label: 'Back to Hosts', value: 'back'},
								]}
								initialIndex={then === 'import' ? 0 : 0}
								onSelect={(v) =>
									v === 'import' ? actions.replace({id: 'import', hostId: done.host_id}) : actions.back()
								}
							/>
						</Box>
					) : null}
					{op.phase === 'error' ? (
						<Box flexDirection="column">
							<Text color={color.fail} wrap="wrap">
								✗ {errorText(op.error)}
							</Text>
							<SelectList
								items={[
									{label: 'Change the URL or credential', value: 'edit'},
									{label: 'Try again', value: 'retry'},
									{label: 'Back to Hosts', value: 'back'},
								]}
								onSelect={(v) => {
									if (v === 'retry') probe();
									else if (v === 'edit') {
										// secrets are typed afresh, never shown back
										setKey('');
										setPassword('');
										op.reset();
										setStage('url');
									} else actions.back();
								}}
							/>
						</Box>
					) : null}
				</Box>
			) : null}
			<KeyHelp
				keys={
					text
						? [
								{keys: 'Enter', does: 'next'},
								{keys: 'Esc', does: 'back'},
							]
						: [
								{keys: '↑ ↓', does: 'move'},
								{keys: 'Enter', does: 'choose'},
								{keys: 'Esc', does: 'back'},
							]
				}
				typing={text}
			/>
		</Box>
	);
}
