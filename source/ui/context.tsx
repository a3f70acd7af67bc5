// Typed app state and actions, in two contexts (state changes often; actions never do), so screens
// read what they show and call what they need without prop chains. `app` is the application session
// (source/app) answered by this TUI's operator prompts: screens pass it to the app's operations.
import React, {
	createContext,
	useCallback,
	useContext,
	useMemo,
	useRef,
	useState,
	type ReactNode,
} from 'react';
import type {SandboxHost} from '../app/sandbox.js';
import type {Session} from '../app/session.js';
import type {ComplianceInfo} from '../host/probe.js';
import type {State} from '../store/schema.js';
import {errorText} from './components/error-line.js';
import {KeyGate} from './key-gate.js';
import type {LogEntry, LogLine} from './steps.js';
import {up} from './nav.js';

export type {LogEntry};

export type Screen =
	| {id: 'home'}
	| {id: 'hosts'}
	| {id: 'host-add'; then?: 'import'}
	| {id: 'host'; hostId: string}
	| {id: 'import'; hostId?: string}
	| {id: 'status'}
	| {id: 'status-host'; hostId: string}
	| {id: 'resources'; hostId: string}
	| {id: 'batch-runs'}
	| {id: 'residue'; hostId: string}
	| {id: 'rollback-provider'; hostId: string; pack: string; url: string}
	| {id: 'batch-run'; runId: string}
	| {id: 'batches'; hostId: string; pack?: string; baseUrl?: string}
	| {id: 'batch'; batchId: string}
	| {id: 'drift'; hostId?: string; batchId?: string; then?: 'rollback' | 'reconcile'}
	| {id: 'batch-import'}
	| {id: 'acceptance'; hostId?: string}
	| {id: 'matrix'}
	| {id: 'evidence'; runId?: string}
	| {id: 'watch'; hostId?: string; batchIds?: string[]; intervalS?: number};

export type Prompt =
	| {kind: 'compliance'; info: ComplianceInfo; resolve: (accepted: boolean) => void}
	| {kind: 'totp'; resolve: (code: string) => void; reject: (error: Error) => void};

/** What outlives the Ink app: runTui (or a test) closes the sandbox and reads the exit code. */
export class TuiSession {
	/** The sandboxes this session started (tried, or started again for a stopped sandbox host). */
	sandboxes: SandboxHost[] = [];
	exitCode = 0;

	/** The sandbox this session started last, if any. */
	get sandbox(): SandboxHost | null {
		return this.sandboxes.at(-1) ?? null;
	}

	setExitCode(code: number): void {
		this.exitCode = code;
	}

	attachSandbox(sandbox: SandboxHost): void {
		this.sandboxes = [...this.sandboxes, sandbox];
	}

	/** Stops every sandbox this session started. */
	async close(): Promise<void> {
		const sandboxes = this.sandboxes;
		this.sandboxes = [];
		await Promise.all(sandboxes.map(async (s) => s.handle.close()));
	}
}

export interface UIState {
	/** The application session, with this TUI as its operator. */
	app: Session;
	/** The last read of state.json (no lock), or null before the first read. */
	data: State | null;
	loadError: string | null;
	screen: Screen;
	depth: number;
	helpOpen: boolean;
	prompt: Prompt | null;
	/** An operation is running (it holds the lock); Ctrl-C stops it instead of quitting. */
	running: boolean;
	stopping: boolean;
	/** The sandbox this session started last, if any. */
	sandbox: SandboxHost | null;
	/** Every sandbox this session started (their hosts' imports fill in the fake upstream's key). */
	sandboxes: SandboxHost[];
	/** Append-only: finished steps and notes of every run this session. */
	log: LogEntry[];
}

export interface UIActions {
	push(screen: Screen): void;
	/** Esc: up one level of the menu (ui/nav.ts), not back through history. */
	back(): void;
	home(): void;
	replace(screen: Screen): void;
	reload(): Promise<void>;
	toggleHelp(open?: boolean): void;
	quit(code?: number): void;
	cancelPrompt(): void;
	/** Registers a running operation's abort; returns the function to call when it has ended. */
	beginRun(abort: () => void): () => void;
	/** Ctrl-C: stop the running operation if any (true), else false. */
	stopRun(): boolean;
	setSandbox(sandbox: SandboxHost): void;
	/** Adds a finished step (or a note) to the scrollback log. */
	appendLog(entry: LogLine): void;
	/** Holds keys typed while a screen is still attaching its handlers (ui/key-gate.ts). */
	keyGate: KeyGate;
}

const StateContext = createContext<UIState | null>(null);
const ActionsContext = createContext<UIActions | null>(null);

export function useUIState(): UIState {
	const value = useContext(StateContext);
	if (!value) throw new Error('useUIState outside UIProvider');
	return value;
}

export function useUIActions(): UIActions {
	const value = useContext(ActionsContext);
	if (!value) throw new Error('useUIActions outside UIProvider');
	return value;
}

export class PromptCancelled extends Error {
	constructor(what: string) {
		super(`${what} was cancelled by the operator`);
		this.name = 'PromptCancelled';
	}
}

interface ProviderProps {
	app: Session;
	session: TuiSession;
	initialData: State | null;
	initialError: string | null;
	initialScreen?: Screen;
	onQuit: () => void;
	children: ReactNode;
}

