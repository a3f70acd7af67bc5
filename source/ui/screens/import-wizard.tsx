// Import a provider, in this order: host, pack (its models and smoke model), URL (prefilled from the
// pack, validated as typed), key (masked), access mode, then the plan. From the plan, an optional
// step chooses the smoke model (the pack default, another of its models, or a typed id). Esc goes
// back one stage at every stage before the plan is confirmed; after that the run screen takes over.
import React, {useEffect, useMemo, useState} from 'react';
import {Box} from 'ink';
import {Text} from '../components/text.js';
import type {Pack} from '../../core/packs/packs.js';
import {useUIActions, useUIState} from '../context.js';
import {errorField, errorText, planImport, type ImportPlanInput, type ImportRequest} from '../engine.js';
import {Header} from '../components/header.js';
import {KeyHelp, LIST_KEYS, type KeySpec} from '../components/key-help.js';
import {MaskedField, TextField} from '../components/masked-field.js';
import {SelectList} from '../components/select-list.js';
import {SmokeModelField, SmokeModelList, smokeModelLabel} from '../components/smoke-model.js';
import {cell} from '../components/table.js';
import {useScreenKeys} from '../hooks/use-screen-keys.js';
import {color} from '../theme.js';
import {checkKey, checkUrl} from '../validators.js';
import {ImportRun} from './import-run.js';

type Stage = 'host' | 'pack' | 'url' | 'key' | 'access' | 'plan' | 'smoke' | 'smoke-name' | 'run';
type Access = 'self_service' | 'subscription';

const ORDER: Stage[] = ['host', 'pack', 'url', 'key', 'access', 'plan'];
const KEY_FIELD = 'the key field';

/** Which stage fixes the field a preflight error names. */
function stageOfField(field: string | null): Stage | null {
	switch (field) {
		case '--host':
			return 'host';
		case '--pack':
			return 'pack';
		case '--url':
			return 'url';
		case KEY_FIELD:
			return 'key';
		case '--access':
			return 'access';
		case '--smoke-model':
			return 'smoke';
		default:
			return null;
	}
}

const TEXT_KEYS: KeySpec[] = [
	{keys: 'Enter', does: 'next'},
	{keys: 'Esc', does: 'back'},
];

