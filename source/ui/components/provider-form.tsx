// The one provider form (docs/architecture.md "Views"): host, pack, URL (validated as typed), key
// (masked), access mode, then the check of the whole input by source/app (nothing is sent yet); from
// the check an optional stage picks the smoke model. The import wizard and the acceptance screen are
// this form with their own words, access modes and check; the batch import screen uses its host
// list. Esc goes back one stage at every stage before the run starts; a check that names a field
// offers that field's stage.
import React, {useEffect, useMemo, useState, type ReactNode} from 'react';
import {Box} from 'ink';
import {Text} from './text.js';
import type {Pack} from '../../app/reads.js';
import {preloadPacks, type Session} from '../../app/session.js';
import type {HostRecord} from '../../store/schema.js';
import {useUIActions, useUIState} from '../context.js';
import {useScreenKeys} from '../hooks/use-screen-keys.js';
import {color} from '../theme.js';
import {checkKey, checkUrl} from '../validators.js';
import {ErrorLine, errorField} from './error-line.js';
import {Header} from './header.js';
import {KeyHelp, LIST_KEYS, type KeySpec} from './key-help.js';
import {MaskedField, TextField} from './masked-field.js';
import {SelectList} from './select-list.js';
import {SmokeModelField, SmokeModelList, smokeModelLabel} from './smoke-model.js';
import {HostPick} from './host-pick.js';

// The form reads the packs as it draws: they (and zod, their schema's library) load with this screen,
// never with the TUI's first screens (docs/architecture.md "Start-up").
await preloadPacks();

export type Stage = 'host' | 'pack' | 'url' | 'key' | 'access' | 'check' | 'smoke' | 'smoke-name' | 'run';
const ORDER: Stage[] = ['host', 'pack', 'url', 'key', 'access', 'check'];

/** Which stage fixes the field a check names (docs/architecture.md "Input errors"). */
const STAGE_OF_FIELD: Record<string, Stage> = {
	host: 'host',
	pack: 'pack',
	url: 'url',
	key: 'key',
	access: 'access',
	smoke_model: 'smoke',
};

const TEXT_KEYS: KeySpec[] = [
	{keys: 'Enter', does: 'next'},
	{keys: 'Esc', does: 'back'},
];

/** What the operator entered. */
export interface ProviderFields<A extends string> {
	hostId: string | undefined;
	packId: string | undefined;
	/** Trimmed. */
	url: string;
	key: string;
	access: A;
	smokeModel: string | undefined;
	force: boolean;
}

/** The fields as an operation's input (source/app import and accept take this shape). */
export function providerInput<A extends string>(f: ProviderFields<A>) {
	return {
		host: f.hostId,
		pack: f.packId,
		url: f.url,
		key: f.key,
		access: f.access,
		smokeModel: f.smokeModel,
		force: f.force,
	};
}

/** What differs between the screens that use the form: a module constant (its `check` must not change). */
export interface FormSpec<A extends string, P> {
	title: string;
	/** The check stage's name in the header (`plan`, `confirm`). */
	checkName: string;
	/** One registered host and none given: start at the pack, and Esc there leaves. */
	skipSingleHost?: boolean;
	hostPrompt: string;
	/** What to say instead of the list when no host is registered. */
	noHost?: string;
	/** Offer `+ Add a host` in the host list. */
	addHost?: boolean;
	packLabel: (pack: Pack) => string;
	/** Show the highlighted pack's models, smoke model and URL under the list. */
	packDetails?: boolean;
	urlNote: (pack: Pack | undefined, onSandbox: boolean) => string | undefined;
	keyNote: string;
	accessPrompt: string;
	accessItems: Array<{label: string; value: A}>;
	defaultAccess: A;
	/** A newly chosen pack starts with its own access mode. */
	packAccess?: boolean;
	/** Checks the input as the operation will (source/app), without the lock or the network. */
	check: (app: Session, fields: ProviderFields<A>) => Promise<P>;
}

