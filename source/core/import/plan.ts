// What an import will create on the host, in order, before anything is sent: the plan every view
// shows (the CLI's dry plan, the TUI's plan screen, the service's answer). docs/domain.md "Access modes".
import {namePattern} from '../records/naming.js';
import type {ImportPlanInput} from './types.js';

export type PlannedResource =
	| {resource_type: 'group'; name: string; subscription_type: 'subscription' | 'standard'; exclusive: boolean}
	/** `models`: how many the pack lists; null for a relay (its own /models decides). */
	| {resource_type: 'account'; name: string; models: number | null}
	| {resource_type: 'user'; name: string; existing: boolean}
	| {resource_type: 'api_key'; name: string}
	| {resource_type: 'subscription'; validity_days: number}
	| {resource_type: 'balance'; amount: number};

export interface ImportPlan extends ImportPlanInput {
	planned: PlannedResource[];
}

export function plannedResources(input: ImportPlanInput): PlannedResource[] {
	const base = namePattern(input.host, input.pack.id);
	const subscription = input.accessMode === 'subscription';
	const models = input.pack.models.length;
	return [
		{
			resource_type: 'group',
			name: base,
			subscription_type: subscription ? 'subscription' : 'standard',
			exclusive: !subscription,
		},
		{resource_type: 'account', name: base, models: models > 0 ? models : null},
		{
			resource_type: 'user',
			name: input.user ?? `${base}@${input.host.user_domain}`,
			existing: Boolean(input.user),
		},
		{resource_type: 'api_key', name: base},
		subscription
			? {resource_type: 'subscription', validity_days: input.pack.subscription.validity_days}
			: {resource_type: 'balance', amount: input.pack.self_service.starting_balance},
	];
}

export function withPlan(input: ImportPlanInput): ImportPlan {
	return {...input, planned: plannedResources(input)};
}
