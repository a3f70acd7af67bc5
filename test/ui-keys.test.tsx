// Keys typed while a component that owns the keys is drawn but has not attached its handler yet (Ink
// attaches handlers in passive effects, after the frame) are held by the key gate and replayed, in
// order, once it listens; they are never lost nor handled by the component that just left.
import test from 'ava';
import React, {useLayoutEffect, useState} from 'react';
import {Text} from 'ink';
import {render} from 'ink-testing-library';
import {Session} from '../source/app/session.js';
import {TuiSession, UIProvider} from '../source/ui/context.js';
import {useKeyGateRoot, useKeys} from '../source/ui/hooks/use-keys.js';
import {tempData} from './ui-helpers.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function Listener({name, heard}: {name: string; heard: string[]}) {
	useKeys((input) => heard.push(`${name}:${input}`));
	return <Text>{name} listening</Text>;
}

/** Writes to stdin during the commit that mounts the listener before it: before its handler attaches. */
function Typist({write, keys}: {write: (data: string) => void; keys: string}) {
	useLayoutEffect(() => write(keys), [write, keys]);
	return null;
}

function Root({heard, write}: {heard: string[]; write: (data: string) => void}) {
	useKeyGateRoot();
	const [stage, setStage] = useState<'first' | 'second'>('first');
	return (
		<>
			{stage === 'first' ? (
				<Listener key="first" name="first" heard={heard} />
			) : (
				<>
					<Listener key="second" name="second" heard={heard} />
					<Typist write={write} keys="ab" />
				</>
			)}
			<Switch onSwitch={() => setStage('second')} heard={heard} />
		</>
	);
}

function Switch({onSwitch, heard}: {onSwitch: () => void; heard: string[]}) {
	useKeys((input) => {
		if (input === '>') onSwitch();
		else heard.push(`switch:${input}`);
	});
	return null;
}

test('keys typed before a new owner listens are held and replayed to it, in order, once', async (t) => {
	const heard: string[] = [];
	let write: (data: string) => void = () => {};
	const app = new Session({dataDir: tempData()});
	const instance = render(
		<UIProvider app={app} session={new TuiSession()} initialData={null} initialError={null} onQuit={() => {}}>
			<Root heard={heard} write={(data) => write(data)} />
		</UIProvider>,
	);
	try {
		write = (data) => instance.stdin.write(data);
		await sleep(100);
		instance.stdin.write('x');
		await sleep(50);
		t.deepEqual(heard, ['first:x', 'switch:x']);
		instance.stdin.write('>');
		await sleep(150);
		t.regex(instance.lastFrame() ?? '', /second listening/);
		// `ab` arrived while `second` was drawn but not listening: replayed to it (and to the switch,
		// which listened all along but ignored it while it was held): once each, never to `first`.
		t.deepEqual(heard.slice(2, 3), ['first:>']);
		t.deepEqual(heard.slice(3).sort(), ['second:ab', 'switch:ab']);
	} finally {
		instance.unmount();
	}
});