export function ImportWizard({hostId: initialHost}: {hostId?: string}) {
	const {config, data, sandbox} = useUIState();
	const actions = useUIActions();
	const packs = config.packs.packs;
	const [stage, setStage] = useState<Stage>(initialHost ? 'pack' : 'host');
	const [hostId, setHostId] = useState<string | undefined>(initialHost);
	const [packId, setPackId] = useState<string | undefined>();
	const [highlighted, setHighlighted] = useState<string | undefined>(packs[0]?.id);
	const [url, setUrl] = useState('');
	const [key, setKey] = useState('');
	const [keyNote, setKeyNote] = useState<string | undefined>();
	const [access, setAccess] = useState<Access>('subscription');
	const [smokeModel, setSmokeModel] = useState<string | undefined>();
	const [force, setForce] = useState(false);
	const [plan, setPlan] = useState<{input: ImportPlanInput | null; error: unknown; for: string} | null>(null);
	const [runId, setRunId] = useState(0);

	const host = data?.hosts.find((h) => h.host_id === hostId);
	const pack = packs.find((p) => p.id === packId);
	const onSandbox = Boolean(sandbox && host && sandbox.hostId === host.host_id);

	const request = useMemo<ImportRequest>(
		() => ({
			host: hostId,
			pack: packId,
			url: url.trim(),
			key,
			keySource: KEY_FIELD,
			access,
			smokeModel,
			force,
		}),
		[hostId, packId, url, key, access, smokeModel, force],
	);
	const planKey = JSON.stringify({...request, key: key.length});

	useEffect(() => {
		if (stage !== 'plan') return;
		let live = true;
		planImport(config, request).then(
			(input) => live && setPlan({input, error: null, for: planKey}),
			(error: unknown) => live && setPlan({input: null, error, for: planKey}),
		);
		return () => {
			live = false;
		};
	}, [stage, config, request, planKey]);

	const back = () => {
		if (stage === 'run') return;
		if (stage === 'smoke') return setStage('plan');
		if (stage === 'smoke-name') return setStage('smoke');
		const i = ORDER.indexOf(stage);
		if (i <= 0 || (stage === 'pack' && initialHost && !data?.hosts.length)) actions.back();
		else setStage(ORDER[i - 1]!);
	};
	const text = stage === 'url' || stage === 'key' || stage === 'smoke-name';
	useScreenKeys({
		text,
		list: stage === 'host' || stage === 'pack' || stage === 'smoke',
		onBack: stage === 'run' ? undefined : back,
	});

	const choosePack = (p: Pack) => {
		if (p.id !== packId) {
			const upstream = onSandbox ? sandbox?.handle.info.upstreams[p.id] : undefined;
			setUrl(upstream?.base_url ?? p.base_url ?? '');
			setKey(upstream?.api_key ?? '');
			setKeyNote(upstream ? 'sandbox key filled in (the fake upstream accepts it)' : undefined);
			setAccess(p.access_mode);
			setSmokeModel(undefined);
			setForce(false);
		}
		setPackId(p.id);
		setStage('url');
	};

	if (stage === 'run' && host && pack) {
		return (
			<ImportRun
				key={runId}
				request={request}
				hostName={host.name}
				packId={pack.id}
				onAgain={() => {
					setForce(false);
					setRunId((n) => n + 1);
					setStage('host');
				}}
			/>
		);
	}

	const summary = (
		<Box flexDirection="column">
			{host && stage !== 'host' ? (
				<Text dimColor wrap="truncate-end">
					host: {host.name} ({host.url})
				</Text>
			) : null}
			{pack && (ORDER.indexOf(stage) > 1 || stage.startsWith('smoke')) ? (
				<Text dimColor wrap="truncate-end">
					pack: {pack.id} · smoke {smokeModelLabel(pack, smokeModel)}
				</Text>
			) : null}
			{ORDER.indexOf(stage) > 2 || stage.startsWith('smoke') ? (
				<Text dimColor wrap="truncate-end">
					url: {url.trim()}
				</Text>
			) : null}
			{ORDER.indexOf(stage) > 3 || stage.startsWith('smoke') ? (
				<Text dimColor>key: {'*'.repeat(Math.min(key.length, 12))}</Text>
			) : null}
		</Box>
	);

	const highlightedPack = packs.find((p) => p.id === highlighted);
	const step =
		stage === 'smoke' || stage === 'smoke-name'
			? 'optional step'
			: `step ${ORDER.indexOf(stage) + 1} of ${ORDER.length}`;
	const pickSmoke = (model: string | undefined) => {
		setSmokeModel(model);
		setPlan(null);
		setStage('plan');
	};
	return (
		<Box flexDirection="column">
			<Header title={`Import a provider › ${stage === 'smoke-name' ? 'smoke' : stage}`} subtitle={step} />
			{summary}
			{stage === 'host' ? (
				<Box flexDirection="column">
					<Text bold>Into which host?</Text>
					<SelectList
						items={[
							...(data?.hosts ?? []).map((h) => ({
								key: h.host_id,
								label: `${cell(h.name, 14)} ${cell(h.version ?? '?', 8)} ${h.url}`,
								value: h.host_id,
							})),
							{key: '+add', label: '+ Add a host', value: '+add'},
						]}
						initialIndex={Math.max(
							0,
							(data?.hosts ?? []).findIndex((h) => h.host_id === hostId),
						)}
						onSelect={(v) => {
							if (v === '+add') return actions.push({id: 'host-add', then: 'import'});
							setHostId(v);
							setStage('pack');
						}}
					/>
				</Box>
			) : null}
			{stage === 'pack' ? (
				<Box flexDirection="column">
					<Text bold>Which provider pack?</Text>
					<SelectList
						items={packs.map((p) => ({key: p.id, label: `${cell(p.id, 10)} ${p.name}`, value: p}))}
						initialIndex={Math.max(
							0,
							packs.findIndex((p) => p.id === (packId ?? highlighted)),
						)}
						limit={8}
						onHighlight={(p) => setHighlighted(p.id)}
						onSelect={choosePack}
					/>
					{highlightedPack ? (
						<Box flexDirection="column" marginTop={1}>
							<Text wrap="truncate-end">
								models: {highlightedPack.models.map((m) => m.id).join(', ') || 'taken from the relay'}
							</Text>
							<Text wrap="truncate-end">
								smoke model: {highlightedPack.smoke_test_model ?? 'picked from what the upstream offers'} ·
								access: {highlightedPack.access_mode}
							</Text>
							<Text dimColor wrap="truncate-end">
								url: {highlightedPack.base_url ?? 'you give the relay’s base URL'}
							</Text>
						</Box>
					) : null}
					{config.packs.problems.length > 0 ? (
						<Text color={color.warn}>
							! {config.packs.problems.length} pack file(s) skipped (see crm packs)
						</Text>
					) : null}
				</Box>
			) : null}
			{stage === 'url' ? (
				<TextField
					label="Provider base URL"
					value={url}
					onChange={setUrl}
					onSubmit={() => setStage('key')}
					validate={(v) => checkUrl(v, 'the URL')}
					placeholder={pack?.base_url ?? 'https://relay.example.com/v1'}
					note={
						onSandbox
							? 'the sandbox’s fake upstream for this pack'
							: pack?.base_url
								? 'prefilled from the pack; edit for a proxy or relay'
								: undefined
					}
				/>
			) : null}
			{stage === 'key' ? (
				<MaskedField
					label="Provider key"
					value={key}
					onChange={(v) => {
						setKey(v);
						setKeyNote(undefined);
					}}
					onSubmit={() => setStage('access')}
					validate={(v) => checkKey(v, KEY_FIELD)}
					note={keyNote ?? 'typed masked; never stored (only a fingerprint)'}
				/>
			) : null}
			{stage === 'access' ? (
				<Box flexDirection="column">
					<Text bold>Access mode:</Text>
					<SelectList
						items={[
							{
								label: 'subscription  — a subscription group, the smoke user subscribed to it',
								value: 'subscription' as Access,
							},
							{
								label: 'self_service  — an exclusive standard group, the smoke user with balance',
								value: 'self_service' as Access,
							},
						]}
						initialIndex={access === 'self_service' ? 1 : 0}
						onSelect={(v) => {
							setAccess(v);
							setPlan(null);
							setStage('plan');
						}}
					/>
				</Box>
			) : null}
			{stage === 'plan' ? (
				<PlanView
					plan={plan && plan.for === planKey ? plan : null}
					onStart={() => setStage('run')}
					onForce={() => {
						setForce(true);
						setPlan(null);
					}}
					onSmoke={() => setStage('smoke')}
					onFix={(s) => setStage(s)}
					onBack={back}
				/>
			) : null}
			{stage === 'smoke' && pack ? (
				<SmokeModelList
					pack={pack}
					value={smokeModel}
					onPick={pickSmoke}
					onType={() => setStage('smoke-name')}
				/>
			) : null}
			{stage === 'smoke-name' ? <SmokeModelField value={smokeModel} onSubmit={pickSmoke} /> : null}
			<KeyHelp keys={text ? TEXT_KEYS : LIST_KEYS} typing={text} />
		</Box>
	);
}