export interface ProviderForm<A extends string, P> {
	spec: FormSpec<A, P>;
	stage: Stage;
	go: (stage: Stage) => void;
	fields: ProviderFields<A>;
	host: HostRecord | undefined;
	pack: Pack | undefined;
	onSandbox: boolean;
	keyNote: string | undefined;
	set: {
		host: (id: string) => void;
		pack: (pack: Pack) => void;
		url: (url: string) => void;
		key: (key: string) => void;
		access: (access: A) => void;
		smokeModel: (model: string | undefined) => void;
	};
	/** The check of the current fields: null while it runs. */
	checked: {value: P | null; error: unknown} | null;
	/** Past an earlier import of the same provider: check again with force. */
	force: () => void;
	back: () => void;
	/** After a run: a new round from `stage` (force off); `runId` changes so the run view remounts. */
	again: (stage: Stage) => void;
	runId: number;
}

export function useProviderForm<A extends string, P>(
	spec: FormSpec<A, P>,
	initialHost: string | undefined,
): ProviderForm<A, P> {
	const {app, data, sandboxes} = useUIState();
	const actions = useUIActions();
	const hosts = data?.hosts ?? [];
	const single = spec.skipSingleHost && !initialHost && hosts.length === 1 ? hosts[0]!.host_id : undefined;
	const [stage, setStage] = useState<Stage>(initialHost || single ? 'pack' : 'host');
	const [hostId, setHostId] = useState<string | undefined>(initialHost ?? single);
	const [packId, setPackId] = useState<string | undefined>();
	const [url, setUrl] = useState('');
	const [key, setKey] = useState('');
	const [keyNote, setKeyNote] = useState<string | undefined>();
	const [access, setAccess] = useState<A>(spec.defaultAccess);
	const [smokeModel, setSmokeModel] = useState<string | undefined>();
	const [force, setForce] = useState(false);
	const [checked, setChecked] = useState<{value: P | null; error: unknown; for: string} | null>(null);
	const [runId, setRunId] = useState(0);
	const host = hosts.find((h) => h.host_id === hostId);
	const pack = app.packs.packs.find((p) => p.id === packId);
	const sandbox = host ? sandboxes.find((s) => s.host.host_id === host.host_id) : undefined;
	const onSandbox = Boolean(sandbox);
	const fields = useMemo<ProviderFields<A>>(
		() => ({hostId, packId, url: url.trim(), key, access, smokeModel, force}),
		[hostId, packId, url, key, access, smokeModel, force],
	);
	const checkKeyOf = JSON.stringify({...fields, key: key.length});
	const {check} = spec;

	useEffect(() => {
		if (stage !== 'check') return;
		let live = true;
		check(app, fields).then(
			(value) => live && setChecked({value, error: null, for: checkKeyOf}),
			(error: unknown) => live && setChecked({value: null, error, for: checkKeyOf}),
		);
		return () => {
			live = false;
		};
	}, [stage, app, check, fields, checkKeyOf]);

	const go = (next: Stage) => {
		if (next === 'check') setChecked(null);
		setStage(next);
	};
	const back = () => {
		if (stage === 'run') return;
		if (stage === 'smoke') return setStage('check');
		if (stage === 'smoke-name') return setStage('smoke');
		const i = ORDER.indexOf(stage);
		const leaveAtPack = spec.skipSingleHost
			? Boolean(initialHost || single)
			: Boolean(initialHost) && !hosts.length;
		if (i <= 0 || (stage === 'pack' && leaveAtPack)) actions.back();
		else setStage(ORDER[i - 1]!);
	};
	const choosePack = (p: Pack) => {
		if (p.id !== packId) {
			const upstream = onSandbox ? sandbox?.handle.info.upstreams[p.id] : undefined;
			setUrl(upstream?.base_url ?? p.base_url ?? '');
			setKey(upstream?.api_key ?? '');
			setKeyNote(upstream ? 'sandbox key filled in (the fake upstream accepts it)' : undefined);
			if (spec.packAccess) setAccess(p.access_mode as A);
			setSmokeModel(undefined);
			setForce(false);
		}
		setPackId(p.id);
		setStage('url');
	};
	return {
		spec,
		stage,
		go,
		fields,
		host,
		pack,
		onSandbox,
		keyNote,
		set: {
			host: (id) => {
				setHostId(id);
				setStage('pack');
			},
			pack: choosePack,
			url: setUrl,
			key: (v) => {
				setKey(v);
				setKeyNote(undefined);
			},
			access: (v) => {
				setAccess(v);
				go('check');
			},
			smokeModel: (model) => {
				setSmokeModel(model);
				go('check');
			},
		},
		checked: checked && checked.for === checkKeyOf ? checked : null,
		force: () => {
			setForce(true);
			setChecked(null);
		},
		back,
		again: (next) => {
			setForce(false);
			setChecked(null);
			setRunId((n) => n + 1);
			setStage(next);
		},
		runId,
	};
}

