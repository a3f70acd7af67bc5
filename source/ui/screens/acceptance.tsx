// Acceptance run (`crm accept` in the TUI, issue 10): host, pack, URL, key (masked), access
// (self_service, subscription or both), a confirm screen with the optional smoke model, then the
// run live (host probe, an import with its smoke per mode, a reconcile per batch, the evidence) and
// the result: the verdict, each mode's batch, the evidence folder and its numbered files; keep it
// as final evidence from there. Esc goes back a stage until the run starts; Ctrl-C stops the run
// cleanly (the evidence folder says how far it got).
import React, {useEffect, useMemo, useRef, useState} from 'react';
import {Box} from 'ink';
import {Text} from '../components/text.js';
import {NEXT_STEP} from '../../core/pipeline/failure.js';
import type {Pack} from '../../core/packs/packs.js';
import type {FailureClass} from '../../store/schema.js';
import {useUIActions, useUIState} from '../context.js';
import {
	acceptanceModes,
	errorField,
	errorKind,
	errorText,
	evidenceGuide,
	keepEvidence,
	planImport,
	startAcceptance,
	type AcceptAccess,
	type AcceptancePhase,
	type AcceptanceResult,
	type ImportPlanInput,
	type RunView,
} from '../engine.js';
import {Header} from '../components/header.js';
import {KeyHelp, LIST_KEYS, type KeySpec} from '../components/key-help.js';
import {MaskedField, TextField} from '../components/masked-field.js';
import {SelectList} from '../components/select-list.js';
import {SmokeModelField, SmokeModelList, smokeModelLabel} from '../components/smoke-model.js';
import {cell, row, TableHeader, type Column} from '../components/table.js';
import {RunningLines} from '../components/step-list.js';
import {useOperation} from '../hooks/use-operation.js';
import {useScreenKeys} from '../hooks/use-screen-keys.js';
import {useSteps} from '../hooks/use-steps.js';
import {color, statusColor} from '../theme.js';
import {checkKey, checkUrl} from '../validators.js';

type Stage = 'host' | 'pack' | 'url' | 'key' | 'access' | 'confirm' | 'smoke' | 'smoke-name' | 'run';

const ORDER: Stage[] = ['host', 'pack', 'url', 'key', 'access', 'confirm'];
const KEY_FIELD = 'the key field';

const TEXT_KEYS: KeySpec[] = [
	{keys: 'Enter', does: 'next'},
	{keys: 'Esc', does: 'back'},
];

const ACCESS_ITEMS: Array<{label: string; value: AcceptAccess}> = [
	{label: 'both          — subscription, then self_service (proves fully_ready)', value: 'both'},
	{label: 'subscription  — a subscription group, the smoke user subscribed', value: 'subscription'},
	{label: 'self_service  — an exclusive group, the smoke user with balance', value: 'self_service'},
];

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

