// The TUI root: a raw-mode guard, the typed state/actions provider, the screen router, the operator
// prompt layer and the global Ctrl-C (stop a running operation cleanly, else quit).
import React, {useEffect} from 'react';
import {Box, Text, useApp, useInput, useStdin} from 'ink';
import {UIProvider, useUIActions, useUIState, type Screen, type TuiSession} from './context.js';
import type {EngineConfig} from './engine.js';
import {OperatorPrompt} from './components/operator-prompt.js';
import {ScrollbackLog} from './components/step-list.js';
import {HomeScreen} from './screens/home.js';
import {HostsScreen} from './screens/hosts.js';
import {HostAddScreen} from './screens/host-add.js';
import {HostDetailScreen} from './screens/host-detail.js';
import {ImportWizard} from './screens/import-wizard.js';
import {StatusScreen} from './screens/status.js';
import {ProvidersScreen} from './screens/providers.js';
import {BatchesScreen} from './screens/batches.js';
import {BatchScreen} from './screens/batch.js';
import {DriftScreen} from './screens/drift.js';
import {BatchImportScreen} from './screens/batch-import.js';
import {NoRawMode} from './screens/no-raw-mode.js';

export interface AppProps {
	config: EngineConfig;
	session: TuiSession;
	initialScreen?: Screen;
}

export function App(props: AppProps) {
	const {isRawModeSupported} = useStdin();
	if (!isRawModeSupported) return <NoRawMode session={props.session} />;
	return <Main {...props} />;
}

function Main({config, session, initialScreen}: AppProps) {
	const {exit} = useApp();
	return (
		<UIProvider
			config={config}
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
					<Text dimColor>Ctrl-C quits; the CLI (crm --help) reports the same problem with an exit code.</Text>
				) : null}
			</Box>
		);
	}
	const key = `${depth}-${screen.id}`;
	switch (screen.id) {
		case 'home':
			return <HomeScreen key={key} />;
		case 'hosts':
			return <HostsScreen key={key} />;
		case 'host-add':
			return <HostAddScreen key={key} then={screen.then} />;
		case 'host':
			return <HostDetailScreen key={key} hostId={screen.hostId} />;
		case 'import':
			return <ImportWizard key={key} hostId={screen.hostId} />;
		case 'status':
			return <StatusScreen key={key} />;
		case 'status-host':
			return <ProvidersScreen key={key} hostId={screen.hostId} />;
		case 'batches':
			return <BatchesScreen key={key} hostId={screen.hostId} pack={screen.pack} baseUrl={screen.baseUrl} />;
		case 'batch':
			return <BatchScreen key={key} batchId={screen.batchId} />;
		case 'drift':
			return <DriftScreen key={key} hostId={screen.hostId} batchId={screen.batchId} then={screen.then} />;
		case 'batch-import':
			return <BatchImportScreen key={key} />;
	}
}