/**
 * State whose latest value key handlers also read (Esc: a batch's parent is its host's batch list),
 * through the ref: never while rendering.
 */
function useLatest<T>(initial: T): [T, (value: T) => void, {readonly current: T}] {
	const [value, setValue] = useState<T>(initial);
	const ref = useRef<T>(initial);
	const set = useCallback((next: T) => {
		ref.current = next;
		setValue(next);
	}, []);
	return [value, set, ref];
}

/**
 * The operator prompts (compliance acknowledgement, TOTP code) the app's operations call. They run
 * when an operation asks, never during render: the prompt ref is not read while rendering. Steps
 * that run side by side may each need the operator at once: their prompts wait in line, one on the
 * screen at a time, so none is lost.
 */
function useOperatorPrompts(base: ProviderProps['app']) {
	const [prompt, setPrompt] = useState<Prompt | null>(null);
	const promptRef = useRef<Prompt | null>(null);
	const showPrompt = useCallback((p: Prompt | null) => {
		promptRef.current = p;
		setPrompt(p);
	}, []);
	const waiting = useRef<Prompt[]>([]);
	const ask = useCallback(
		(p: Prompt) => {
			if (promptRef.current) waiting.current.push(p);
			else showPrompt(p);
		},
		[showPrompt],
	);
	const answered = useCallback(() => showPrompt(waiting.current.shift() ?? null), [showPrompt]);
	const app = useMemo(
		() =>
			// eslint-disable-next-line react-hooks/refs
			base.withOperator({
				totp: () =>
					new Promise<string>((resolve, reject) => {
						ask({
							kind: 'totp',
							resolve: (code) => {
								answered();
								resolve(code);
							},
							reject: (error) => {
								answered();
								reject(error);
							},
						});
					}),
				acceptCompliance: (info) =>
					new Promise<boolean>((resolve) => {
						ask({
							kind: 'compliance',
							info,
							resolve: (accepted) => {
								answered();
								resolve(accepted);
							},
						});
					}),
			}),
		[base, ask, answered],
	);
	return {app, prompt, promptRef};
}

export function UIProvider(props: ProviderProps) {
	const {session, onQuit} = props;
	const [stack, setStack] = useState<Screen[]>([props.initialScreen ?? {id: 'home'}]);
	const [data, setData, dataRef] = useLatest<State | null>(props.initialData);
	const [loadError, setLoadError] = useState<string | null>(props.initialError);
	const [helpOpen, setHelpOpen] = useState(false);
	const [running, setRunning] = useState(false);
	const [stopping, setStopping] = useState(false);
	const [sandboxes, setSandboxState] = useState<SandboxHost[]>(session.sandboxes);
	const [log, setLog] = useState<LogEntry[]>([]);
	const logCount = useRef(0);
	const abortRef = useRef<(() => void) | null>(null);
	const [keyGate] = useState(() => new KeyGate());

	const {app, prompt, promptRef} = useOperatorPrompts(props.app);

	const actions = useMemo<UIActions>(() => {
		const nav = (next: (s: Screen[]) => Screen[]) => {
			setHelpOpen(false);
			setStack(next);
		};
		return {
			keyGate,
			push: (screen) => nav((s) => [...s, screen]),
			back: () => nav((s) => up(s, dataRef.current)),
			home: () => nav(() => [{id: 'home'}]),
			replace: (screen) => nav((s) => [...s.slice(0, -1), screen]),
			reload: async () => {
				try {
					const store = await app.read();
					setData(store.data);
					setLoadError(null);
				} catch (error) {
					setLoadError(errorText(error));
				}
			},
			toggleHelp: (open) => setHelpOpen((h) => open ?? !h),
			quit: (code = 0) => {
				session.setExitCode(code);
				onQuit();
			},
			cancelPrompt: () => {
				const p = promptRef.current;
				if (!p) return;
				if (p.kind === 'totp') p.reject(new PromptCancelled('the TOTP code'));
				else p.resolve(false);
			},
			beginRun: (abort) => {
				abortRef.current = abort;
				setRunning(true);
				setStopping(false);
				return () => {
					if (abortRef.current === abort) abortRef.current = null;
					setRunning(false);
					setStopping(false);
				};
			},
			stopRun: () => {
				const abort = abortRef.current;
				if (!abort) return false;
				setStopping(true);
				abort();
				return true;
			},
			appendLog: (entry) => {
				logCount.current += 1;
				const key = `log-${logCount.current}`;
				setLog((l) => [...l, {...entry, key}]);
			},
			setSandbox: (s) => {
				session.attachSandbox(s);
				setSandboxState(session.sandboxes);
			},
		};
	}, [app, session, onQuit, keyGate, dataRef, setData, promptRef]);

	const state = useMemo<UIState>(
		() => ({
			app,
			data,
			loadError,
			screen: stack[stack.length - 1]!,
			depth: stack.length,
			helpOpen,
			prompt,
			running,
			stopping,
			sandbox: sandboxes.at(-1) ?? null,
			sandboxes,
			log,
		}),
		[app, data, loadError, stack, helpOpen, prompt, running, stopping, sandboxes, log],
	);

	return (
		<ActionsContext.Provider value={actions}>
			<StateContext.Provider value={state}>{props.children}</StateContext.Provider>
		</ActionsContext.Provider>
	);
}
