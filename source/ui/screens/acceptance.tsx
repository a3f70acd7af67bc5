// Acceptance run (`crm accept` in the TUI): the provider form (host, pack, URL, key, access:
// self_service, subscription or both), the confirm screen with the optional smoke model, then the
// run live (host probe, an import with its smoke per mode, a reconcile per batch, the evidence) and
// the result (acceptance-result.tsx). Esc goes back a stage until the run starts; Ctrl-C stops the
// run cleanly (the evidence folder says how far it got).
import React, {useState} from 'react';
import {Box} from 'ink';
import {Text} from '../components/text.js';
import {
	accept,
	planAcceptance,
	type AcceptAccess,
	type AcceptancePhase,
	type AcceptanceResult,
} from '../../app/acceptance.js';
import type {ImportPlan} from '../../app/import.js';
import {useUIActions, useUIState} from '../context.js';
import {ErrorLine} from '../components/error-line.js';
import {Header} from '../components/header.js';
import {KeyHelp, LIST_KEYS} from '../components/key-help.js';
import {
	providerInput,
	ProviderFormView,
	useProviderForm,
	type FormSpec,
	type ProviderForm,
} from '../components/provider-form.js';
import {SelectList} from '../components/select-list.js';
import {smokeModelLabel} from '../components/smoke-model.js';
import {StepList} from '../components/step-list.js';
import {cell} from '../components/table.js';
import type {RunView} from '../../app/evidence.js';
import {useOperation} from '../hooks/use-operation.js';
import {useRun} from '../hooks/use-run.js';
import {useScreenKeys} from '../hooks/use-screen-keys.js';
import {AcceptanceResultView, resultWords} from './acceptance-result.js';

type Plan = ImportPlan & {access: AcceptAccess; modes: string[]};

const SPEC: FormSpec<AcceptAccess, Plan> = {
	title: 'Acceptance run',
	checkName: 'confirm',
	skipSingleHost: true,
	hostPrompt: 'Which host to accept on?',
	noHost: 'No host registered yet: add one under Hosts, or try the sandbox host from Home.',
	packLabel: (p) => `${cell(p.id, 10)} ${p.name} · smoke ${p.smoke_test_model ?? 'from the relay'}`,
	urlNote: (_pack, onSandbox) => (onSandbox ? 'the sandbox’s fake upstream for this pack' : undefined),
	keyNote: 'typed masked; never stored, redacted from the evidence',
	accessPrompt: 'Access mode(s) to prove:',
	accessItems: [
		{label: 'both          — subscription, then self_service (proves fully_ready)', value: 'both'},
		{label: 'subscription  — a subscription group, the smoke user subscribed', value: 'subscription'},
		{label: 'self_service  — an exclusive group, the smoke user with balance', value: 'self_service'},
	],
	defaultAccess: 'both',
	// The input is checked as `crm accept` checks it (each mode's import, forced) before the run is
	// offered, so a bad field is fixed here instead of ending the run.
	check: (app, f) => planAcceptance(app, providerInput(f)),
};

export function AcceptanceScreen({hostId}: {hostId?: string}) {
	const form = useProviderForm(SPEC, hostId);
	const {host, pack, fields} = form;
	if (form.stage === 'run' && host && pack) {
		return (
			<AcceptanceRunView
				key={form.runId}
				input={{...providerInput(fields), host: host.host_id, pack: pack.id}}
				hostName={host.name}
				onAgain={() => form.again('check')}
			/>
		);
	}
	return <ProviderFormView form={form} check={(plan) => <ConfirmView plan={plan} form={form} />} />;
}

function ConfirmView({plan: p, form}: {plan: Plan; form: ProviderForm<AcceptAccess, Plan>}) {
	const {app} = useUIState();
	return (
		<Box flexDirection="column">
			<Text bold>Acceptance run — nothing has been sent yet</Text>
			<Text wrap="truncate-end">
				{'  '}on {p.host.name} · {p.pack.id} at {p.baseUrl} · key {p.fingerprint}
			</Text>
			<Text wrap="truncate-end">
				{'  '}access {p.access}:{' '}
				{p.modes.length === 2 ? 'imports subscription, then self_service' : `imports ${p.modes[0]}`} (forced,
				so a re-run works)
			</Text>
			<Text wrap="truncate-end">
				{'  '}smoke model {smokeModelLabel(p.pack, form.fields.smokeModel)}
			</Text>
			<Text dimColor wrap="wrap">
				then: host probe, each import with its smoke, a reconcile of each batch; numbered evidence (secrets
				redacted) and a README.md in
			</Text>
			<Text dimColor wrap="truncate-middle">
				{'  '}
				{app.dataDir}/acceptance/&lt;run&gt;/
			</Text>
			<SelectList
				items={[
					{label: 'Start the acceptance run', value: 'start'},
					{label: 'Change the smoke model', value: 'smoke'},
					{label: 'Back', value: 'back'},
				]}
				onSelect={(v) => (v === 'start' ? form.go('run') : v === 'smoke' ? form.go('smoke') : form.back())}
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

type RunInput = ReturnType<typeof providerInput<AcceptAccess>> & {host: string; pack: string};

function AcceptanceRunView({
	input,
	hostName,
	onAgain,
}: {
	input: RunInput;
	hostName: string;
	onAgain: () => void;
}) {
	const {app, stopping} = useUIState();
	const actions = useUIActions();
	const [phase, setPhase] = useState<AcceptancePhase | null>(null);
	const [folder, setFolder] = useState<string | null>(null);
	const [attempt, setAttempt] = useState(0);
	const keep = useOperation<RunView>();
	const busy = keep.phase === 'running';
	const {steps, op, finished} = useRun<AcceptanceResult>(
		`── acceptance ${input.pack} on ${hostName} (${input.access}) ──`,
		(run) => accept(app, input, {...run, onPhase: setPhase, onRun: (_id, dir) => setFolder(dir)}),
		{attempt},
	);
	useScreenKeys({list: finished && !busy, onBack: finished && !busy ? actions.home : undefined});
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
			<StepList running={steps.running} stopping={stopping} />
			{op.phase === 'error' ? (
				<Box flexDirection="column">
					<ErrorLine error={op.error} />
					<SelectList
						items={[
							{label: 'Try again', value: 'retry'},
							{label: 'Home', value: 'home'},
						]}
						onSelect={(v) => (v === 'retry' ? setAttempt((n) => n + 1) : actions.home())}
					/>
				</Box>
			) : null}
			{op.result ? <AcceptanceResultView result={op.result} keep={keep} onAgain={onAgain} /> : null}
			<KeyHelp keys={finished ? LIST_KEYS : []} words={op.result ? resultWords(op.result) : []} />
		</Box>
	);
}
