// Import a provider: the provider form (host, pack with its models and smoke model, URL prefilled
// from the pack, key masked, access mode), then the plan from source/app: what will be created, before
// anything is sent. From the plan an optional stage chooses the smoke model; after it the run
// screen takes over.
import React from 'react';
import {Box} from 'ink';
import {Text} from '../components/text.js';
import {planImport, type ImportPlan, type PlannedResource} from '../../app/import.js';
import {amount, type Pack} from '../../app/reads.js';
import {
	providerInput,
	ProviderFormView,
	useProviderForm,
	type FormSpec,
	type ProviderForm,
} from '../components/provider-form.js';
import {SelectList} from '../components/select-list.js';
import {smokeModelLabel} from '../components/smoke-model.js';
import {cell} from '../components/table.js';
import {ImportRun} from './import-run.js';

type Access = Pack['access_mode'];

const SPEC: FormSpec<Access, ImportPlan> = {
	title: 'Import a provider',
	checkName: 'plan',
	hostPrompt: 'Into which host?',
	addHost: true,
	packLabel: (p) => `${cell(p.id, 10)} ${p.name}`,
	packDetails: true,
	urlNote: (pack, onSandbox) =>
		onSandbox
			? 'the sandbox’s fake upstream for this pack'
			: pack?.base_url
				? 'prefilled from the pack; edit for a proxy or relay'
				: undefined,
	keyNote: 'typed masked; never stored (only a fingerprint)',
	accessPrompt: 'Access mode:',
	accessItems: [
		{label: 'subscription  — a subscription group, the smoke user subscribed to it', value: 'subscription'},
		{
			label: 'self_service  — an exclusive standard group, the smoke user with balance',
			value: 'self_service',
		},
	],
	defaultAccess: 'subscription',
	packAccess: true,
	check: (app, f) => planImport(app, providerInput(f)),
};

export function ImportWizard({hostId}: {hostId?: string}) {
	const form = useProviderForm(SPEC, hostId);
	const {fields, host, pack} = form;
	if (form.stage === 'run' && host && pack) {
		return (
			<ImportRun
				key={form.runId}
				input={providerInput(fields)}
				hostName={host.name}
				packId={pack.id}
				onAgain={() => form.again('host')}
				onFix={() => form.again('url')}
			/>
		);
	}
	return <ProviderFormView form={form} check={(plan) => <PlanView plan={plan} form={form} />} />;
}

/** One planned resource as a line of the plan: what it is, its name, and what it holds. */
function plannedLine(r: PlannedResource): [string, string] {
	switch (r.resource_type) {
		case 'group':
			return ['group', `${r.name} (${r.exclusive ? 'standard, exclusive' : 'subscription'})`];
		case 'account':
			return [
				'account',
				`${r.name} · ${r.models ? `${r.models} models` : 'the relay’s models'} · in that group`,
			];
		case 'user':
			return ['user', `${r.name} (smoke user)`];
		case 'api_key':
			return ['api key', 'for that user, bound to the group'];
		case 'subscription':
			return ['subscription', `${r.validity_days} days for that user`];
		case 'balance':
			return ['balance', `${amount(r.amount)} for that user`];
	}
}

function PlanView({plan: p, form}: {plan: ImportPlan; form: ProviderForm<Access, ImportPlan>}) {
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
			{p.planned.map(plannedLine).map(([what, detail]) => (
				<Text key={what} wrap="truncate-end">
					{`  ${what.padEnd(13)}${detail}`}
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
				onSelect={(v) => (v === 'start' ? form.go('run') : v === 'smoke' ? form.go('smoke') : form.back())}
			/>
		</Box>
	);
}