export function AcceptanceScreen({hostId: initialHost}: {hostId?: string}) {
	const {config, data, sandbox} = useUIState();
	const actions = useUIActions();
	const packs = config.packs.packs;
	const hosts = data?.hosts ?? [];
	const single = !initialHost && hosts.length === 1 ? hosts[0]!.host_id : undefined;
	const [stage, setStage] = useState<Stage>(initialHost || single ? 'pack' : 'host');
	const [hostId, setHostId] = useState<string | undefined>(initialHost ?? single);
	const [packId, setPackId] = useState<string | undefined>();
	const [url, setUrl] = useState('');
	const [key, setKey] = useState('');
	const [keyNote, setKeyNote] = useState<string | undefined>();
	const [access, setAccess] = useState<AcceptAccess>('both');
	const [smokeModel, setSmokeModel] = useState<string | undefined>();
	const [check, setCheck] = useState<{input: ImportPlanInput | null; error: unknown; for: string} | null>(
		null,
	);
	const [runId, setRunId] = useState(0);

	const host = hosts.find((h) => h.host_id === hostId);
	const pack = packs.find((p) => p.id === packId);
	const onSandbox = Boolean(sandbox && host && sandbox.hostId === host.host_id);
	const firstMode = acceptanceModes(access)[0]!;
	// The inputs are checked as `crm accept` checks them (the first mode's import, forced) before the
	// run is offered, so a bad field is fixed here instead of ending the run.
	const request = useMemo(
		() => ({
			host: hostId,
			pack: packId,
			url: url.trim(),
			key,
			keySource: KEY_FIELD,
			access: firstMode,
			smokeModel,
			force: true,
		}),
		[hostId, packId, url, key, firstMode, smokeModel],
	);
	const checkKeyOf = JSON.stringify({...request, key: key.length, access});

	useEffect(() => {
		if (stage !== 'confirm') return;
		let live = true;
		planImport(config, request).then(
			(input) => live && setCheck({input, error: null, for: checkKeyOf}),
			(error: unknown) => live && setCheck({input: null, error, for: checkKeyOf}),
		);
		return () => {
			live = false;
		};
	}, [stage, config, request, checkKeyOf]);

	const back = () => {
		if (stage === 'run') return;
		if (stage === 'smoke') return setStage('confirm');
		if (stage === 'smoke-name') return setStage('smoke');
		const i = ORDER.indexOf(stage);
		if (i <= 0 || (stage === 'pack' && (initialHost || single))) actions.back();
		else setStage(ORDER[i - 1]!);
	};
	const text = stage === 'url' || stage === 'key' || stage === 'smoke-name';
	useScreenKeys({
		text,
		list: !text && stage !== 'run',
		onBack: stage === 'run' ? undefined : back,
	});

	const choosePack = (p: Pack) => {
		if (p.id !== packId) {
			const upstream = onSandbox ? sandbox?.handle.info.upstreams[p.id] : undefined;
			setUrl(upstream?.base_url ?? p.base_url ?? '');
			setKey(upstream?.api_key ?? '');
			setKeyNote(upstream ? 'sandbox key filled in (the fake upstream accepts it)' : undefined);
			setSmokeModel(undefined);
		}
		setPackId(p.id);
		setStage('url');
	};
	const pickSmoke = (model: string | undefined) => {
		setSmokeModel(model);
		setCheck(null);
		setStage('confirm');
	};

	if (stage === 'run' && host && pack) {
		return (
			<AcceptanceRunView
				key={runId}
				input={{hostId: host.host_id, pack: pack.id, url: url.trim(), key, access, smokeModel}}
				hostName={host.name}
				onAgain={() => {
					setRunId((n) => n + 1);
					setStage('confirm');
					setCheck(null);
				}}
			/>
		);
	}

	const at = ORDER.indexOf(stage);
	const past = (i: number) => at > i || stage.startsWith('smoke');
	return (
		<Box flexDirection="column">
			<Header
				title={`Acceptance run › ${stage === 'smoke-name' ? 'smoke' : stage}`}
				subtitle={stage.startsWith('smoke') ? 'optional step' : `step ${at + 1} of ${ORDER.length}`}
			/>
			{host && past(0) ? (
				<Text dimColor wrap="truncate-end">
					host: {host.name} ({host.url})
				</Text>
			) : null}
			{pack && past(1) ? (
				<Text dimColor wrap="truncate-end">
					pack: {pack.id} · smoke {smokeModelLabel(pack, smokeModel)}
				</Text>
			) : null}
			{past(2) ? (
				<Text dimColor wrap="truncate-end">
					url: {url.trim()}
				</Text>
			) : null}
			{past(3) ? <Text dimColor>key: {'*'.repeat(Math.min(key.length, 12))}</Text> : null}
			{stage === 'host' ? (
				hosts.length === 0 ? (
					<Box flexDirection="column">
						<Text wrap="wrap">
							No host registered yet: add one under Hosts, or try the sandbox host from Home.
						</Text>
						<SelectList items={[{label: 'Back', value: 'back'}]} onSelect={() => actions.back()} />
					</Box>
				) : (
					<Box flexDirection="column">
						<Text bold>Which host to accept on?</Text>
						<SelectList
							items={hosts.map((h) => ({
								key: h.host_id,
								label: `${cell(h.name, 14)} ${cell(h.version ?? '?', 8)} ${h.url}`,
								value: h.host_id,
							}))}
							initialIndex={Math.max(
								0,
								hosts.findIndex((h) => h.host_id === hostId),
							)}
							onSelect={(v) => {
								setHostId(v);
								setStage('pack');
							}}
						/>
					</Box>
				)
			) : null}
			{stage === 'pack' ? (
				<Box flexDirection="column">
					<Text bold>Which provider pack?</Text>
					<SelectList
						items={packs.map((p) => ({
							key: p.id,
							label: `${cell(p.id, 10)} ${p.name} · smoke ${p.smoke_test_model ?? 'from the relay'}`,
							value: p,
						}))}
						initialIndex={Math.max(
							0,
							packs.findIndex((p) => p.id === packId),
						)}
						limit={8}
						onSelect={choosePack}
					/>
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
					note={onSandbox ? 'the sandbox’s fake upstream for this pack' : undefined}
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
					note={keyNote ?? 'typed masked; never stored, redacted from the evidence'}
				/>
			) : null}
			{stage === 'access' ? (
				<Box flexDirection="column">
					<Text bold>Access mode(s) to prove:</Text>
					<SelectList
						items={ACCESS_ITEMS}
						initialIndex={ACCESS_ITEMS.findIndex((i) => i.value === access)}
						onSelect={(v) => {
							setAccess(v);
							setCheck(null);
							setStage('confirm');
						}}
					/>
				</Box>
			) : null}
			{stage === 'confirm' ? (
				<ConfirmView
					check={check && check.for === checkKeyOf ? check : null}
					dataDir={config.dataDir}
					access={access}
					smokeModel={smokeModel}
					onStart={() => setStage('run')}
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

function ConfirmView({
	check,
	dataDir,
	access,
	smokeModel,
	onStart,
	onSmoke,
	onFix,
	onBack,
}: {
	check: {input: ImportPlanInput | null; error: unknown} | null;
	dataDir: string;
	access: AcceptAccess;
	smokeModel: string | undefined;
	onStart: () => void;
	onSmoke: () => void;
	onFix: (stage: Stage) => void;
	onBack: () => void;
}) {
	if (!check) return <Text dimColor>checking the input…</Text>;
	if (!check.input) {
		const fix = stageOfField(errorField(check.error));
		return (
			<Box flexDirection="column">
				<Text color={color.fail} wrap="wrap">
					✗ {errorText(check.error)}
				</Text>
				<SelectList
					items={[...(fix ? [{label: `Fix the ${fix}`, value: fix}] : []), {label: 'Back', value: 'back'}]}
					onSelect={(v) => (v === 'back' ? onBack() : onFix(v as Stage))}
				/>
			</Box>
		);
	}
	const p = check.input;
	const modes = acceptanceModes(access);
	return (
		<Box flexDirection="column">
			<Text bold>Acceptance run — nothing has been sent yet</Text>
			<Text wrap="truncate-end">
				{'  '}on {p.host.name} · {p.pack.id} at {p.baseUrl} · key {p.fingerprint}
			</Text>
			<Text wrap="truncate-end">
				{'  '}access {access}:{' '}
				{modes.length === 2 ? 'imports subscription, then self_service' : `imports ${modes[0]}`} (forced, so a
				re-run works)
			</Text>
			<Text wrap="truncate-end">
				{'  '}smoke model {smokeModelLabel(p.pack, smokeModel)}
			</Text>
			<Text dimColor wrap="wrap">
				then: host probe, each import with its smoke, a reconcile of each batch; numbered evidence (secrets
				redacted) and a README.md in
			</Text>
			<Text dimColor wrap="truncate-middle">
				{'  '}
				{dataDir}/acceptance/&lt;run&gt;/
			</Text>
			<SelectList
				items={[
					{label: 'Start the acceptance run', value: 'start'},
					{label: 'Change the smoke model', value: 'smoke'},
					{label: 'Back', value: 'back'},
				]}
				onSelect={(v) => (v === 'start' ? onStart() : v === 'smoke' ? onSmoke() : onBack())}
			/>
		</Box>
	);
}

function phaseText(phase: AcceptancePhase | null): string {
	if (!phase) return 'checking the input';
	switch (phase.phase) {
		case 'host_probe':
			return 'probing the host (reads only)';
		case 'import':
			return `import ${phase.index + 1} of ${phase.of}: ${phase.mode} (create, probes, account test, access smoke)`;
		case 'reconcile':
			return `reconciling the ${phase.mode} batch ${phase.batch_id}`;
		case 'evidence':
			return 'writing the access status, summary and README.md';
		case 'done':
			return `done: ${phase.result}`;
	}
}

type Action = 'keep' | 'guide' | 'matrix' | 'again' | 'retry' | 'home';

function AcceptanceRunView({
	input,
	hostName,
	onAgain,
}: {
	input: {hostId: string; pack: string; url: string; key: string; access: AcceptAccess; smokeModel?: string};
	hostName: string;
	onAgain: () => void;
}) {
	const {config, stopping} = useUIState();
	const actions = useUIActions();
	const steps = useSteps({log: true});
	const op = useOperation<AcceptanceResult>();
	const keep = useOperation<RunView>();
	const [phase, setPhase] = useState<AcceptancePhase | null>(null);
	const [folder, setFolder] = useState<string | null>(null);
	const [guide, setGuide] = useState<Array<[string, string]> | null>(null);
	const [attempt, setAttempt] = useState(0);
	const started = useRef(-1);
	const {sink} = steps;
	const {start} = op;

	useEffect(() => {
		if (started.current === attempt) return;
		started.current = attempt;
		actions.appendLog({
			kind: 'note',
			text: `── acceptance ${input.pack} on ${hostName} (${input.access}) ──`,
		});
		start((signal) =>
			startAcceptance(config, {
				...input,
				keySource: KEY_FIELD,
				sink,
				signal,
				operator: actions.operator,
				onPhase: setPhase,
				onRun: (_id, dir) => setFolder(dir),
			}),
		);
	}, [attempt, start, config, input, sink, actions, hostName]);

	const finished = op.phase === 'done' || op.phase === 'error';
	const busy = keep.phase === 'running';
	useScreenKeys({list: finished && !busy, onBack: finished && !busy ? actions.home : undefined});
	const r = op.result;

	const choose = (action: Action) => {
		switch (action) {
			case 'keep':
				return keep.start(() => keepEvidence(config, r!.run_id));
			case 'guide':
				if (guide) return setGuide(null);
				void evidenceGuide().then(setGuide);
				return;
			case 'matrix':
				return actions.push({id: 'matrix'});
			case 'again':
				return onAgain();
			case 'retry':
				return setAttempt((n) => n + 1);
			case 'home':
				return actions.home();
		}
	};

	return (
		<Box flexDirection="column">
			<Header
				title={
					finished
						? `Acceptance of ${input.pack} on ${hostName}: finished`
						: `Acceptance of ${input.pack} on ${hostName}`
				}
				subtitle={folder ? `evidence ${folder}` : 'access ' + input.access}
			/>
			{op.phase === 'running' ? (
				<Text dimColor wrap="truncate-end">
					{stopping ? 'stopping cleanly…' : phaseText(phase)}
				</Text>
			) : null}
			<RunningLines running={steps.running} stopping={stopping} />
			{op.phase === 'error' ? (
				<Box flexDirection="column">
					<Text color={color.fail} wrap="wrap">
						✗ {errorText(op.error)}
					</Text>
					{errorKind(op.error) === 'state_locked' ? (
						<Text dimColor>
							Another crm holds the data folder; nothing was started. Try again when it ends.
						</Text>
					) : null}
					<SelectList
						items={[
							{label: 'Try again', value: 'retry' as Action},
							{label: 'Home', value: 'home' as Action},
						]}
						onSelect={choose}
					/>
				</Box>
			) : null}
			{r ? (
				<AcceptanceResultView
					result={r}
					guide={guide}
					kept={keep.result}
					keepError={keep.phase === 'error' ? errorText(keep.error) : null}
					busy={busy}
					onChoose={choose}
				/>
			) : null}
			<KeyHelp keys={finished ? LIST_KEYS : []} />
		</Box>
	);
}

const BATCH_COLUMNS: Column[] = [
	{title: 'MODE', width: 12},
	{title: 'BATCH', width: 23},
	{title: 'STATUS', width: 9},
	{title: 'ACCESS', width: 18},
	{title: 'RECONCILE', width: 9},
];

/** The guide's entries for the files this run wrote (`<mode>` matches either mode). */
function guideFor(guide: Array<[string, string]>, files: string[]): Array<[string, string]> {
	return guide.filter(([name]) => {
		const re = new RegExp(`^${name.replace(/[.]/g, '\\.').replace('<mode>', '[a-z_]+')}$`);
		return files.some((f) => re.test(f));
	});
}

function AcceptanceResultView({
	result: r,
	guide,
	kept,
	keepError,
	busy,
	onChoose,
}: {
	result: AcceptanceResult;
	guide: Array<[string, string]> | null;
	kept: RunView | null;
	keepError: string | null;
	busy: boolean;
	onChoose: (a: Action) => void;
}) {
	const ready = r.result === 'ready';
	const stopped = r.result === 'stopped';
	return (
		<Box flexDirection="column">
			<Text>
				{ready ? (
					<Text color={color.ok}>✓ ready</Text>
				) : (
					<Text color={stopped ? color.warn : color.fail}>✗ {r.result}</Text>
				)}
				{' · access '}
				<Text bold color={statusColor(r.access_status)}>
					{r.access_status}
				</Text>
				<Text dimColor>
					{' '}
					· sub2api {r.host_version ?? 'unknown'} · tool {r.tool_version}
				</Text>
			</Text>
			{r.batches.length ? <TableHeader columns={BATCH_COLUMNS} indent={2} /> : null}
			{r.batches.map((b) => (
				<Text key={b.batch_id} color={statusColor(b.access_status)} wrap="truncate-end">
					{'  '}
					{row(
						[b.access_mode, b.batch_id, b.batch_status, b.access_status, b.reconcile_status],
						BATCH_COLUMNS,
					)}
				</Text>
			))}
			{r.errors.map((e, i) => (
				<Text key={i} color={color.fail} wrap="truncate-end">
					{'  '}
					{e.step}
					{e.access_mode ? ` (${e.access_mode})` : ''}: {e.failure_class}: {e.message}
				</Text>
			))}
			{r.failure_class ? (
				<Text color={color.fail} wrap="wrap">
					next: {NEXT_STEP[r.failure_class as FailureClass]}
				</Text>
			) : null}
			{stopped ? (
				<Text color={color.warn} wrap="wrap">
					stopped by the operator; the evidence folder records how far it got
				</Text>
			) : null}
			<Text wrap="truncate-middle">evidence {r.evidence_dir}</Text>
			{guide ? (
				guideFor(guide, r.files).map(([name, what]) => (
					<Text key={name} dimColor wrap="truncate-end">
						{'  '}
						{cell(name, 26)} {what}
					</Text>
				))
			) : (
				<Text dimColor wrap="wrap">
					files: {r.files.join(' · ')}
				</Text>
			)}
			{kept ? <Text color={color.ok}>✓ kept as final evidence in {kept.evidence_dir}</Text> : null}
			{keepError ? <Text color={color.fail}>✗ {keepError}</Text> : null}
			{busy ? <Text dimColor>marking it final…</Text> : null}
			{busy ? null : (
				<Box marginTop={1}>
					<SelectList
						items={[
							...(kept ? [] : [{label: 'Keep it as final evidence', value: 'keep' as Action}]),
							{label: guide ? 'Show the file list' : 'What each file holds', value: 'guide' as Action},
							{label: 'Validation matrix', value: 'matrix' as Action},
							{label: 'Run it again', value: 'again' as Action},
							{label: 'Home', value: 'home' as Action},
						]}
						onSelect={onChoose}
					/>
				</Box>
			)}
		</Box>
	);
}
