// Add a host: name, URL (validated as typed), the admin credential (an admin API key, or email and
// password) typed into masked fields, then a live probe (reads only) with a spinner, and the
// capabilities it found. The host may ask for its compliance acknowledgement or a TOTP code.
import React, {useState} from 'react';
import {Box} from 'ink';
import {Text} from '../components/text.js';
import {registerHost, type HostView} from '../../app/hosts.js';
import {useUIActions, useUIState} from '../context.js';
import {Busy} from '../components/busy.js';
import {Capabilities} from '../components/capabilities.js';
import {ErrorLine} from '../components/error-line.js';
import {Header} from '../components/header.js';
import {KeyHelp, type KeySpec} from '../components/key-help.js';
import {MaskedField, TextField} from '../components/masked-field.js';
import {SelectList} from '../components/select-list.js';
import {useOperation, type Operation} from '../hooks/use-operation.js';
import {useScreenKeys} from '../hooks/use-screen-keys.js';
import {progressTo} from '../steps.js';
import {color} from '../theme.js';
import {checkEmail, checkName, checkSecret, checkUrl} from '../validators.js';

type Field = 'name' | 'url' | 'key' | 'email' | 'password';
type Stage = Field | 'auth' | 'probe';
type Auth = 'admin_api_key' | 'login';
type Values = Record<Field, string>;

const PREVIOUS: Record<Stage, Stage | null> = {
	name: null,
	url: 'name',
	auth: 'url',
	key: 'auth',
	email: 'auth',
	password: 'email',
	probe: null,
};

/** Each typed field: its label, how it is drawn and checked, and the stage after it. */
const FIELDS: Record<
	Field,
	{
		label: string;
		mask?: boolean;
		placeholder?: string;
		note?: string;
		next: Stage;
		check: (v: string) => string | null;
	}
> = {
	name: {label: 'Name', placeholder: 'e.g. prod', next: 'url', check: (v) => checkName(v)},
	url: {
		label: 'Host URL',
		placeholder: 'https://sub2api.example.com',
		note: 'the panel root, not /api/v1',
		next: 'auth',
		check: (v) => checkUrl(v, 'the host URL'),
	},
	key: {
		label: 'Admin API key',
		mask: true,
		note: 'typed masked; kept only in the 0600 state file',
		next: 'probe',
		check: (v) => checkSecret(v, 'the admin API key'),
	},
	email: {label: 'Admin email', next: 'password', check: (v) => checkEmail(v.trim(), 'the admin email')},
	password: {
		label: 'Password',
		mask: true,
		note: 'typed masked; a TOTP code is asked for when the host wants one',
		next: 'probe',
		check: (v) => (v === '' ? 'the password is empty' : null),
	},
};

const TEXT_KEYS: KeySpec[] = [
	{keys: 'Enter', does: 'next'},
	{keys: 'Esc', does: 'back'},
];
const CHOICE_KEYS: KeySpec[] = [
	{keys: '↑ ↓', does: 'move'},
	{keys: 'Enter', does: 'choose'},
	{keys: 'Esc', does: 'back'},
];

export function HostAddScreen() {
	const {app, data} = useUIState();
	const actions = useUIActions();
	const [stage, setStage] = useState<Stage>('name');
	const [values, setValues] = useState<Values>({name: '', url: '', key: '', email: '', password: ''});
	const [auth, setAuth] = useState<Auth>('admin_api_key');
	const [progress, setProgress] = useState('');
	const op = useOperation<HostView>();
	const text = stage in FIELDS;
	const set = (field: Field, value: string) => setValues((v) => ({...v, [field]: value}));

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

	/** `typed` is the field just submitted (its state update may not have landed yet). */
	const probe = (typed: Partial<Values> = {}) => {
		const v = {...values, ...typed};
		setStage('probe');
		const credential =
			auth === 'admin_api_key'
				? {type: 'admin_api_key' as const, key: v.key.trim()}
				: {type: 'login' as const, email: v.email.trim(), password: v.password};
		op.start((signal) =>
			registerHost(
				app,
				{name: v.name.trim(), url: v.url.trim(), credential},
				{sink: progressTo(setProgress), signal},
			),
		);
	};
	const taken = (v: string) =>
		data?.hosts.some((h) => h.name === v.trim()) ? `a host named ${v.trim()} is already registered` : null;

	return (
		<Box flexDirection="column">
			<Header
				title="Hosts › Add a host"
				subtitle="the probe only reads; nothing is saved unless it succeeds"
			/>
			{stage !== 'name' ? <Text dimColor>name: {values.name.trim()}</Text> : null}
			{stage !== 'name' && stage !== 'url' ? (
				<Text dimColor wrap="truncate-end">
					url: {values.url.trim()}
				</Text>
			) : null}
			{text ? (
				<FieldStage
					field={stage as Field}
					value={values[stage as Field]}
					onChange={(v) => set(stage as Field, v)}
					extraCheck={stage === 'name' ? taken : undefined}
					onSubmit={(v) => {
						const next = FIELDS[stage as Field].next;
						if (next === 'probe') probe({[stage]: v});
						else setStage(next);
					}}
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
			{stage === 'probe' ? (
				<ProbeStage
					op={op}
					progress={progress}
					onRetry={() => probe()}
					onEdit={() => {
						// secrets are typed afresh, never shown back
						setValues((v) => ({...v, key: '', password: ''}));
						op.reset();
						setStage('url');
					}}
				/>
			) : null}
			<KeyHelp keys={text ? TEXT_KEYS : CHOICE_KEYS} typing={text} />
		</Box>
	);
}

function FieldStage({
	field,
	value,
	onChange,
	onSubmit,
	extraCheck,
}: {
	field: Field;
	value: string;
	onChange: (value: string) => void;
	onSubmit: (value: string) => void;
	extraCheck?: (value: string) => string | null;
}) {
	const spec = FIELDS[field];
	const props = {
		label: spec.label,
		value,
		onChange,
		onSubmit,
		validate: (v: string) => spec.check(v) ?? extraCheck?.(v) ?? null,
		placeholder: spec.placeholder,
		note: spec.note,
	};
	// One field per stage: a new key remounts it with that stage's value.
	return spec.mask ? <MaskedField key={field} {...props} /> : <TextField key={field} {...props} />;
}

function ProbeStage({
	op,
	progress,
	onRetry,
	onEdit,
}: {
	op: Operation<HostView>;
	progress: string;
	onRetry: () => void;
	onEdit: () => void;
}) {
	const actions = useUIActions();
	const done = op.phase === 'done' ? op.result : null;
	return (
		<Box flexDirection="column">
			{op.phase === 'running' ? <Busy text={progress || 'probing'} /> : null}
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
						onSelect={(v) =>
							v === 'import' ? actions.replace({id: 'import', hostId: done.host_id}) : actions.back()
						}
					/>
				</Box>
			) : null}
			{op.phase === 'error' ? (
				<Box flexDirection="column">
					<ErrorLine error={op.error} />
					<SelectList
						items={[
							{label: 'Change the URL or credential', value: 'edit'},
							{label: 'Try again', value: 'retry'},
							{label: 'Back to Hosts', value: 'back'},
						]}
						onSelect={(v) => (v === 'retry' ? onRetry() : v === 'edit' ? onEdit() : actions.back())}
					/>
				</Box>
			) : null}
		</Box>
	);
}