function PlanView({
	plan,
	onStart,
	onForce,
	onFix,
	onBack,
	onSmoke,
}: {
	plan: {input: ImportPlanInput | null; error: unknown} | null;
	onStart: () => void;
	onForce: () => void;
	onSmoke: () => void;
	onFix: (stage: Stage) => void;
	onBack: () => void;
}) {
	if (!plan) return <Text dimColor>checking the input…</Text>;
	if (!plan.input) {
		const field = errorField(plan.error);
		const fix = stageOfField(field);
		const duplicate = field === '--force';
		return (
			<Box flexDirection="column">
				<Text color={color.fail} wrap="wrap">
					✗ {errorText(plan.error)}
				</Text>
				<SelectList
					items={[
						...(duplicate ? [{label: 'Import it again anyway (force)', value: 'force'}] : []),
						...(fix ? [{label: `Fix the ${fix}`, value: fix}] : []),
						{label: 'Back', value: 'back'},
					]}
					onSelect={(v) => {
						if (v === 'force') onForce();
						else if (v === 'back') onBack();
						else onFix(v as Stage);
					}}
				/>
			</Box>
		);
	}
	const p = plan.input;
	const base = `${p.host.prefix}${p.pack.id}-<batch>`;
	const models = p.pack.models.length;
	return (
		<Box flexDirection="column">
			<Text bold>Plan — nothing has been sent yet</Text>
			<Text wrap="truncate-end">
				{'  '}provider {p.pack.id} at {p.baseUrl} · key {p.fingerprint}
			</Text>
			<Text wrap="truncate-end">
				{'  '}access {p.accessMode} · smoke model {smokeModelLabel(p.pack, p.smokeModel ?? undefined)}
			</Text>
			<Text>Will create on {p.host.name}:</Text>
			{[
				['group', `${base} (${p.accessMode === 'subscription' ? 'subscription' : 'standard, exclusive'})`],
				['account', `${base} · ${models ? `${models} models` : 'the relay’s models'} · in that group`],
				['user', `${p.user ?? `${base}@${p.host.user_domain}`} (smoke user)`],
				['api key', 'for that user, bound to the group'],
				p.accessMode === 'subscription'
					? ['subscription', `${p.pack.subscription.validity_days} days for that user`]
					: ['balance', `${p.pack.self_service.starting_balance} for that user`],
			].map(([what, detail]) => (
				<Text key={what} wrap="truncate-end">
					{`  ${what!.padEnd(13)}${detail}`}
				</Text>
			))}
			<Text dimColor wrap="truncate-end">
				then: probes, account test, and a /v1/models + chat completion through the host
			</Text>
			<SelectList
				items={[
					{label: 'Start the import', value: 'start'},
					{label: 'Change the smoke model', value: 'smoke'},
					{label: 'Back', value: 'back'},
				]}
				onSelect={(v) => (v === 'start' ? onStart() : v === 'smoke' ? onSmoke() : onBack())}
			/>
		</Box>
	);
}