/** The lines that say what was entered so far. */
function Summary<A extends string>({form}: {form: ProviderForm<A, unknown>}) {
	const {stage, host, pack, fields} = form;
	const at = ORDER.indexOf(stage);
	const past = (i: number) => at > i || stage.startsWith('smoke');
	return (
		<Box flexDirection="column">
			{host && past(0) ? (
				<Text dimColor wrap="truncate-end">
					host: {host.name} ({host.url})
				</Text>
			) : null}
			{pack && past(1) ? (
				<Text dimColor wrap="truncate-end">
					pack: {pack.id} · smoke {smokeModelLabel(pack, fields.smokeModel)}
				</Text>
			) : null}
			{past(2) ? (
				<Text dimColor wrap="truncate-end">
					url: {fields.url}
				</Text>
			) : null}
			{past(3) ? <Text dimColor>key: {'*'.repeat(Math.min(fields.key.length, 12))}</Text> : null}
		</Box>
	);
}

function PackPick<A extends string, P>({form}: {form: ProviderForm<A, P>}) {
	const {app} = useUIState();
	const packs = app.packs.packs;
	const [highlighted, setHighlighted] = useState<string | undefined>(packs[0]?.id);
	const shown = packs.find((p) => p.id === highlighted);
	return (
		<Box flexDirection="column">
			<Text bold>Which provider pack?</Text>
			<SelectList
				items={packs.map((p) => ({key: p.id, label: form.spec.packLabel(p), value: p}))}
				initialIndex={Math.max(
					0,
					packs.findIndex((p) => p.id === (form.fields.packId ?? highlighted)),
				)}
				limit={8}
				onHighlight={(p) => setHighlighted(p.id)}
				onSelect={form.set.pack}
			/>
			{form.spec.packDetails && shown ? (
				<Box flexDirection="column" marginTop={1}>
					<Text wrap="truncate-end">
						models: {shown.models.map((m) => m.id).join(', ') || 'taken from the relay'}
					</Text>
					<Text wrap="truncate-end">
						smoke model: {shown.smoke_test_model ?? 'picked from what the upstream offers'} · access:{' '}
						{shown.access_mode}
					</Text>
					<Text dimColor wrap="truncate-end">
						url: {shown.base_url ?? 'you give the relay’s base URL'}
					</Text>
				</Box>
			) : null}
			{form.spec.packDetails && app.packs.problems.length > 0 ? (
				<Text color={color.warn}>! {app.packs.problems.length} pack file(s) skipped (see crm packs)</Text>
			) : null}
		</Box>
	);
}

