// The TUI root: a raw-mode guard, the typed state/actions provider, the screen router, the operator
// prompt layer and the global Ctrl-C (stop a running operation cleanly, else quit).
import React, {lazy, Suspense, useEffect, type ComponentType} from 'react';
import {Box, useApp, useInput, useStdin} from 'ink';
import {Text} from './components/text.js';
import {UIProvider, useUIActions, useUIState, type Screen, type TuiSession} from './context.js';
import type {Session} from '../app/session.js';
import {OperatorPrompt} from './components/operator-prompt.js';
import {ScrollbackLog} from './components/step-list.js';
import {HomeScreen} from './screens/home.js';
import {useKeyGateRoot} from './hooks/use-keys.js';
import {NoRawMode} from './screens/no-raw-mode.js';

// Home is the only screen in the start-up graph (the first frame is what an operator waits for,
// docs/architecture.md "Start-up"); every other screen is
// loaded the first time it is opened (a loading line meanwhile), and with it whatever it imports.
function screen<P>(load: () => Promise<ComponentType<P>>) {
	return lazy(async () => ({default: await load()}));
}

const HostsScreen = screen(async () => (await import('./screens/hosts.js')).HostsScreen);
const HostAddScreen = screen(async () => (await import('./screens/host-add.js')).HostAddScreen);
const HostDetailScreen = screen(async () => (await import('./screens/host-detail.js')).HostDetailScreen);
const ImportWizard = screen(async () => (await import('./screens/import-wizard.js')).ImportWizard);
const StatusScreen = screen(async () => (await import('./screens/status.js')).StatusScreen);
const ProvidersScreen = screen(async () => (await import('./screens/providers.js')).ProvidersScreen);
const BatchesScreen = screen(async () => (await import('./screens/batches.js')).BatchesScreen);
const BatchScreen = screen(async () => (await import('./screens/batch.js')).BatchScreen);
const DriftScreen = screen(async () => (await import('./screens/drift.js')).DriftScreen);
const BatchImportScreen = screen(async () => (await import('./screens/batch-import.js')).BatchImportScreen);
const AcceptanceScreen = screen(async () => (await import('./screens/acceptance.js')).AcceptanceScreen);
const ResidueScreen = screen(async () => (await import('./screens/residue.js')).ResidueScreen);
const ProviderRollbackScreen = screen(
	async () => (await import('./screens/rollback-provider.js')).ProviderRollbackScreen,
);
const BatchRunsScreen = screen(async () => (await import('./screens/batch-runs.js')).BatchRunsScreen);
const BatchRunScreen = screen(async () => (await import('./screens/batch-runs.js')).BatchRunScreen);
const ResourcesScreen = screen(async () => (await import('./screens/resources.js')).ResourcesScreen);
const MatrixScreen = screen(async () => (await import('./screens/matrix.js')).MatrixScreen);
const EvidenceScreen = screen(async () => (await import('./screens/evidence.js')).EvidenceScreen);
const WatchScreen = screen(async () => (await import('./screens/watch.js')).WatchScreen);

export interface AppProps {
	/** The application session (data folder, packs, timing); the TUI answers its prompts. */
	app: Session;
	session: TuiSession;
	initialScreen?: Screen;
}

export function App(props: AppProps) {
	const {isRawModeSupported} = useStdin();
	if (!isRawModeSupported) return <NoRawMode session={props.session} />;
	return <Main {...props} />;
}

function Main({app, session, initialScreen}: AppProps) {
	const {exit} = useApp();
	return (
		<UIProvider
			app={app}
			session={session}
			initialData={null}
			initialError={null}
			initialScreen={initialScreen}
			onQuit={exit}
		>
			<Loader />
			<Log />
			<GlobalKeys />
			<Router />
			<PromptLayer />
		</UIProvider>
	);
}

function Loader() {
	const actions = useUIActions();
	useEffect(() => {
		void actions.reload();
	}, [actions]);
	return null;
}

function Log() {
	const {log} = useUIState();
	return <ScrollbackLog log={log} />;
}

function GlobalKeys() {
	const {prompt} = useUIState();
	const actions = useUIActions();
	useKeyGateRoot();
	useInput((input, key) => {
		if (!(key.ctrl && input === 'c')) return;
		if (prompt) actions.cancelPrompt();
		if (!actions.stopRun() && !prompt) actions.quit(0);
	});
	return null;
}

function PromptLayer() {
	const {prompt} = useUIState();
	return prompt ? <OperatorPrompt prompt={prompt} /> : null;
}

function Router() {
	const {screen, depth, data, loadError} = useUIState();
	if (!data) {
		return (
			<Box flexDirection="column">
				<Text bold>crm</Text>
				{loadError ? <Text color="red">{loadError}</Text> : <Text dimColor>reading the data folder…</Text>}
				{loadError ? (
					<Text dimColor>Ctrl-C quits; the CLI (crm help) reports the same problem with an exit code.</Text>
				) : null}
			</Box>
		);
	}
	return (
		<Suspense fallback={<Text dimColor>loading…</Text>}>
			<Current screen={screen} depth={depth} />
		</Suspense>
	);
}

function Current({screen, depth}: {screen: Screen; depth: number}) {
	const key = `${depth}-${screen.id}`;
	switch (screen.id) {
		case 'home':
			return <HomeScreen key={key} />;
		case 'hosts':
			return <HostsScreen key={key} />;
		case 'host-add':
			return <HostAddScreen key={key} />;
		case 'host':
			return <HostDetailScreen key={key} hostId={screen.hostId} />;
		case 'import':
			return <ImportWizard key={key} hostId={screen.hostId} />;
		case 'status':
			return <StatusScreen key={key} />;
		case 'status-host':
			return <ProvidersScreen key={key} hostId={screen.hostId} />;
		case 'resources':
			return <ResourcesScreen key={key} hostId={screen.hostId} />;
		case 'residue':
			return <ResidueScreen key={key} hostId={screen.hostId} />;
		case 'rollback-provider':
			return <ProviderRollbackScreen key={key} hostId={screen.hostId} pack={screen.pack} url={screen.url} />;
		case 'batch-runs':
			return <BatchRunsScreen key={key} />;
		case 'batch-run':
			return <BatchRunScreen key={key} runId={screen.runId} />;
		case 'batches':
			return <BatchesScreen key={key} hostId={screen.hostId} pack={screen.pack} baseUrl={screen.baseUrl} />;
		case 'batch':
			return <BatchScreen key={key} batchId={screen.batchId} />;
		case 'drift':
			return <DriftScreen key={key} hostId={screen.hostId} batchId={screen.batchId} then={screen.then} />;
		case 'batch-import':
			return <BatchImportScreen key={key} />;
		case 'acceptance':
			return <AcceptanceScreen key={key} hostId={screen.hostId} />;
		case 'matrix':
			return <MatrixScreen key={key} />;
		case 'evidence':
			return <EvidenceScreen key={key} runId={screen.runId} />;
		case 'watch':
			return (
				<WatchScreen
					key={key}
					hostId={screen.hostId}
					batchIds={screen.batchIds}
					intervalS={screen.intervalS}
				/>
			);
	}
}
