// What the TUI draws: every string through the one Text (components/text.tsx) loses its terminal
// control characters and every secret the process knows, whatever screen draws it; and the stdout
// Ink writes to in a real terminal redacts every write (run.tsx), for anything drawn another way.
import {Writable} from 'node:stream';
import test from 'ava';
import React from 'react';
import {render} from 'ink-testing-library';
import {Text} from '../source/ui/components/text.js';
import {redactingStdout} from '../source/ui/run.js';
import {registerSecret} from '../source/lib/secrets.js';

const ESC = String.fromCharCode(27);
const BEL = String.fromCharCode(7);

test('Text draws a host string without escape sequences or control characters', (t) => {
	const hostile = `crm-${ESC}[2J${ESC}[Hgroup${ESC}]0;owned${BEL} name${BEL}`;
	const view = render(
		<Text>
			name: {hostile} <Text bold>{`nested ${ESC}[31mred`}</Text>
		</Text>,
	);
	try {
		const frame = view.lastFrame() ?? '';
		t.is(frame, 'name: crm-group name nested red');
		t.false(frame.includes(ESC) || frame.includes(BEL));
	} finally {
		view.unmount();
	}
});

test('Text redacts a registered secret in any child, in its raw and JSON-escaped forms', (t) => {
	const secret = 'tui-secret"with\\quote-0042';
	registerSecret(secret);
	const view = render(
		<Text>
			a {secret} b {JSON.stringify({k: secret})}
		</Text>,
	);
	try {
		const frame = view.lastFrame() ?? '';
		t.false(frame.includes(secret));
		t.false(frame.includes(JSON.stringify(secret).slice(1, -1)));
		t.is((frame.match(/\[redacted\]/g) ?? []).length, 2, frame);
	} finally {
		view.unmount();
	}
});

test('the stdout Ink writes to redacts every write and passes the terminal size through', (t) => {
	const secret = 'frame-secret-value-0099';
	registerSecret(secret);
	let written = '';
	const sink = Object.assign(
		new Writable({
			write(chunk: Buffer, _encoding, done) {
				written += chunk.toString();
				done();
			},
		}),
		{columns: 99, rows: 33, isTTY: true},
	) as unknown as NodeJS.WriteStream;
	const stdout = redactingStdout(sink);
	t.is(stdout.columns, 99);
	t.is(stdout.rows, 33);
	stdout.write(`${ESC}[2Kline with ${secret}\n`);
	t.is(written, `${ESC}[2Kline with [redacted]\n`, "Ink's own escape sequences stay, the secret goes");
});
