// A host the built-in sandbox registered in an earlier run, whose sandbox stopped with that run (its
// address is a dead loopback port): the mark, and its two actions, shared by Home and the host screen.
// "Start it again" starts a new sandbox in its place (the record keeps its batches, takes the new
// address and admin key); "Remove it" forgets the host, asking first when batches are recorded on it.
import React, {useState} from 'react';
import {removeHost} from '../../app/hosts.js';
import {restartSandboxHost, sandboxMarkOf} from '../../app/sandbox.js';
import type {HostRecord} from '../../store/schema.js';
import {useUIActions, useUIState} from '../context.js';
import {useOperation, type Operation} from '../hooks/use-operation.js';
import {progressTo} from '../steps.js';
import {Busy} from './busy.js';
import {Confirm} from './confirm.js';

/** The mark every screen shows for such a host (the CLI's `sandbox: stopped`). */
export const STOPPED_MARK = 'the sandbox that stopped with the previous run';

export const RESTART = 'sandbox-restart';
export const REMOVE = 'sandbox-remove';

/** Whether the host's built-in sandbox stopped with an earlier run. */
export function sandboxStopped(host: HostRecord): boolean {
	return sandboxMarkOf(host)?.state === 'stopped';
}

/** Whether a sandbox this session started serves one of the hosts (Home then offers no new one). */
export function sandboxOfThisSession(hosts: HostRecord[]): boolean {
	return hosts.some((h) => sandboxMarkOf(h)?.here === true);
}

const batches = (n: number) => `${n} batch${n === 1 ? '' : 'es'}`;

/** What "Start it again" says when done: where it runs now, and what its batches read as. */
function restartedText(name: string, url: string, recorded: number): string {
	const gone = "The old sandbox's resources are gone with it";
	return recorded > 0
		? `${name} started again at ${url}. ${gone}: its ${batches(recorded)} now read as drifted/missing (Drift & rollback).`
		: `${name} started again at ${url}. ${gone}.`;
}

export interface StoppedSandbox {
	/** The host's sandbox stopped with an earlier run (else the items are empty). */
	stopped: boolean;
	items: Array<{label: string; value: string}>;
	/** Runs the chosen item if it is one of these actions (true), else false. */
	choose: (value: string) => boolean;
	/** The confirmation or the progress, shown instead of the screen's menu; null when neither. */
	panel: React.ReactNode;
	cancel: () => void;
	op: Operation<string>;
}

export function useStoppedSandbox(
	host: HostRecord | undefined,
	labels = {restart: 'Start it again', remove: 'Remove it'},
): StoppedSandbox {
	const {app, data} = useUIState();
	const actions = useUIActions();
	const op = useOperation<string>();
	const [confirming, setConfirming] = useState(false);
	const [progress, setProgress] = useState('');
	const stopped = Boolean(host && sandboxStopped(host));
	const recorded = host && data ? data.batches.filter((b) => b.host_id === host.host_id).length : 0;

	const remove = (target: HostRecord) =>
		op.start(async () => {
			await removeHost(app, {host: target.host_id, force: true});
			await actions.reload();
			return `removed ${target.name}`;
		});
	const choose = (value: string) => {
		if (!host || (value !== RESTART && value !== REMOVE)) return false;
		if (value === REMOVE) {
			if (recorded > 0) setConfirming(true);
			else remove(host);
			return true;
		}
		op.start(async (signal) => {
			const started = await restartSandboxHost(
				app,
				{host: host.host_id},
				{sink: progressTo(setProgress), signal},
			);
			actions.setSandbox(started);
			// The message shows once Home and the host screen read the host as running again.
			await actions.reload();
			return restartedText(host.name, started.handle.info.host_url, recorded);
		});
		return true;
	};
	const panel =
		op.phase === 'running' ? (
			<Busy text={progress || 'starting the sandbox'} />
		) : confirming && host ? (
			<Confirm
				danger
				question={`${host.name} has ${batches(recorded)} recorded. Its sandbox stopped with the previous run and its resources are gone with it; forgetting the host keeps the batch records, with no host to reconcile or roll them back on. Forget ${host.name}?`}
				yes="Remove it"
				onAnswer={(yes) => {
					setConfirming(false);
					if (yes) remove(host);
				}}
			/>
		) : null;
	return {
		stopped,
		items: stopped
			? [
					{label: labels.restart, value: RESTART},
					{label: labels.remove, value: REMOVE},
				]
			: [],
		choose,
		panel,
		cancel: () => setConfirming(false),
		op,
	};
}