/** The check's outcome: its view (`children`), or its error with the stage that fixes it. */
function CheckStage<A extends string, P>({
	form,
	children,
}: {
	form: ProviderForm<A, P>;
	children: (value: P) => ReactNode;
}) {
	const {checked} = form;
	if (!checked) return <Text dimColor>checking the input…</Text>;
	if (checked.value !== null) return <>{children(checked.value)}</>;
	const field = errorField(checked.error);
	const fix = field ? STAGE_OF_FIELD[field] : undefined;
	return (
		<Box flexDirection="column">
			<ErrorLine error={checked.error} />
			<SelectList
				items={[
					...(field === 'force' ? [{label: 'Import it again anyway (force)', value: 'force'}] : []),
					...(fix ? [{label: `Fix the ${fix}`, value: fix}] : []),
					{label: 'Back', value: 'back'},
				]}
				onSelect={(v) => {
					if (v === 'force') form.force();
					else if (v === 'back') form.back();
					else form.go(v as Stage);
				}}
			/>
		</Box>
	);
}

/** The form at its current stage (every stage but `run`); `check` draws the checked input. */
export function ProviderFormView<A extends string, P>({
	form,
	check,
}: {
	form: ProviderForm<A, P>;
	check: (value: P) => ReactNode;
}) {
	const {data} = useUIState();
	const actions = useUIActions();
	const {spec, stage, fields} = form;
	const text = stage === 'url' || stage === 'key' || stage === 'smoke-name';
	useScreenKeys({text, list: !text && stage !== 'run', onBack: stage === 'run' ? undefined : form.back});
	const at = ORDER.indexOf(stage);
	const named = stage === 'smoke-name' ? 'smoke' : stage === 'check' ? spec.checkName : stage;
	return (
		<Box flexDirection="column">
			<Header
				title={`${spec.title} › ${named}`}
				subtitle={stage.startsWith('smoke') ? 'optional step' : `step ${at + 1} of ${ORDER.length}`}
			/>
			<Summary form={form} />
			{stage === 'host' ? (
				<HostPick
					hosts={data?.hosts ?? []}
					prompt={spec.hostPrompt}
					noHost={spec.noHost}
					addHost={spec.addHost}
					selected={fields.hostId}
					onPick={(v) => {
						if (v === '+add') actions.push({id: 'host-add', then: 'import'});
						else if (v === '+back') actions.back();
						else form.set.host(v);
					}}
				/>
			) : null}
			{stage === 'pack' ? <PackPick form={form} /> : null}
			{stage === 'url' ? (
				<TextField
					label="Provider base URL"
					value={fields.url}
					onChange={form.set.url}
					onSubmit={() => form.go('key')}
					validate={(v) => checkUrl(v, 'the URL')}
					placeholder={form.pack?.base_url ?? 'https://relay.example.com/v1'}
					note={spec.urlNote(form.pack, form.onSandbox)}
				/>
			) : null}
			{stage === 'key' ? (
				<MaskedField
					label="Provider key"
					value={fields.key}
					onChange={form.set.key}
					onSubmit={() => form.go('access')}
					validate={(v) => checkKey(v, 'the key field')}
					note={form.keyNote ?? spec.keyNote}
				/>
			) : null}
			{stage === 'access' ? (
				<Box flexDirection="column">
					<Text bold>{spec.accessPrompt}</Text>
					<SelectList
						items={spec.accessItems}
						initialIndex={Math.max(
							0,
							spec.accessItems.findIndex((i) => i.value === fields.access),
						)}
						onSelect={form.set.access}
					/>
				</Box>
			) : null}
			{stage === 'check' ? <CheckStage form={form}>{check}</CheckStage> : null}
			{stage === 'smoke' && form.pack ? (
				<SmokeModelList
					pack={form.pack}
					value={fields.smokeModel}
					onPick={form.set.smokeModel}
					onType={() => form.go('smoke-name')}
				/>
			) : null}
			{stage === 'smoke-name' ? (
				<SmokeModelField value={fields.smokeModel} onSubmit={form.set.smokeModel} />
			) : null}
			<KeyHelp keys={text ? TEXT_KEYS : LIST_KEYS} typing={text} />
		</Box>
	);
}
